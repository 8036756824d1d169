"""PostgreSQL only: the number of live rows of commerce_sale is kept in core_rowcount by triggers
(erp.core.counts), so the first page of a list does not count the whole table."""

from django.db import migrations

from erp.core.migration_ops import counted_table_sql, postgresql_only

CREATE, DROP = counted_table_sql("commerce_sale", "NOT is_deleted")


class Migration(migrations.Migration):
    dependencies = [("commerce", "0007_sale_created_at_index")]

    operations = [postgresql_only(CREATE, DROP)]
