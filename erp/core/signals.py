from django.apps import apps as global_apps
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate, post_save, pre_save
from django.dispatch import receiver

from erp.core.roles import create_all_permissions, sync_roles


@receiver(post_migrate)
def roles_follow_the_table(sender, using="default", **kwargs):
    """After ``migrate``, the role groups match the table, including apps added since."""
    # post_migrate fires once per installed app that has models; act once, for the last one.
    if sender is not [app for app in global_apps.get_app_configs() if app.models_module][-1]:
        return
    create_all_permissions(global_apps, using=using)
    sync_roles(global_apps, using=using)


@receiver(user_logged_in)
def session_clocks_start(sender, request, user, **kwargs):
    """A session login starts the idle and absolute clocks (API token logins have no session)."""
    from erp.core.security import session_started

    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        session_started(request)


@receiver(user_logged_in)
def failures_forgotten_when_nothing_more_is_owed(sender, request, user, **kwargs):
    """django-axes forgets a user's failures at a complete sign-in only (AXES_RESET_ON_SUCCESS is
    off): a user who still owes a second-factor code keeps them until the code is right."""
    from erp.core.otp import OK, failures_forget, second_factor_state

    if second_factor_state(user) == OK:
        failures_forget(user)


@receiver(pre_save, sender="core.User")
def password_change_noted(sender, instance, update_fields=None, **kwargs):
    """Note whether this save changes the stored password (compared with the row, so every path
    counts: the API, the admin, a password reset, ``changepassword``, a shell)."""
    if update_fields is not None and "password" not in update_fields:
        instance.password_changed_by_save = False
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance.password_changed_by_save = stored is not None and stored != instance.password


@receiver(post_save, sender="core.User")
def disabled_user_loses_access(sender, instance, **kwargs):
    """Whatever saved it (admin, API, shell), a disabled account keeps no session and no token,
    and a new password signs every API client out (sessions end by Django's session hash)."""
    password_changed = instance.__dict__.pop("password_changed_by_save", False)
    if not instance.is_active:
        from erp.core.services import user_access_revoke

        user_access_revoke(user=instance)
    elif password_changed:
        from erp.core.services import user_api_tokens_revoke

        user_api_tokens_revoke(user=instance)
