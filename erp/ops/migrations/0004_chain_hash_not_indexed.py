"""Fewer indexes to maintain on every audit append (issue 11): the hash is looked up by nothing
(the chain's order and uniqueness are ``sequence``'s), and the actor's own index repeats the
leading column of ops_audit_actor_idx. Only the index is dropped: Django's AlterField would also
drop and re-add the foreign key, a scan of the whole trail under lock."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ACTOR_INDEX = "ops_auditlog_actor_user_id_82cd2a09"


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0003_failed_task"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditlog",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_column="actor_user_id",
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{ACTOR_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{ACTOR_INDEX}" ON "ops_auditlog" ("actor_user_id")',
                ),
            ],
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="hash",
            field=models.CharField(editable=False, max_length=64),
        ),
    ]
