"""Drop the patient search's planner tables and the kept count of live patients.

A search is now one query on the patients' own indexes (the full-text GIN index of ``name_search``,
the e-mail and phone pattern b-trees) with a capped count (``erp.core.api.pagination``); the
search terms (0006-0008) and their prefix counts (0009), and the live patients kept in
``core_rowcount`` (0004), go with their triggers. Unapplied, they are built again from the rows.
"""

from importlib import import_module

from django.db import migrations

from erp.core.migration_ops import counted_table_sql

terms = import_module("erp.clinical.migrations.0006_patient_search_terms")
phone_order = import_module("erp.clinical.migrations.0007_patient_search_phone_order")
shared = import_module("erp.clinical.migrations.0008_patient_search_term_shared_prefix")
prefix_counts = import_module("erp.clinical.migrations.0009_patient_search_counts")
COUNT_CREATE, COUNT_DROP = counted_table_sql("clinical_patient", "NOT is_deleted AND NOT is_merged")

FORWARDS = f"""
{COUNT_DROP}
{terms.BACKWARDS}
DROP TABLE IF EXISTS {prefix_counts.COUNTS};
DROP FUNCTION IF EXISTS clinical_shared_prefix(text, text);
"""
BACKWARDS = [
    COUNT_CREATE,
    terms.FORWARDS,
    phone_order.FORWARDS,
    shared.FORWARDS,
    prefix_counts.FORWARDS,
]


class Migration(migrations.Migration):
    dependencies = [("clinical", "0011_importjob")]

    operations = [migrations.RunSQL(FORWARDS, BACKWARDS)]
