"""Each role's home in Chromium, in French: reception lands on its dashboard and checks a patient
in with one click; a practitioner finalises an encounter from the day view; accounting sees the
day's takings; marketing sees its panel. The screenshots
of docs/screens/ (dashboards per role and a lead, in fr and hy) are taken from the same data."""

import re

import pytest

from erp.clinical.models import AppointmentStatus
from erp.core.tests.factories import UserFactory
from erp.testing.browser import admin_sign_in, browser_page, skip_without_chromium
from erp.testing.screens import WIDTH, screenshot
from erp.workspace.tests.fixtures import (
    PASSWORD,
    clinic_day,
    clinic_leads,
    clinic_people,
    clinic_takings,
    clinic_website,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

skip_without_chromium()

BROWSER_LOCALES = {"fr": "fr-FR", "hy": "hy-AM"}


def open_page(browser, language="fr"):
    return browser_page(
        browser, timeout_ms=30_000, locale=BROWSER_LOCALES[language], viewport={"width": WIDTH, "height": 900}
    )


@pytest.fixture
def morning(transactional_db):
    people = clinic_people()
    return clinic_day(people)


def test_reception_lands_on_its_dashboard_in_french_and_checks_a_patient_in(browser, live_server, morning):
    clinic_leads()
    reception = UserFactory(
        role="reception", email="accueil@clinic.test", first_name="Inès", last_name="Garnier", password=PASSWORD
    )
    with open_page(browser) as page:
        admin_sign_in(page, live_server.url, reception, PASSWORD)
        # The home is the front desk: today's appointments, not Wagtail's page search.
        assert page.get_by_role("heading", name="Rendez-vous du jour").is_visible()
        assert page.get_by_role("link", name="Nouveau patient").is_visible()
        assert page.get_by_role("link", name="Nouvelle vente").is_visible()
        assert page.locator("input[placeholder='Rechercher dans toutes les pages…']").count() == 0
        assert "Juliette Roux" in page.locator("#workspace-leads-section").inner_text()

        row = page.locator(f"tr[data-appointment='{morning.confirmed.pk}']")
        assert "09:30" in row.text_content() and "Confirmé" in row.text_content()
        with page.expect_navigation(url=re.compile(r".*/admin/$")):
            row.get_by_role("button", name="Arrivé").click()
        assert "Rendez-vous mis à jour" in page.locator(".messages").inner_text()
        row = page.locator(f"tr[data-appointment='{morning.confirmed.pk}']")
        assert "Honoré" in row.text_content() and row.get_by_role("button").count() == 0
        assert "BERNARD Lucas" in page.locator("#workspace-arrivals-section").inner_text()
    morning.confirmed.refresh_from_db()
    assert morning.confirmed.status == AppointmentStatus.ATTENDED


def test_practitioner_finalises_an_encounter_from_the_day_view(browser, live_server, morning):
    from erp.clinical.models import EncounterStatus

    with open_page(browser) as page:
        admin_sign_in(page, live_server.url, morning.people.martin.user, PASSWORD)
        my_day = page.locator("#workspace-my-day-section")
        assert "DURAND Camille" in my_day.inner_text()
        my_day.locator(f"a[href$='/inspect/{morning.encounter.pk}/']").click()
        page.wait_for_url(re.compile(rf".*/inspect/{morning.encounter.pk}/$"))
        page.get_by_role("button", name="Finaliser").click()
        page.wait_for_load_state()
        assert page.get_by_role("button", name="Finaliser").count() == 0
    morning.encounter.refresh_from_db()
    assert morning.encounter.status == EncounterStatus.FINALIZED


def test_accounting_sees_the_days_takings(browser, live_server, morning):
    clinic_takings(morning.people)
    accountant = UserFactory(
        role="accounting", email="compta@clinic.test", first_name="Paul", last_name="Roche", password=PASSWORD
    )
    with open_page(browser) as page:
        admin_sign_in(page, live_server.url, accountant, PASSWORD)
        takings = page.locator("#workspace-takings-section")
        assert takings.get_by_role("heading", name="Recettes du jour").is_visible()
        cash = takings.locator("tr[data-method='cash']").inner_text()
        assert "Espèces" in cash and "34,00\u00a0€" in cash
        assert "Carte bancaire" in takings.locator("tr[data-method='card']").inner_text()
        assert page.locator("#workspace-today-section").count() == 0  # the front desk's panel is not theirs
        assert "AV-" in page.locator("#workspace-credit-notes-section").inner_text()


def test_marketing_sees_its_panel(browser, live_server, morning):
    clinic_website()
    clinic_leads()
    editor = UserFactory(
        role="marketing", email="com@clinic.test", first_name="Léa", last_name="Fabre", password=PASSWORD
    )
    with open_page(browser) as page:
        admin_sign_in(page, live_server.url, editor, PASSWORD)
        outdated = page.locator("#workspace-translations-section")
        assert outdated.get_by_role("heading", name="Traductions à mettre à jour").is_visible()
        assert "Laser" in outdated.inner_text()
        assert "Préparer sa peau à l'été" in page.locator("#workspace-scheduled-pages-section").inner_text()
        assert page.locator("#workspace-today-section").count() == 0


@pytest.mark.screens
def test_screens_of_the_dashboards_and_a_lead(browser, live_server, morning):
    clinic_takings(morning.people)
    leads = clinic_leads()
    clinic_website()
    users = {
        "reception": UserFactory(
            role="reception", email="accueil@clinic.test", first_name="Inès", last_name="Garnier", password=PASSWORD
        ),
        "practitioner": morning.people.martin.user,
        "accounting": UserFactory(
            role="accounting", email="compta@clinic.test", first_name="Paul", last_name="Roche", password=PASSWORD
        ),
        "marketing": UserFactory(
            role="marketing", email="com@clinic.test", first_name="Léa", last_name="Fabre", password=PASSWORD
        ),
    }
    for language in ("fr", "hy"):
        for role, user in users.items():
            with open_page(browser, language) as page:
                admin_sign_in(page, live_server.url, user, PASSWORD)
                assert page.locator("html").get_attribute("lang") == language
                page.locator(".w-dashboard section.w-panel").first.wait_for()
                screenshot(page, f"dashboard-{role}-{language}", full_page=True)
        with open_page(browser, language) as page:
            admin_sign_in(page, live_server.url, users["reception"], PASSWORD)
            page.goto(f"{live_server.url}/admin/website/leads/inspect/{leads.question.pk}/")
            page.locator(".lead-card").wait_for()
            screenshot(page, f"lead-{language}")
            page.goto(f"{live_server.url}/admin/website/leads/")
            screenshot(page, f"lead-list-{language}")
