from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from erp.core import access
from erp.core.roles import ADMIN


class RoleAccess(permissions.BasePermission):
    """The access matrix (``erp.core.access``): may the caller's roles use this route and method?

    First in ``DEFAULT_PERMISSION_CLASSES`` and in every view's own ``permission_classes`` (a test
    checks each route): the model permissions and the scoped querysets still apply after it.
    Refused: 401 when not signed in, else 403 with the code ``forbidden_role``.
    """

    message = _("Your role may not use this operation.")
    code = "forbidden_role"

    def has_permission(self, request, view):
        match = request.resolver_match
        view_name = match.view_name if match else None
        if access.lookup(view_name) is not None and not hasattr(view, request.method.lower()):
            return True  # a listed route without this method: DRF answers 405 Method Not Allowed
        return access.permits(request.user, view_name, request.method)


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django model permissions, reads included: listing patients needs ``view_patient``.

    Views without a model (``/me/``, health checks) only need authentication; operations declare
    their own permission classes.
    """

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)

    def _queryset(self, view):
        """Only the model is read: the view's own ``queryset`` names it, without building what its
        ``get_queryset`` makes for the action (prefetches, scopes). A test checks that both name the
        same model on every route."""
        queryset = getattr(view, "queryset", None)
        return queryset if queryset is not None else super()._queryset(view)


class IsAdminRole(permissions.BasePermission):
    """Only members of the admin role (or superusers)."""

    message = _("Only administrators may do this.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_role(ADMIN))


def has_perms(*perms: str) -> type[permissions.BasePermission]:
    """A permission class requiring every named Django permission (for operations)."""

    class HasPerms(permissions.BasePermission):
        message = _("Your role does not allow this operation.")

        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated and request.user.has_perms(perms))

    HasPerms.__name__ = "HasPerms_" + "_".join(p.replace(".", "_") for p in perms)
    return HasPerms
