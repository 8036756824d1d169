"""Browser tests: Debian's Chromium driven by Playwright, and signing in to the Wagtail admin
with the second factor. ``browser`` is a fixture of the project's pytest plugin."""

import os
import re
import shutil
from contextlib import contextmanager

import pytest

CHROMIUM = "/usr/bin/chromium"


def skip_without_chromium() -> None:
    """Called at the top of a browser-test module: skip it where Chromium is not installed."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed", allow_module_level=True)


@pytest.fixture
def browser(transactional_db):
    """Chromium, opened for one test once its database is ready and closed before it is flushed.

    Playwright's sync API runs an event loop in this thread, and while it is open Django sees an
    async context: ``connections`` then hands out another connection object, one without the
    test database's serialized contents. Set up or torn down under it, a transactional test
    would skip restoring the migration data and flush with ``post_migrate`` (new content type
    ids, no role groups, no Wagtail root) for the tests after it. The browser therefore lives
    inside the test's database fixture, never around it.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django's ORM calls made by the test itself are still synchronous, so its async guard is
    # lifted while the browser is open.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
        # The test's own queries went through the async context's connections: close them
        # here, where they are visible, as Django closes the others after each test.
        connections.close_all()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@contextmanager
def browser_page(browser, *, timeout_ms: int = 20_000, **context_options):
    """A page in a fresh browser context (``locale``, ``viewport``, ``accept_downloads``...),
    closed with its context at the end of the block."""
    context = browser.new_context(**context_options)
    try:
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        yield page
    finally:
        context.close()


def admin_sign_in(page, base_url: str, user, password: str) -> None:
    """Sign ``user`` in through the admin's login form; a user with a confirmed TOTP device (an
    admin-role user always gets one) then types the current code, as a person would."""
    from django_otp.oath import TOTP

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
