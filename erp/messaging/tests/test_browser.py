"""In a browser: the patient opens the link of their message (Russian), confirms; reception then
sees the message and the answer on the appointment's admin page. Screenshots in /tmp/shots_remind/."""

import base64
import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from erp.core.tests.factories import UserFactory
from erp.testing.browser import admin_sign_in, skip_without_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots_remind")
PASSWORD = "browser-Pass-2026"

skip_without_chromium()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_patient_confirms_from_the_link_and_reception_sees_it(page, browser, live_server, location, settings):
    from erp.clinical.agenda import services as agenda_services
    from erp.clinical.models import AppointmentStatus
    from erp.clinical.tests.factories import PatientFactory, PractitionerFactory

    settings.WAGTAILADMIN_BASE_URL = live_server.url
    SHOTS.mkdir(exist_ok=True)
    desk = UserFactory(role="reception", email="desk-browser@clinic.test", password=PASSWORD)
    patient = PatientFactory(first_name="Анна", last_name="Петрова", email="anna@example.org", preferred_language="ru")
    start = timezone.now() + datetime.timedelta(days=4)
    appointment = agenda_services.appointment_create(
        data={"patient": patient, "practitioner": PractitionerFactory(display_name="Dr Claire Martin"),
              "location": location, "scheduled_start": start, "scheduled_end": start + datetime.timedelta(minutes=30)},
        actor=desk,
    )
    link = re.search(r"https?://\S+/appointments/reply/\S+/", mail.outbox[-1].body).group(0)
    email = mail.outbox[-1]
    [logo_part] = [part for part in email.attachments if part.get_content_type() == "image/png"]
    logo = base64.b64encode(logo_part.get_payload(decode=True))
    page.set_content(email.alternatives[0][0].replace("cid:clinic-logo", f"data:image/png;base64,{logo.decode()}"))
    assert page.get_by_role("link", name="Подтвердить или отменить запись").is_visible()
    page.screenshot(path=str(SHOTS / "email_ru.png"), full_page=True)
    page.goto(link)
    assert page.get_by_role("heading", name="Ваша запись").is_visible()
    page.screenshot(path=str(SHOTS / "reply_ru.png"), full_page=True)
    page.get_by_role("button", name="Да, подтверждаю").click()
    page.get_by_text("Ваша запись подтверждена").wait_for()
    page.screenshot(path=str(SHOTS / "reply_ru_confirmed.png"), full_page=True)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED

    # Reception works at the clinic, in its own French browser (the admin follows the browser's
    # language: in the patient's Russian browser it is Russian, now that the catalog is complete).
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    admin_sign_in(page, live_server.url, desk, PASSWORD)
    page.goto(f"{live_server.url}/admin/clinical/appointments/inspect/{appointment.pk}/")
    section = page.locator("#patient-messages")
    section.wait_for()
    assert "Confirmation de réservation" in section.inner_text() and "Confirmé" in section.inner_text()
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "admin_appointment_messages.png"), full_page=True)
    page.goto(f"{live_server.url}/admin/messaging/messages/")
    assert page.get_by_text("Confirmation de réservation").count() >= 1
    page.screenshot(path=str(SHOTS / "admin_messages_list.png"), full_page=True)
    page.goto(f"{live_server.url}/admin/clinic/reminder-settings/")
    page.screenshot(path=str(SHOTS / "admin_reminder_settings.png"), full_page=True)
    page.context.close()
