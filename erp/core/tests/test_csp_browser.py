"""The Content-Security-Policy in a real browser: public site, lead form, admin and API docs.

Chromium reports every CSP violation as a ``securitypolicyviolation`` event and a console error;
both are collected for the whole visit, and the pages are checked to actually work (scripts ran).
The administrator signs in with the password and a TOTP code, as in production.
"""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from erp.core.tests.factories import PASSWORD, UserFactory
from erp.testing.browser import admin_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.real_second_factor,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REPORTER = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspReport(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber} (${e.sample})`);
});
"""


class Violations(list):
    def on_console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.append(f"console: {message.text}")


@pytest.fixture
def watched(browser):  # noqa: F811
    violations, contexts = Violations(), []

    def open_page():
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        context.expose_function("__cspReport", lambda text: violations.append(text))
        context.add_init_script(REPORTER)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("console", violations.on_console)
        page.on("pageerror", lambda error: violations.append(f"page error: {error}"))
        return page

    yield open_page, violations
    for context in contexts:
        context.close()


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    return response


def test_public_pages_and_a_lead_form_run_under_the_strict_policy(watched, live_server, demo_site):
    from cms.website.models import BlogPostPage, ServicePage

    open_page, violations = watched
    page = open_page()
    for code in ("fr", "hy"):
        urls = [
            f"/{code}/",
            ServicePage.objects.live().filter(locale__language_code=code).first().url,
            BlogPostPage.objects.live().filter(locale__language_code=code).first().url,
        ]
        for url in urls:
            response = visit(page, f"{live_server.url}{url}")
            policy = response.headers["content-security-policy"]
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
            assert page.locator("h1").count() == 1
            # The site's stylesheet applied (a blocked one would leave the browser's defaults).
            assert page.evaluate("document.styleSheets.length") >= 1

    visit(page, f"{live_server.url}/fr/contact/")
    form = page.locator("form.lead-form-contact")
    form.get_by_label("Votre nom").fill("Simone Veil")
    form.locator("input[name=email]").fill("simone.csp@example.test")
    form.locator("textarea[name=message]").fill("Rendez-vous pour un contrôle, merci.")
    page.wait_for_timeout(3200)  # the form's minimum fill time
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/fr/contact/")
    assert "Merci" in page.locator(".messages").inner_text()
    assert violations == []

    # An injected inline script (what a stored XSS would be) is blocked, and reported.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert any("script-src" in violation for violation in violations)


def admin_with_device():
    admin = UserFactory(role="admin", email="admin-csp@clinic.test")
    return admin, TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)


def sign_in_with_code(page, live_server, user, device):
    visit(page, f"{live_server.url}/admin/login/")  # watched from the first page on
    admin_sign_in(page, live_server.url, user, PASSWORD)


def test_the_admin_and_the_api_docs_work_with_no_violation(watched, live_server, demo_site):
    from cms.website.models import ServicePage
    from erp.core.models import ClinicLocation

    open_page, violations = watched
    page = open_page()
    admin, device = admin_with_device()
    sign_in_with_code(page, live_server, admin, device)

    # Dashboard: Wagtail's JavaScript ran (the sidebar is drawn by it).
    page.wait_for_selector("[data-wagtail-sidebar] nav, .sidebar nav")

    # An ERP list and edit screen.
    location = ClinicLocation.objects.create(name="Nice Masséna", city="Nice", country_code="FR")
    visit(page, f"{live_server.url}/admin/clinic/locations/")
    assert page.get_by_text("Nice Masséna").count() >= 1
    page.get_by_role("link", name="Nice Masséna").first.click()
    page.wait_for_url(re.compile(rf".*/admin/clinic/locations/edit/{location.pk}/"))
    page.fill("input[name=city]", "Nice Centre")
    page.locator("footer.footer button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/clinic/locations/$"))
    location.refresh_from_db()
    assert location.city == "Nice Centre"

    # The API docs: Swagger UI (sidecar files) loads the schema and lists the operations.
    visit(page, f"{live_server.url}/api/docs/")
    # Swagger UI draws the tags as they scroll into view: scroll down, then count the operations.
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    operations = page.locator(".swagger-ui .opblock")
    for _ in range(30):
        if operations.count() > 10:
            break
        page.mouse.wheel(0, 2000)
        page.wait_for_timeout(100)
    assert operations.count() > 10

    # Pages and images are the marketing team's: a page editor and the image upload screen.
    page = open_page()
    admin_sign_in(page, live_server.url, UserFactory(role="marketing"), PASSWORD)
    service = ServicePage.objects.filter(locale__language_code="fr").first()
    visit(page, f"{live_server.url}/admin/pages/{service.pk}/edit/")
    # Wagtail's Stimulus application started and the publish menu opens (both need the scripts).
    page.wait_for_function("window.wagtail && window.wagtail.app")
    page.locator("footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']").first.click()
    assert page.locator("button[name=action-publish]").is_visible()

    # The image upload screen: its uploader script is running (it drives the drop zone).
    visit(page, f"{live_server.url}/admin/images/multiple/add/")
    page.wait_for_selector("#fileupload", state="attached")
    assert page.evaluate("typeof window.jQuery === 'function' && typeof jQuery.fn.fileupload === 'function'")

    assert violations == []
