"""PostgreSQL only: the number of live rows of clinical_patient is kept in core_rowcount by triggers
(erp.core.counts), so the first page of a list does not count the whole table."""

from django.db import migrations

from erp.core.migration_ops import counted_table_sql, postgresql_only

CREATE, DROP = counted_table_sql("clinical_patient", "NOT is_deleted AND NOT is_merged")


class Migration(migrations.Migration):
    dependencies = [("clinical", "0003_agenda")]

    operations = [postgresql_only(CREATE, DROP)]
