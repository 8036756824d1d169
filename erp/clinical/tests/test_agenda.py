"""Appointments: manual booking, overlap, status changes, merge, calendar feed, no-show rate."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from erp.clinical.agenda import ics, selectors, services
from erp.clinical.exceptions import (
    AppointmentLocked,
    AppointmentOverlap,
    AppointmentTimesInvalid,
    AppointmentTransitionRefused,
    ReasonRequired,
)
from erp.clinical.models import Appointment, AppointmentSource, AppointmentStatus, Encounter, EncounterStatus
from erp.clinical.services import patient_merge
from erp.clinical.tests.factories import AppointmentFactory, LocationFactory, PatientFactory, PractitionerFactory
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)


@pytest.fixture
def reception():
    return UserFactory(role="reception", email="desk@test.example")


@pytest.fixture
def doctor():
    return PractitionerFactory()


def slot(start, minutes=30):
    return {"scheduled_start": start, "scheduled_end": start + datetime.timedelta(minutes=minutes)}


def at(hour, minute=0, days=2):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def book(doctor, actor, start, minutes=30, **extra):
    data = {"patient": PatientFactory(), "practitioner": doctor, **slot(start, minutes), **extra}
    return services.appointment_create(data=data, actor=actor)


# --- booking ------------------------------------------------------------------------------------


def test_appointment_create_manual_and_audited(doctor, reception):
    location = LocationFactory()
    appointment = book(doctor, reception, at(10), location=location, notes="first visit")
    assert appointment.source == AppointmentSource.MANUAL
    assert appointment.status == AppointmentStatus.SCHEDULED
    assert appointment.created_by == reception
    assert AuditLog.objects.filter(entity_id=appointment.pk, action="create", actor=reception).exists()


def test_appointment_create_refuses_overlap_naming_the_slot(doctor, reception):
    first = book(doctor, reception, at(10), minutes=60)
    with pytest.raises(AppointmentOverlap) as refused:
        book(doctor, reception, at(10, 30))
    assert refused.value.extra["conflicting_appointment"]["id"] == str(first.pk)
    assert refused.value.status_code == 409
    # Back to back is fine, another practitioner is fine, and the refusal left nothing.
    book(doctor, reception, at(11))
    book(PractitionerFactory(), reception, at(10, 30))
    assert Appointment.objects.filter(practitioner=doctor).count() == 2


def test_an_overlap_names_the_slot_at_its_locations_clock(doctor, reception):
    yerevan = LocationFactory(timezone="Asia/Yerevan")  # UTC+4, three hours ahead of Paris in winter
    start = datetime.datetime(2027, 1, 12, 6, 0, tzinfo=datetime.UTC)
    book(doctor, reception, start, minutes=60, location=yerevan)
    with pytest.raises(AppointmentOverlap) as refused:
        book(doctor, reception, start + datetime.timedelta(minutes=30), location=yerevan)
    assert "2027-01-12 10:00" in refused.value.message and "11:00" in refused.value.message


def test_appointment_overlap_ignores_cancelled(doctor, reception):
    first = book(doctor, reception, at(10))
    services.appointment_cancel(appointment=first, reason="patient ill", actor=reception)
    second = book(doctor, reception, at(10))
    assert second.status == AppointmentStatus.SCHEDULED


def test_appointment_create_refuses_end_not_after_start(doctor, reception):
    with pytest.raises(AppointmentTimesInvalid) as refused:
        book(doctor, reception, at(10), minutes=0)
    assert refused.value.status_code == 400
    with pytest.raises(AppointmentTimesInvalid):
        book(doctor, reception, at(10), minutes=-30)


def test_appointment_update_moves_with_overlap_check(doctor, reception):
    first = book(doctor, reception, at(10))
    second = book(doctor, reception, at(11))
    with pytest.raises(AppointmentOverlap):
        services.appointment_update(appointment=second, data=slot(at(10, 15)), actor=reception)
    moved = services.appointment_update(appointment=second, data=slot(at(9)), actor=reception)
    assert moved.scheduled_start == at(9)
    # Moving within its own slot does not clash with itself.
    first = services.appointment_update(appointment=first, data=slot(at(10, 5)), actor=reception)
    assert first.scheduled_start == at(10, 5)


def test_calendly_appointment_times_are_owned_by_calendly(doctor, reception):
    appointment = AppointmentFactory(practitioner=doctor, source=AppointmentSource.CALENDLY, external_id="uri:1")
    with pytest.raises(AppointmentLocked) as refused:
        services.appointment_update(appointment=appointment, data=slot(at(9)), actor=reception)
    assert refused.value.code == "appointment_calendly_owned"
    updated = services.appointment_update(appointment=appointment, data={"notes": "bring results"}, actor=reception)
    assert updated.notes == "bring results"


# --- status changes -----------------------------------------------------------------------------


def test_confirm_then_attend_opens_a_draft_encounter(doctor, reception):
    location = LocationFactory()
    appointment = book(doctor, reception, at(10), location=location)
    appointment = services.appointment_confirm(appointment=appointment, actor=reception)
    assert appointment.status == AppointmentStatus.CONFIRMED
    attended = services.appointment_attend(appointment=appointment, actor=doctor.user, open_encounter=True)
    assert attended.status == AppointmentStatus.ATTENDED
    encounter = Encounter.objects.get(pk=attended.encounter_id)
    assert encounter.status == EncounterStatus.DRAFT
    assert (encounter.patient, encounter.practitioner, encounter.location) == (
        attended.patient,
        doctor,
        location,
    )
    assert encounter.occurred_at == attended.scheduled_start
    # Again: harmless, no second encounter.
    again = services.appointment_attend(appointment=attended, actor=doctor.user, open_encounter=True)
    assert again.encounter_id == encounter.pk
    assert Encounter.objects.filter(patient=attended.patient).count() == 1


def test_attend_without_encounter(doctor, reception):
    appointment = services.appointment_confirm(appointment=book(doctor, reception, at(10)), actor=reception)
    attended = services.appointment_attend(appointment=appointment, actor=reception)
    assert attended.status == AppointmentStatus.ATTENDED and attended.encounter is None


def test_attend_refuses_opening_an_encounter_without_patient(doctor, reception):
    appointment = book(doctor, reception, at(10), patient=None)
    appointment = services.appointment_confirm(appointment=appointment, actor=reception)
    with pytest.raises(AppointmentTransitionRefused) as refused:
        services.appointment_attend(appointment=appointment, actor=doctor.user, open_encounter=True)
    assert refused.value.code == "appointment_no_patient"
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CONFIRMED


@pytest.mark.parametrize("start_status", ["scheduled", "confirmed"])
def test_cancel_needs_a_reason(doctor, reception, start_status):
    appointment = book(doctor, reception, at(10))
    if start_status == "confirmed":
        appointment = services.appointment_confirm(appointment=appointment, actor=reception)
    with pytest.raises(ReasonRequired):
        services.appointment_cancel(appointment=appointment, reason="  ", actor=reception)
    cancelled = services.appointment_cancel(appointment=appointment, reason="called to cancel", actor=reception)
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert cancelled.cancellation_reason == "called to cancel"


@pytest.mark.parametrize("start_status", ["scheduled", "confirmed"])
def test_no_show_only_after_start(doctor, reception, start_status):
    future = book(doctor, reception, at(10))
    with pytest.raises(AppointmentTransitionRefused) as refused:
        services.appointment_mark_no_show(appointment=future, actor=reception)
    assert refused.value.code == "appointment_not_started"
    past = AppointmentFactory(practitioner=doctor, **slot(timezone.now() - 2 * H))
    if start_status == "confirmed":
        past = services.appointment_confirm(appointment=past, actor=reception)
    missed = services.appointment_mark_no_show(appointment=past, actor=reception)
    assert missed.status == AppointmentStatus.NO_SHOW and missed.no_show_reason is None
    other = AppointmentFactory(practitioner=doctor, **slot(timezone.now() - 4 * H))
    assert services.appointment_mark_no_show(appointment=other, reason="no answer", actor=reception).no_show_reason


ILLEGAL = [
    # (how to reach the status, the refused operation)
    ("scheduled", "attend"),
    ("attended", "confirm"),
    ("attended", "cancel"),
    ("attended", "no_show"),
    ("cancelled", "confirm"),
    ("cancelled", "attend"),
    ("cancelled", "no_show"),
    ("no_show", "confirm"),
    ("no_show", "attend"),
    ("no_show", "cancel"),
]


def reach(status, doctor, actor):
    appointment = AppointmentFactory(practitioner=doctor, **slot(timezone.now() - 2 * H))
    if status in ("confirmed", "attended"):
        appointment = services.appointment_confirm(appointment=appointment, actor=actor)
    if status == "attended":
        appointment = services.appointment_attend(appointment=appointment, actor=actor)
    if status == "cancelled":
        appointment = services.appointment_cancel(appointment=appointment, reason="r", actor=actor)
    if status == "no_show":
        appointment = services.appointment_mark_no_show(appointment=appointment, actor=actor)
    assert appointment.status == status
    return appointment


OPERATIONS = {
    "confirm": lambda a, actor: services.appointment_confirm(appointment=a, actor=actor),
    "attend": lambda a, actor: services.appointment_attend(appointment=a, actor=actor),
    "cancel": lambda a, actor: services.appointment_cancel(appointment=a, reason="r", actor=actor),
    "no_show": lambda a, actor: services.appointment_mark_no_show(appointment=a, actor=actor),
}


@pytest.mark.parametrize(("status", "operation"), ILLEGAL)
def test_illegal_transitions_are_refused(doctor, reception, status, operation):
    appointment = reach(status, doctor, reception)
    with pytest.raises(AppointmentTransitionRefused) as refused:
        OPERATIONS[operation](appointment, reception)
    assert refused.value.status_code == 409
    assert Appointment.objects.get(pk=appointment.pk).status == status


def test_stale_version_is_refused(doctor, reception):
    appointment = book(doctor, reception, at(10))
    stale = Appointment.objects.get(pk=appointment.pk)
    services.appointment_confirm(appointment=appointment, actor=reception)
    from erp.core.exceptions import ConcurrencyConflict

    with pytest.raises(ConcurrencyConflict):
        services.appointment_cancel(appointment=stale, reason="r", actor=reception)


def test_attended_appointment_cannot_be_deleted(doctor, reception):
    appointment = reach("attended", doctor, reception)
    with pytest.raises(AppointmentLocked):
        services.appointment_delete(appointment=appointment, actor=reception)
    scheduled = book(doctor, reception, at(10))
    services.appointment_delete(appointment=scheduled, actor=reception)
    assert not Appointment.objects.filter(pk=scheduled.pk).exists()
    assert Appointment.all_objects.get(pk=scheduled.pk).is_deleted


def test_merge_moves_appointments(doctor, reception):
    survivor, merged = PatientFactory(), PatientFactory()
    appointment = book(doctor, reception, at(10), patient=merged)
    patient_merge(survivor=survivor, merged=merged, reason="same person", actor=reception)
    assert Appointment.objects.get(pk=appointment.pk).patient == survivor


# --- agenda, report -----------------------------------------------------------------------------


def test_agenda_by_practitioner_and_location(doctor, reception):
    paris, lyon = LocationFactory(name="Paris"), LocationFactory(name="Lyon")
    a = book(doctor, reception, at(10), location=paris)
    b = book(doctor, reception, at(11), location=lyon)
    other = book(PractitionerFactory(), reception, at(10), location=paris)
    book(doctor, reception, at(10, days=9), location=paris)
    day_start = at(0)
    day_end = day_start + datetime.timedelta(days=1)
    assert list(selectors.agenda(start=day_start, end=day_end, practitioner=doctor)) == [a, b]
    assert set(selectors.agenda(start=day_start, end=day_end, location=paris)) == {a, other}


def test_no_show_rate_per_practitioner_and_month(doctor, reception):
    now = timezone.now()
    for hours, outcome in ((2, "no_show"), (4, "attended"), (6, "scheduled"), (8, "cancelled")):
        appointment = AppointmentFactory(practitioner=doctor, **slot(now - hours * H))
        if outcome == "no_show":
            services.appointment_mark_no_show(appointment=appointment, actor=reception)
        elif outcome == "attended":
            appointment = services.appointment_confirm(appointment=appointment, actor=reception)
            services.appointment_attend(appointment=appointment, actor=reception)
        elif outcome == "cancelled":
            services.appointment_cancel(appointment=appointment, reason="r", actor=reception)
    AppointmentFactory(practitioner=doctor, **slot(now + 5 * H))  # not due yet
    rows = [r for r in selectors.no_show_rate(practitioner=doctor) if r["due"]]
    assert sum(r["due"] for r in rows) == 3
    assert sum(r["no_shows"] for r in rows) == 1
    if len(rows) == 1:  # all in one month (unless the test runs at a month's first hours)
        assert rows[0]["rate"] == Decimal("0.3333")


# --- calendar feed ------------------------------------------------------------------------------


def test_ics_escaping_and_folding():
    assert ics.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long = "SUMMARY:" + "é" * 100
    folded = ics.fold(long)
    for line in folded.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == long


def test_ics_feed_content_and_token_rotation(doctor, reception):
    location = LocationFactory(name="Paris, Rive gauche; 1er")
    patient = PatientFactory(first_name="Lucie", last_name="Bernard")
    appointment = book(doctor, reception, at(10), location=location, patient=patient, notes="Eczema, biopsy")
    cancelled = book(doctor, reception, at(12), location=location)
    services.appointment_cancel(appointment=cancelled, reason="ill", actor=reception)
    book(PractitionerFactory(), reception, at(15), location=location)  # another practitioner's
    feed = services.calendar_feed_get(practitioner=doctor)
    client = APIClient()
    response = client.get(f"/api/v1/agenda/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    unfolded = text.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 2
    assert f"UID:{appointment.pk}@" in unfolded
    assert "DTSTAMP:" in unfolded
    assert f"DTSTART:{ics.utc_stamp(at(10))}" in unfolded
    assert "SUMMARY:Patient L.B." in unfolded
    assert "LOCATION:Paris\\, Rive gauche\\; 1er" in unfolded
    assert "STATUS:CANCELLED" in unfolded
    # No clinical text and no full name.
    assert "Eczema" not in text and "Bernard" not in text and "Lucie" not in text and "ill" not in text
    old_token = feed.token
    rotated = services.calendar_feed_rotate(practitioner=doctor, actor=doctor.user)
    assert rotated.token != old_token and rotated.rotated_at is not None
    assert client.get(f"/api/v1/agenda/{old_token}.ics").status_code in (404, 302)
    assert client.get(f"/api/v1/agenda/{rotated.token}.ics").status_code == 200


def test_seed_books_demo_appointments_once():
    from erp.clinical import seed as clinical_seed
    from erp.core import seed as core_seed

    lines = []
    for _ in range(2):
        core_seed.seed(lines.append)
        clinical_seed.seed(lines.append)
    demo = Appointment.objects.filter(notes="Demo appointment")
    assert demo.count() == 3
    assert demo.filter(status=AppointmentStatus.CONFIRMED).count() == 1
    assert all(a.practitioner.user.email == "doctor@clinic.test" for a in demo)
