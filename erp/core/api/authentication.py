import binascii
from hmac import compare_digest

from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox import auth as knox_auth
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's token authentication (one hashed, expiring token per client), reading the user's role
    names in the same query as the token and the user (every API call checks the caller's roles).

    Unlike knox's own, it does not sweep the user's other expired tokens at every call (a query
    more a request): a token is checked for its own expiry, and login sweeps the rest
    (``erp.core.services.api_token_create``). Expiry moves with use (knox's ``AUTO_REFRESH``), up to
    ``AUTO_REFRESH_MAX_TTL`` after the sign-in: the idle and absolute limits of a staff session.
    """

    def authenticate_credentials(self, token: bytes):
        invalid = exceptions.AuthenticationFailed(_("Invalid token."), code="token_invalid")
        try:
            raw = token.decode("utf-8")
            digest = hash_token(raw)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise invalid from None
        tokens = get_token_model().objects.select_related("user").filter(token_key=raw[: CONSTANTS.TOKEN_KEY_LENGTH])
        names = Group.objects.filter(user=OuterRef("user_id")).order_by("name").values("name")
        tokens = tokens.annotate(role_names=ArraySubquery(names))
        auth_token = next((t for t in tokens if compare_digest(digest, t.digest)), None)
        if auth_token is None:
            raise invalid
        if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
            auth_token.delete()
            token_expired.send(sender=type(self), username=auth_token.user.get_username(), source="auth_token")
            raise exceptions.AuthenticationFailed(_("The token has expired; sign in again."), code="token_expired")
        if knox_settings.AUTO_REFRESH and auth_token.expiry is not None:
            self.renew_token(auth_token)
        user, auth_token = self.validate_user(auth_token)
        user.known_role_names = auth_token.role_names
        return user, auth_token


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's ``tokenAuth``: ``Authorization: Token <token>`` (knox's own extension targets
    knox's class only, not this subclass)."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
