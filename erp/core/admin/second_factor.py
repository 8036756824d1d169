"""Admin screens of the second factor: enrol an authenticator app, enter a code, remove it."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from erp.core import otp


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


@require_http_methods(["GET", "POST"])
def verify(request):
    """After the password: the code of the user's confirmed device."""
    if otp.confirmed_device(request.user) is None:
        return redirect(reverse("core_otp:enrol") if otp.otp_required(request.user) else _next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.session_verify(request, form.cleaned_data["otp_token"]):
            return redirect(_next_url(request))
        form.add_error("otp_token", _("This code is not valid. Enter the current code of your app."))
    return render(request, "core/otp_verify.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def enrol(request):
    """Show a new device's QR code and secret; a code from the app confirms it."""
    if otp.second_factor_state(request.user) == otp.VERIFY:
        # Replacing a device needs the current one first.
        return redirect(f"{reverse('core_otp:verify')}?next={reverse('core_otp:enrol')}")
    device = otp.enrolment_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.enrolment_confirm(request, device, form.cleaned_data["otp_token"]):
            messages.success(request, _("Two-factor authentication is on for your account."))
            return redirect(_next_url(request))
        form.add_error("otp_token", _("This code is not valid. Enter the current code of your app."))
    context = {
        "form": form,
        "qr_svg": otp.qr_svg(device),
        "secret": otp.base32_secret(device),
        "required": otp.otp_required(request.user),
        "has_device": otp.confirmed_device(request.user) is not None,
        "next": _next_url(request),
    }
    return render(request, "core/otp_enrol.html", context)


@require_POST
def remove(request):
    """Staff whose role does not require it may turn the second factor off."""
    if otp.otp_required(request.user):
        messages.error(request, _("Your role requires two-factor authentication."))
    else:
        otp.TOTPDevice.objects.filter(user=request.user).delete()
        messages.success(request, _("Two-factor authentication is off for your account."))
    return redirect("wagtailadmin_account")


urlpatterns = [
    path("verify/", verify, name="verify"),
    path("enrol/", enrol, name="enrol"),
    path("remove/", remove, name="remove"),
]
