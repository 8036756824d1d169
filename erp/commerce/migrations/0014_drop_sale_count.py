"""Drop the kept count of live sales (0008): the sales list counts its rows up to a cap instead
(``erp.core.api.pagination``). Unapplied, the count is built again from the rows."""

from django.db import migrations

from erp.core.migration_ops import counted_table_sql

CREATE, DROP = counted_table_sql("commerce_sale", "NOT is_deleted")


class Migration(migrations.Migration):
    dependencies = [("commerce", "0013_product_for_distribution")]

    operations = [migrations.RunSQL(DROP, CREATE)]
