"""Signing in to the Wagtail admin from a browser test, second factor included."""

import re

from django_otp.oath import TOTP


def admin_sign_in(page, base_url: str, user, password: str) -> None:
    """Sign ``user`` in through the admin's login form; a user with a confirmed TOTP device (an
    admin-role user always gets one) then types the current code, as a person would."""
    from erp.core import otp

    device = otp.confirmed_device(user)
    if device is None and otp.otp_required(user):
        device = otp.TOTPDevice.objects.create(user=user, name="browser", confirmed=True)
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", password)
    page.click("form.login-form button[type=submit]")
    if device is not None:
        page.wait_for_url(re.compile(r".*/admin/two-factor/verify/.*"))
        token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        page.fill("input[name=otp_token]", f"{token:06d}")
        page.click("form.login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))
