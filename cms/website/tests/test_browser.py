"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Screenshots of the home page in fr and hy are saved in ``test-artifacts/website/``.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from erp.core.tests.factories import PASSWORD, UserFactory
from erp.testing.browser import admin_sign_in, skip_without_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # The live server needs committed data; the serialized rollback puts back the root page,
    # locales and role groups after the flush, so later tests still find them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "website"

skip_without_chromium()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_home_in_each_language_and_switching(page, live_server, demo_site):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for code in ("fr", "en", "ru", "uk", "hy", "es"):
        page.goto(f"{live_server.url}/{code}/")
        assert page.locator("html").get_attribute("lang") == code
        assert page.locator("h1").count() == 1
        assert page.locator("nav.language-switcher a").count() == 6
        if code in ("fr", "hy"):
            page.screenshot(path=str(ARTIFACTS / f"home-{code}.png"), full_page=True)
    page.goto(f"{live_server.url}/hy/")
    assert "մաշկաբանություն" in page.locator("h1").inner_text().lower()

    page.goto(f"{live_server.url}/fr/services/laser-treatments/")
    page.click("nav.language-switcher a[hreflang=en]")
    page.wait_for_url(f"{live_server.url}/en/services/laser-treatments/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Laser treatments"
    # Keyboard: the skip link is the first stop and moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"


def test_contact_form_lead_reaches_the_admin(page, live_server, demo_site):
    page.goto(f"{live_server.url}/fr/contact/")
    form = page.locator("form.lead-form-contact")
    form.get_by_label("Votre nom").fill("Simone Veil")
    form.locator("input[name=email]").fill("simone@example.test")
    form.locator("textarea[name=message]").fill("Je souhaite un rendez-vous pour un contrôle.")
    page.wait_for_timeout(3200)  # people take longer than the minimum fill time
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/fr/contact/")
    assert "Merci, votre message a bien été envoyé" in page.locator(".messages").inner_text()

    from cms.website.models import PublicLead

    lead = PublicLead.objects.get(email="simone@example.test")
    assert lead.status == "new" and lead.preferred_language == "fr"

    admin_sign_in(page, live_server.url, UserFactory(role="reception"), PASSWORD)
    page.goto(f"{live_server.url}/admin/website/leads/")
    assert page.get_by_text("Simone Veil").count() >= 1


def test_marketing_edits_and_publishes_a_service(page, live_server, demo_site):
    from cms.website.models import ServicePage

    service = ServicePage.objects.get(locale__language_code="fr", slug="laser-treatments")
    admin_sign_in(page, live_server.url, UserFactory(role="marketing"), PASSWORD)
    page.goto(f"{live_server.url}/admin/pages/{service.pk}/edit/")
    page.fill("#id_summary", "Taches, rougeurs et cicatrices : nouveau protocole.")
    page.locator("footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']").first.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url(re.compile(r".*/admin/pages/\d+/"))
    page.goto(f"{live_server.url}/fr/services/laser-treatments/")
    assert "nouveau protocole" in page.locator("main").inner_text()


def test_marketing_translates_a_page_with_wagtail_localize(page, live_server, demo_site):
    from wagtail.models import Locale, Page

    from cms.website.models import HomePage, StandardPage
    from cms.website.tests.factories import add

    home = HomePage.objects.get(locale__language_code="fr")
    legal = add(home, StandardPage(title="Mentions légales", slug="legal", introduction="Éditeur du site"))
    english = Locale.objects.get(language_code="en")
    assert page.goto(f"{live_server.url}/en/legal/").status == 404

    admin_sign_in(page, live_server.url, UserFactory(role="marketing"), PASSWORD)
    page.goto(f"{live_server.url}/admin/localize/submit/page/{legal.pk}/")
    page.check(f"input[name=locales][value='{english.pk}']")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/"))
    # The admin speaks French (the user's default language); the editor's buttons are labelled in it.
    page.get_by_role("button", name="Traduire").first.click()
    page.locator("textarea").first.fill("Legal notice")
    page.get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_timeout(1000)
    page.get_by_role("button", name=re.compile("Publier")).first.click()
    page.wait_for_load_state("networkidle")

    translated = Page.objects.get(translation_key=legal.translation_key, locale=english)
    assert translated.live and translated.title == "Legal notice"
    page.goto(f"{live_server.url}/en/legal/")
    assert page.locator("h1").inner_text() == "Legal notice"
    page.goto(f"{live_server.url}/fr/legal/")
    assert page.locator("nav.language-switcher a[hreflang=en]").get_attribute("href") == "/en/legal/"


def test_translation_status_report_tells_out_of_date_from_up_to_date(page, live_server, demo_site):
    from cms.website.models import ServicePage
    from cms.website.tests.factories import publish

    service = ServicePage.objects.get(locale__language_code="fr", slug="laser-treatments")
    service.summary = "Nouveau protocole"
    publish(service)  # every translation of this service is now out of date

    admin_sign_in(page, live_server.url, UserFactory(role="marketing"), PASSWORD)
    page.goto(f"{live_server.url}/admin/website/translations/")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "translation-status.png"), full_page=True)
    # The visible heading (the slim header's last breadcrumb) is the report's, as is the tab's title.
    assert page.locator("[data-w-breadcrumbs] li").last.inner_text().strip() == "État des traductions"
    assert page.title().startswith("État des traductions")

    def look(state):
        tag = page.locator(f"td[data-state={state}] .translation-state").first
        return tag.evaluate(
            "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.color, s.borderColor]; }"
        )

    row = page.locator("tr", has=page.locator(f"a[href='/admin/pages/{service.pk}/edit/']"))
    assert row.locator("td[data-state=outdated]").count() == 5
    outdated, up_to_date = look("outdated"), look("up_to_date")
    assert outdated[0] != up_to_date[0] and outdated[2] != up_to_date[2]
    assert "rgba(0, 0, 0, 0)" not in (outdated[0], up_to_date[0])  # both are filled tags
