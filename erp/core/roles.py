"""Roles are Django groups; this module is the one readable role -> permissions table.

Each app states what its models grant to each role in its own ``roles.py`` as ``PERMISSIONS``
(``{"reception": ["clinical.view_patient", ...]}``); ``role_permissions()`` merges those
fragments with the table below. ``sync_roles()`` makes the groups match the merged table: it runs
from core's data migration and after every ``migrate`` so a later app's permissions are granted
as soon as its models exist.
"""

from importlib import import_module

from django.apps import apps as global_apps

ADMIN = "admin"
PRACTITIONER = "practitioner"
RECEPTION = "reception"
MARKETING = "marketing"
ACCOUNTING = "accounting"
CLINIC_ROLES = (ADMIN, PRACTITIONER, RECEPTION, MARKETING, ACCOUNTING)

# Every staff role reaches the Wagtail admin; what it sees there follows its other permissions.
_STAFF = ["wagtailadmin.access_admin"]
_READ_CORE = ["core.view_cliniclocation", "core.view_practitioner", "core.view_appsettings"]

PERMISSIONS: dict[str, list[str]] = {
    # The admin role holds every permission of every installed app ("*").
    ADMIN: ["*"],
    PRACTITIONER: [*_STAFF, *_READ_CORE],
    RECEPTION: [*_STAFF, *_READ_CORE],
    MARKETING: [*_STAFF, "core.view_cliniclocation"],
    ACCOUNTING: [*_STAFF, *_READ_CORE],
}


def role_permissions() -> dict[str, set[str]]:
    """The merged table: core's roles plus each installed app's ``roles.PERMISSIONS``."""
    table: dict[str, set[str]] = {role: set(perms) for role, perms in PERMISSIONS.items()}
    for app_config in global_apps.get_app_configs():
        if not app_config.name.startswith(("erp.", "cms.")) or app_config.name == "erp.core":
            continue
        try:
            module = import_module(f"{app_config.name}.roles")
        except ModuleNotFoundError:
            continue
        for role, perms in getattr(module, "PERMISSIONS", {}).items():
            table.setdefault(role, set()).update(perms)
    return table


def sync_roles(apps=global_apps, *, using: str = "default") -> None:
    """Create each role's group and set its permissions to exactly what the table says."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    every_permission = Permission.objects.using(using).select_related("content_type")
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in every_permission}
    for role, names in role_permissions().items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        if "*" in names:
            wanted = list(by_name.values())
        else:
            wanted = [by_name[name] for name in sorted(names) if name in by_name]
        group.permissions.set(wanted)


def create_all_permissions(apps, *, using: str = "default") -> None:
    """Make sure the permissions of every model exist (they are normally made after migrate)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # create_permissions skips apps whose models_module is unset (as in migration state).
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
        finally:
            app_config.models_module = original
