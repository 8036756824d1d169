"""Reception's agenda in a browser (French): the scheduler's columns, booking by clicking an
empty slot, moving by dragging, a refused move that goes back; screenshots in fr and hy."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings

from erp.clinical.tests.factories import AppointmentFactory, LocationFactory, PatientFactory, PractitionerFactory
from erp.core.models import AppSettings
from erp.core.tests.factories import UserFactory
from erp.testing.browser import admin_sign_in, browser_page, skip_without_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "browser-Pass-2026"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
BUNDLE = Path(settings.BASE_DIR) / "erp" / "clinical" / "static" / "clinical" / "agenda" / "agenda.js"

skip_without_chromium()


@pytest.fixture(autouse=True)
def bundle_built():
    if not BUNDLE.exists():
        pytest.fail("The agenda's bundle is missing: run make frontend.")


def next_weekday() -> datetime.date:
    day = datetime.datetime.now(PARIS).date() + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def paris(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def desk(transactional_db):
    user = UserFactory(role="reception", email="desk-agenda@clinic.test", password=PASSWORD)
    place = LocationFactory(name="Paris Saint-Germain", timezone="Europe/Paris")
    app_settings = AppSettings.load()
    app_settings.default_location = place
    app_settings.save()
    alpha = PractitionerFactory(display_name="Dr Alpha")
    beta = PractitionerFactory(display_name="Dr Beta")
    return {"user": user, "place": place, "alpha": alpha, "beta": beta, "day": next_weekday()}


def opening_hours() -> None:
    """Monday to Friday 9:00-19:00, Saturday 9:00-13:00: the hours the grid leaves unshaded."""
    from wagtail.models import Site

    from cms.website.models import WebsiteSettings

    values = WebsiteSettings.for_site(Site.objects.get(is_default_site=True))
    values.opening_hours = [
        ("day", {"weekday": str(day), "opens": datetime.time(9), "closes": datetime.time(19)}) for day in range(5)
    ] + [("day", {"weekday": "5", "opens": datetime.time(9), "closes": datetime.time(13)})]
    values.save()


class Grid:
    """Where a practitioner's column and a time of day are on the screen, measured on an event
    whose times are known (its top is its start line, its height its length)."""

    def __init__(self, page, event, start: datetime.time, minutes: int):
        box = event_box(page, event)
        self.page = page
        self.per_minute = box["height"] / minutes
        self.origin = box["y"] - (start.hour * 60 + start.minute) * self.per_minute

    def x(self, practitioner: str, nth: int = 0) -> float:
        box = self.page.locator(".ec-col-head", has_text=practitioner).nth(nth).bounding_box()
        return box["x"] + box["width"] / 2

    def y(self, hour: int, minute: int = 0) -> float:
        return self.origin + (hour * 60 + minute) * self.per_minute


def event_box(page, event: str) -> dict:
    """Where the event is drawn, once the grid has drawn it (it redraws after each change)."""
    for _ in range(20):
        page.locator(".ec-event", has_text=event).wait_for()
        box = page.locator(".ec-event", has_text=event).bounding_box()
        if box is not None:
            return box
        page.wait_for_timeout(100)
    raise AssertionError(f"{event} is not drawn")


def drag(page, event: str, to_x: float, to_y: float) -> None:
    """Take the event by its top (a few pixels in) and drop that point on (to_x, to_y)."""
    box = event_box(page, event)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 4)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 10, box["y"] + 14, steps=4)
    page.mouse.move(to_x, to_y + 4, steps=12)
    page.mouse.up()


def open_agenda(page, base_url: str, day: datetime.date, span: str = "day") -> None:
    page.goto(f"{base_url}/admin/clinical/agenda/?day={day.isoformat()}&span={span}")
    page.locator(".ec-col-head", has_text="Dr Alpha").first.wait_for()


def test_reception_books_by_clicking_a_slot_moves_by_dragging_and_a_clash_goes_back(browser, live_server, desk):
    from erp.clinical.models import Appointment, Patient

    day, alpha, beta = desk["day"], desk["alpha"], desk["beta"]
    taken = AppointmentFactory(
        practitioner=alpha,
        location=desk["place"],
        scheduled_start=paris(day, 11),
        scheduled_end=paris(day, 12),
        patient=PatientFactory(first_name="Anne", last_name="Durand"),
    )
    paul = PatientFactory(first_name="Paul", last_name="Martin", phone="+33612345678")
    with browser_page(browser, locale="fr-FR", viewport={"width": 1366, "height": 900}) as page:
        admin_sign_in(page, live_server.url, desk["user"], PASSWORD)
        open_agenda(page, live_server.url, day)
        assert page.locator(".ec-button.ec-resourceTimeGridWeek").inner_text() == "Semaine"
        assert page.locator("[data-agenda-timezone]").inner_text() == "Europe/Paris"
        grid = Grid(page, "Anne Durand", datetime.time(11), 60)

        # Book: click Dr Alpha's empty 9:00 slot, find Paul Martin, an aesthetic procedure until 9:45.
        page.mouse.click(grid.x("Dr Alpha"), grid.y(9, 5))
        dialog = page.locator("[data-agenda-dialog]")
        dialog.wait_for()
        assert "Dr Alpha" in dialog.locator("[data-agenda-when]").inner_text()
        assert "09:00" in dialog.locator("[data-agenda-when]").inner_text()
        dialog.locator("[data-agenda-patient-search]").fill("Martin")
        dialog.get_by_role("option", name="MARTIN Paul").click()
        dialog.locator("select[name=encounter_type]").select_option("aesthetic_procedure")
        dialog.locator("input[name=end]").fill("09:45")
        dialog.locator("[data-agenda-book]").click()
        page.locator("[data-agenda-message]", has_text="Rendez-vous enregistré.").wait_for()
        page.locator(".ec-event", has_text="Paul Martin").wait_for()
        booked = Appointment.objects.get(patient=paul)
        assert booked.practitioner == alpha and booked.location == desk["place"]
        assert booked.scheduled_start == paris(day, 9) and booked.scheduled_end == paris(day, 9, 45)
        assert booked.encounter_type == "aesthetic_procedure"

        # A new patient typed in the dialog: created, then booked with Dr Beta at 10:00.
        page.mouse.click(grid.x("Dr Beta"), grid.y(10, 5))
        dialog.locator("[data-agenda-new-patient]").click()
        dialog.locator("input[name=last_name]").fill("Nouvelle")
        dialog.locator("input[name=first_name]").fill("Claire")
        dialog.locator("input[name=phone]").fill("06 11 22 33 44")
        dialog.locator("[data-agenda-book]").click()
        page.locator(".ec-event", has_text="Claire Nouvelle").wait_for()
        claire = Patient.objects.get(last_name="Nouvelle")
        assert Appointment.objects.get(patient=claire).practitioner == beta

        # Move: drag Paul Martin's appointment to Dr Beta at 12:00.
        grid = Grid(page, "Anne Durand", datetime.time(11), 60)
        drag(page, "Paul Martin", grid.x("Dr Beta"), grid.y(12))
        page.locator("[data-agenda-message]", has_text="Rendez-vous déplacé.").wait_for()
        booked.refresh_from_db()
        assert booked.practitioner == beta
        assert booked.scheduled_start == paris(day, 12) and booked.scheduled_end == paris(day, 12, 45)

        # A clash: onto Anne Durand's 11:00 with Dr Alpha. Refused in French, nothing moves.
        page.locator(".ec-event", has_text="Paul Martin").wait_for()
        before = event_box(page, "Paul Martin")
        grid = Grid(page, "Anne Durand", datetime.time(11), 60)
        drag(page, "Paul Martin", grid.x("Dr Alpha"), grid.y(11, 15))
        message = page.locator("[data-agenda-message].agenda-message-error")
        message.wait_for()
        assert "Dr Alpha a déjà un rendez-vous" in message.inner_text()
        booked.refresh_from_db()
        assert booked.practitioner == beta and booked.scheduled_start == paris(day, 12)
        taken.refresh_from_db()
        assert taken.scheduled_start == paris(day, 11)
        page.wait_for_timeout(300)
        after = event_box(page, "Paul Martin")
        assert abs(after["x"] - before["x"]) < 2 and abs(after["y"] - before["y"]) < 2

        # The week: a column per practitioner under each day.
        page.locator(".ec-button.ec-resourceTimeGridWeek").click()
        page.locator(".ec-col-group").nth(6).wait_for()
        assert page.locator(".ec-col-group").count() == 7
        assert page.locator(".ec-col-head", has_text="Dr Alpha").count() == 7
        assert page.locator(".ec-col-head", has_text="Dr Beta").count() == 7

        # A booking in the past asks for a tick first.
        yesterday = datetime.datetime.now(PARIS).date() - datetime.timedelta(days=1)
        AppointmentFactory(
            practitioner=beta,
            location=desk["place"],
            scheduled_start=paris(yesterday, 11),
            scheduled_end=paris(yesterday, 12),
            patient=PatientFactory(first_name="Odile", last_name="Passé"),
        )
        open_agenda(page, live_server.url, yesterday)
        page.locator(".ec-event", has_text="Odile Passé").wait_for()
        grid = Grid(page, "Odile Passé", datetime.time(11), 60)
        page.mouse.click(grid.x("Dr Alpha"), grid.y(9, 5))
        past = dialog.locator("[data-agenda-past]")
        past.wait_for()
        dialog.locator("[data-agenda-patient-search]").fill("Martin")
        dialog.get_by_role("option", name="MARTIN Paul").click()
        dialog.locator("[data-agenda-book]").click()
        refusal = dialog.locator("[data-agenda-dialog-error]")
        refusal.wait_for()
        assert refusal.inner_text() == "Cochez la case pour réserver dans le passé."
        assert not Appointment.objects.filter(patient=paul, scheduled_start=paris(yesterday, 9)).exists()
        past.locator("input[type=checkbox]").check()
        dialog.locator("[data-agenda-book]").click()
        page.locator(".ec-event", has_text="Paul Martin").wait_for()
        assert Appointment.objects.get(patient=paul, scheduled_start=paris(yesterday, 9)).practitioner == alpha
        open_agenda(page, live_server.url, day)

        # Clicking an appointment opens its page.
        page.locator(".ec-event", has_text="Anne Durand").click()
        page.wait_for_url(re.compile(rf".*/admin/.*{taken.pk}.*"))


@pytest.mark.screens
def test_agenda_screens_day_and_week_in_french_and_armenian(browser, live_server, desk):
    from erp.clinical.models import AppointmentSource, AppointmentStatus, EncounterType
    from erp.testing.screens import WIDTH, screenshot

    opening_hours()
    day, place = desk["day"], desk["place"]
    gamma = PractitionerFactory(display_name="Dr Gamma")
    monday = day - datetime.timedelta(days=day.weekday())
    rows = [
        # (practitioner, day, start, minutes, patient, status, encounter type, source)
        (
            desk["alpha"],
            day,
            (9, 0),
            30,
            ("Anne", "Durand"),
            AppointmentStatus.CONFIRMED,
            EncounterType.MEDICAL_CONSULT,
            None,
        ),
        (
            desk["alpha"],
            day,
            (9, 30),
            45,
            ("Paul", "Martin"),
            AppointmentStatus.SCHEDULED,
            EncounterType.AESTHETIC_PROCEDURE,
            None,
        ),
        (
            desk["alpha"],
            day,
            (11, 0),
            30,
            ("Léa", "Bernard"),
            AppointmentStatus.SCHEDULED,
            EncounterType.FOLLOW_UP,
            "calendly",
        ),
        (
            desk["beta"],
            day,
            (9, 0),
            60,
            ("Hugo", "Petit"),
            AppointmentStatus.ATTENDED,
            EncounterType.COSMETIC_CONSULT,
            None,
        ),
        (
            desk["beta"],
            day,
            (10, 30),
            30,
            ("Inès", "Robert"),
            AppointmentStatus.NO_SHOW,
            EncounterType.MEDICAL_CONSULT,
            None,
        ),
        (
            desk["beta"],
            day,
            (14, 0),
            30,
            ("Marc", "Richard"),
            AppointmentStatus.CANCELLED,
            EncounterType.FOLLOW_UP,
            None,
        ),
        (
            gamma,
            day,
            (10, 0),
            90,
            ("Sofia", "Dubois"),
            AppointmentStatus.CONFIRMED,
            EncounterType.AESTHETIC_PROCEDURE,
            None,
        ),
        (gamma, day, (15, 0), 30, ("Nina", "Moreau"), AppointmentStatus.SCHEDULED, EncounterType.MEDICAL_CONSULT, None),
    ]
    for offset in range(5):
        other = monday + datetime.timedelta(days=offset)
        if other != day:
            rows.append(
                (
                    desk["alpha"],
                    other,
                    (10, 0),
                    30,
                    ("Jean", f"Laurent{offset}"),
                    AppointmentStatus.SCHEDULED,
                    None,
                    None,
                )
            )
            rows.append(
                (gamma, other, (14, 30), 60, ("Eva", f"Simon{offset}"), AppointmentStatus.CONFIRMED, None, None)
            )
    for n, (doctor, when, (hour, minute), minutes, (first, last), status, kind, source) in enumerate(rows):
        start = paris(when, hour, minute)
        AppointmentFactory(
            practitioner=doctor,
            location=place,
            scheduled_start=start,
            scheduled_end=start + datetime.timedelta(minutes=minutes),
            patient=PatientFactory(first_name=first, last_name=last),
            status=status,
            encounter_type=kind,
            cancellation_reason="Empêchement" if status == AppointmentStatus.CANCELLED else None,
            source=AppointmentSource.CALENDLY if source else AppointmentSource.MANUAL,
            external_id=f"https://calendly.example/invitees/{n}" if source else None,
        )
    for lang, locale in (("fr", "fr-FR"), ("hy", "hy-AM")):
        with browser_page(browser, locale=locale, viewport={"width": WIDTH, "height": 900}) as page:
            admin_sign_in(page, live_server.url, desk["user"], PASSWORD)
            open_agenda(page, live_server.url, day)
            page.locator(".ec-event", has_text="Sofia Dubois").wait_for()
            page.locator(".ec-bg-event").first.wait_for()
            screenshot(page, f"agenda-day-{lang}")
            open_agenda(page, live_server.url, day, span="week")
            assert page.locator(".ec-col-head", has_text="Dr Gamma").count() == 7
            page.locator(".ec-event", has_text="Sofia Dubois").wait_for()
            screenshot(page, f"agenda-week-{lang}")
