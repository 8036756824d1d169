"""Drop ``core_rowcount``, the kept row counts of clinical 0004 and commerce 0008, once their
triggers are gone (clinical 0011, commerce 0011)."""

from django.db import migrations

from erp.core.migration_ops import COUNTS_TABLE, CREATE_COUNTS_TABLE


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_user_session"),
        ("clinical", "0012_drop_search_terms_and_kept_counts"),
        ("commerce", "0014_drop_sale_count"),
    ]

    operations = [migrations.RunSQL(f"DROP TABLE IF EXISTS {COUNTS_TABLE}", CREATE_COUNTS_TABLE)]
