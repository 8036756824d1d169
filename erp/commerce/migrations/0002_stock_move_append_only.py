"""On PostgreSQL the database itself refuses to change or delete a stock move (the ledger is
append-only). SQLite, used only for the demo database, relies on the model guards."""

from django.db import migrations

from erp.core.migration_ops import postgresql_only

CREATE = """
CREATE OR REPLACE FUNCTION commerce_stockmove_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'commerce_stockmove is append-only: record a new move instead'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS commerce_stockmove_append_only ON commerce_stockmove;
CREATE TRIGGER commerce_stockmove_append_only
    BEFORE UPDATE OR DELETE ON commerce_stockmove
    FOR EACH ROW EXECUTE FUNCTION commerce_stockmove_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS commerce_stockmove_append_only ON commerce_stockmove;
DROP FUNCTION IF EXISTS commerce_stockmove_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("commerce", "0001_initial")]

    operations = [postgresql_only(CREATE, DROP)]
