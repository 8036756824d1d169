from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .roles import create_all_permissions, sync_roles


@receiver(post_migrate)
def roles_follow_the_table(sender, using="default", **kwargs):
    """After ``migrate``, the role groups match the table, including apps added since."""
    # post_migrate fires once per installed app that has models; act once, for the last one.
    if sender is not [app for app in global_apps.get_app_configs() if app.models_module][-1]:
        return
    create_all_permissions(global_apps, using=using)
    sync_roles(global_apps, using=using)
