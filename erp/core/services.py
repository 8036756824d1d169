"""Identity operations of the core app."""

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from erp.core.exceptions import InvalidInput
from erp.core.locking import lock_row
from erp.core.models import User
from erp.ops.audit import audit_record

_CONFIRM_SALT = "erp.core.email-confirmation"


def email_confirmation_token(user: User) -> str:
    """A signed token naming the user and the address being confirmed (it dies if the address changes)."""
    return signing.dumps({"u": str(user.pk), "e": user.email}, salt=_CONFIRM_SALT)


def user_email_confirmation_send(*, user: User, base_url: str | None = None) -> str:
    """E-mail the user a signed link that confirms their address; returns the link."""
    base = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    link = base + reverse("confirm-email", args=[email_confirmation_token(user)])
    hours = settings.EMAIL_CONFIRMATION_MAX_AGE // 3600
    send_mail(
        subject=_("Confirm your e-mail address"),
        message=(
            _(
                "Hello %(name)s,\n\nPlease confirm your e-mail address by opening this link "
                "within %(hours)s hours:\n\n%(link)s\n\nIf you did not expect this message, ignore it."
            )
            % {"name": user.get_short_name(), "hours": hours, "link": link}
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return link


def user_email_confirm(*, token: str) -> User:
    """Mark the address named by a valid, unexpired confirmation token as confirmed (idempotent)."""
    try:
        data = signing.loads(token, salt=_CONFIRM_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidInput(_("This confirmation link has expired; ask for a new one."), code="confirmation_expired")
    except signing.BadSignature:
        raise InvalidInput(_("This confirmation link is not valid."), code="confirmation_invalid")
    with transaction.atomic():
        user = lock_row(User.objects, missing_ok=True, pk=data.get("u"), is_active=True)
        if user is None or user.email != data.get("e"):
            raise InvalidInput(_("This confirmation link is not valid."), code="confirmation_invalid")
        if not user.email_confirmed:
            user.email_confirmed = True
            user.save(update_fields=["email_confirmed", "updated_at"])
            audit_record(actor=user, action="update", entity=user, metadata={"fields_changed": ["email_confirmed"]})
    return user


def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new API token for one client of ``user`` (their other clients keep theirs); returns the
    stored token and the raw key, which is shown once: only its hash is kept."""
    now = timezone.now()
    AuthToken.objects.filter(user_id=user.pk, expiry__lte=now).delete()  # this user's dead tokens
    return AuthToken.objects.create(user=user)


def api_token_revoke(*, token: AuthToken) -> None:
    """Sign one client out: delete its token, and only that one."""
    AuthToken.objects.filter(pk=token.pk).delete()


def user_api_tokens_revoke(*, user: User) -> None:
    """Sign every API client of ``user`` out (after a password change, a deactivation)."""
    AuthToken.objects.filter(user_id=user.pk).delete()


def user_access_revoke(*, user: User) -> None:
    """End every session and delete every API token of ``user`` (a disabled account keeps none)."""
    from erp.core.models import UserSession

    UserSession.objects.filter(user_id=user.pk).delete()
    user_api_tokens_revoke(user=user)
