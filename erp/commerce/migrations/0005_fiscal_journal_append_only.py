"""On PostgreSQL the database itself refuses to change or delete a fiscal journal entry or a
fiscal closing (inalterability). SQLite, used only for the demo database, relies on the model
guards."""

from django.db import migrations

TABLES = ("commerce_fiscaljournalentry", "commerce_fiscalclosing")

FUNCTION = """
CREATE OR REPLACE FUNCTION commerce_fiscal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = TG_TABLE_NAME || ' is append-only: the fiscal journal is never rewritten',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION commerce_fiscal_append_only();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        for table in TABLES:
            schema_editor.execute(TRIGGER.format(table=table))


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS commerce_fiscal_append_only();")


class Migration(migrations.Migration):
    dependencies = [("commerce", "0004_sales_invoices_fiscal_journal")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
