from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from erp.ops.admin.viewsets import audit_log_viewset


@hooks.register("register_admin_viewset")
def register_audit_log_viewset():
    return audit_log_viewset


@hooks.register("before_delete_user")
def users_are_deactivated_not_deleted(request, user):
    """The audit trail names its actors (PROTECT): a user account is deactivated, never deleted."""
    messages.error(request, _("Users are never deleted (the audit trail names them): deactivate the account instead."))
    return redirect("wagtailusers_users:edit", user.pk)
