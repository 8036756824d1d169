"""The spec's referential actions in the database itself (PostgreSQL).

Django emulates ``on_delete`` in Python and creates every foreign key as deferrable NO ACTION.
Spec 004 asks the database to RESTRICT deleting a distributor, point of sale or product that an
order uses, and to CASCADE an order's lines: this recreates those constraints with the real
actions, so a delete that bypasses the ORM is refused (or cascades) at once. SQLite keeps
Django's emulation.
"""

from django.db import migrations

# (table, column, referenced table, action)
FOREIGN_KEYS = [
    ("distribution_order", "distributor_id", "distribution_distributor", "RESTRICT"),
    ("distribution_order", "point_of_sale_id", "distribution_pointofsale", "RESTRICT"),
    ("distribution_orderline", "product_id", "commerce_product", "RESTRICT"),
    ("distribution_orderline", "order_id", "distribution_order", "CASCADE"),
]


def _recreate(schema_editor, action_for):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, column, referenced, action in FOREIGN_KEYS:
            cursor.execute(
                """
                SELECT con.conname FROM pg_constraint con
                JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = ANY (con.conkey)
                WHERE con.contype = 'f' AND con.conrelid = %s::regclass AND att.attname = %s
                """,
                [table, column],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            name = f"{table}_{column}_fk_{action.lower()}"[:63]
            cursor.execute(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" FOREIGN KEY ("{column}") '
                f'REFERENCES "{referenced}" ("id") {action_for(action)}'
            )


def forwards(apps, schema_editor):
    _recreate(schema_editor, lambda action: f"ON DELETE {action}")


def backwards(apps, schema_editor):
    _recreate(schema_editor, lambda action: "DEFERRABLE INITIALLY DEFERRED")


class Migration(migrations.Migration):
    dependencies = [("distribution", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
