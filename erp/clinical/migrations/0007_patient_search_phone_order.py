"""PostgreSQL only: the phones of ``clinical_patient_search_term`` in the search's order.

A phone prefix typed at the desk (``06 10``) matches an eighth of the patients. Its first page
(the first 50 by name) was the top of all those matches sorted: an index range of 25,000 rows read
and sorted. The phone digits say nothing of the name, so walking the phones in name order finds
the page's matches evenly spread: some 800 rows read for 100 found, and no sort
(``selectors.patient_search_page`` walks when the prefix matches that many).
"""

from django.db import migrations

from erp.core.migration_ops import postgresql_only

FORWARDS = """
CREATE INDEX clinical_patient_search_term_phone_order ON clinical_patient_search_term
    (sort_last, sort_first, patient_id) INCLUDE (term, live) WHERE kind = 'p';
"""
BACKWARDS = "DROP INDEX IF EXISTS clinical_patient_search_term_phone_order;"


class Migration(migrations.Migration):
    dependencies = [("clinical", "0006_patient_search_terms")]

    operations = [postgresql_only(FORWARDS, BACKWARDS)]
