from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the user's role names in the same query as the token
    and the user (every API call checks the caller's roles: one query fewer a request)."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        tokens = model.objects.select_related("user")
        if connection.vendor == "postgresql":
            names = Group.objects.filter(user=OuterRef("user_id")).order_by("name").values("name")
            tokens = tokens.annotate(role_names=ArraySubquery(names))
        try:
            token = tokens.get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if hasattr(token, "role_names"):
            token.user.known_role_names = token.role_names
        return token.user, token
