"""The second factor (TOTP, django-otp): who needs it, enrolment, verification and the gate.

Staff may add an authenticator app; the roles in ``OTP_REQUIRED_ROLES`` (the administrators) must.
After the password, a user with a confirmed device enters a code before any admin page, API call
by session or private file; an administrator without one is sent to enrolment first. Every wrong
code is a failed sign-in for django-axes, so code guessing is bounded like password guessing.
"""

from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from erp.core.exceptions import AUTHENTICATE_CHALLENGE, AuthenticationRequired, Forbidden

DEVICE_NAME = "authenticator"

OK = "ok"
VERIFY = "verify"
ENROL = "enrol"


def otp_required(user) -> bool:
    """Must this user have a second factor? (their role says so)"""
    return user.has_role(*settings.OTP_REQUIRED_ROLES)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def second_factor_state(user) -> str:
    """``ok`` (nothing to do), ``verify`` (has a device, must enter a code) or ``enrol``."""
    if getattr(user, "is_verified", lambda: False)():
        return OK
    if confirmed_device(user) is not None:
        return VERIFY
    return ENROL if otp_required(user) else OK


def _credentials(user) -> dict:
    return {"username": user.email}


def failures_forget(user) -> None:
    """A complete sign-in (password and, when owed, the code) clears the user's failed attempts.

    Not the password alone: otherwise signing in again would grant fresh code guesses.
    """
    axes_reset(username=user.email)


def code_check(request, user, device: TOTPDevice, code: str) -> bool:
    """Check ``code`` against ``device``; a wrong code is a failed sign-in for django-axes.

    ``request`` is the Django ``HttpRequest`` (axes marks it when the limit is reached, and its
    middleware then answers with the lockout response).
    """
    credentials = _credentials(user)
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.axes_locked_out = True
        request.axes_credentials = credentials
        return False
    code = (code or "").strip().replace(" ", "")
    if code.isdigit() and device.verify_token(code):
        failures_forget(user)
        return True
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return False


def enrolment_device(user) -> TOTPDevice:
    """The user's unconfirmed device (made once, shown until confirmed with a code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def enrolment_confirm(request, device: TOTPDevice, code: str) -> bool:
    """Confirm ``device`` with a code from the app: it replaces any earlier device."""
    if not code_check(request, request.user, device, code):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def session_verify(request, code: str) -> bool:
    """Verify the signed-in user's session with a code from their confirmed device."""
    device = confirmed_device(request.user)
    if device is None or not code_check(request, request.user, device, code):
        return False
    otp_login(request, device)
    return True


def api_login_check(request, user, code: str | None) -> None:
    """The second-factor rule of the API token endpoint; raises with a stable code."""
    device = confirmed_device(user)
    if device is None:
        if otp_required(user):
            raise Forbidden(
                _("This account must set up two-factor authentication in the admin first."),
                code="otp_enrolment_required",
            )
        return
    if not code:
        raise AuthenticationRequired(_("A two-factor code is required (otp_token)."), code="otp_required")
    if not code_check(request, user, device, code):
        raise AuthenticationRequired(_("The two-factor code is not valid."), code="otp_invalid")


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI of ``device`` as an inline SVG QR code."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=False)


def base32_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode("ascii").rstrip("=")


# --- The gate -------------------------------------------------------------------------------------

GATED_PREFIXES = ("/admin/", "/api/", "/ops/", "/files/")


def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("wagtailadmin_login"),
        reverse("wagtailadmin_logout"),
        reverse("core_otp:verify"),
        reverse("core_otp:enrol"),
        "/admin/password_reset/",
        "/admin/jsi18n/",
        "/admin/sprite/",  # the icons, fetched by every admin page (the verify page too)
        "/api/v1/auth/",
    )


class SecondFactorMiddleware:
    """Keep a signed-in user who still owes a second factor away from every private page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path_info
        if (
            user is not None
            and user.is_authenticated
            and path.startswith(GATED_PREFIXES)
            and not path.startswith(_exempt_paths())
        ):
            state = second_factor_state(user)
            if state != OK:
                return self.refuse(request, state)
        return self.get_response(request)

    @staticmethod
    def refuse(request, state):
        if request.path_info.startswith("/api/"):
            code = "otp_required" if state == VERIFY else "otp_enrolment_required"
            detail = (
                "Enter your two-factor code in the admin first."
                if state == VERIFY
                else "This account must set up two-factor authentication in the admin first."
            )
            if state != VERIFY:
                return JsonResponse({"code": code, "detail": detail}, status=403)
            response = JsonResponse({"code": code, "detail": detail}, status=401)
            response["WWW-Authenticate"] = AUTHENTICATE_CHALLENGE
            return response
        target = reverse("core_otp:verify" if state == VERIFY else "core_otp:enrol")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
