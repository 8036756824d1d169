"""PostgreSQL only: the full-text vector of the patient's normalized name is a stored generated
column (``name_search``) with its own GIN index, instead of an index on the expression.

Searching a common prefix matches thousands of patients; with an expression index PostgreSQL
recomputed ``to_tsvector`` for every matching row it rechecked, sorted and counted. The stored
column is computed once, when the name is written. (Not a Django field: the model never writes it.)
"""

from django.db import migrations

from erp.core.migration_ops import postgresql_only

FORWARDS = """
ALTER TABLE clinical_patient ADD COLUMN IF NOT EXISTS name_search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(full_name_normalized, ''))) STORED;
CREATE INDEX IF NOT EXISTS clinical_patient_name_search ON clinical_patient USING gin (name_search);
DROP INDEX IF EXISTS clinical_patient_name_fts;
"""
BACKWARDS = """
CREATE INDEX IF NOT EXISTS clinical_patient_name_fts ON clinical_patient
    USING gin (to_tsvector('simple'::regconfig, coalesce(full_name_normalized, '')));
DROP INDEX IF EXISTS clinical_patient_name_search;
ALTER TABLE clinical_patient DROP COLUMN IF EXISTS name_search;
"""


class Migration(migrations.Migration):
    dependencies = [("clinical", "0004_patient_count")]

    operations = [postgresql_only(FORWARDS, BACKWARDS)]
