"""PostgreSQL only: the number of live rows of commerce_sale is kept in core_rowcount by triggers
(erp.core.counts), so the first page of a list does not count the whole table."""

from django.db import migrations

from erp.core.counts import counted_table_sql

CREATE, DROP = counted_table_sql("commerce_sale", "NOT is_deleted")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("commerce", "0007_sale_created_at_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
