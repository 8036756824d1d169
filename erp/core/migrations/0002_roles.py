"""Create the role groups from erp.core.roles (later apps extend the table; see roles.py)."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from erp.core.roles import create_all_permissions, sync_roles

    using = schema_editor.connection.alias
    create_all_permissions(apps, using=using)
    sync_roles(apps, using=using)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
