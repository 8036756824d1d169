"""Admin screens of the agenda: day/week agenda, appointment page operations, Calendly replay."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erp.clinical.agenda import calendly
from erp.clinical.models import Appointment, AppointmentStatus, CalendlyDelivery, CalendlyOutcome, Encounter
from erp.clinical.tests.factories import AppointmentFactory, LocationFactory, PatientFactory, PractitionerFactory
from erp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def at(hour, days=0):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def appointment_at(doctor, hour, days=0, **extra):
    return AppointmentFactory(
        practitioner=doctor, scheduled_start=at(hour, days), scheduled_end=at(hour + 1, days), **extra
    )


def test_agenda_page_gives_the_scheduler_its_locations_labels_and_rights(django_assert_max_num_queries):
    # The grid itself reads /api/v1/appointments/agenda/ (test_agenda_scheduler_api, test_agenda_browser).
    LocationFactory(name="Paris", timezone="Europe/Paris")
    lyon = LocationFactory(name="Lyon", timezone="Europe/Paris")
    LocationFactory(name="Fermé", is_active=False)
    client = login(UserFactory(role="reception", email="desk@admin.example"))
    url = f"/admin/clinical/agenda/?location={lyon.pk}&day=2026-12-09&span=week"
    client.get(url)  # the session and the admin's caches warm
    with django_assert_max_num_queries(35) as few:
        response = client.get(url)
    assert response.status_code == 200
    for n in range(4):
        LocationFactory(name=f"Site {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    config = response.context["config"]
    assert [place["name"] for place in config["locations"]] == ["Lyon", "Paris"]  # active ones, by name
    assert config["location"] == str(lyon.pk) and config["locations"][0]["timezone"] == "Europe/Paris"
    assert config["day"] == "2026-12-09" and config["view"] == "week"
    assert config["can_add"] and config["can_change"] and config["can_add_patient"]
    assert config["labels"]["today"] == "Aujourd'hui" and config["statuses"]["no_show"] == "Non honoré"
    # The grid writes its dates with the server's names (Chromium has none for Armenian).
    assert config["month_names"][11] == "décembre" and config["weekday_names"][:2] == ["dimanche", "lundi"]
    html = response.content.decode()
    assert 'id="agenda-config"' in html and "Réservé via Calendly" in html and "Nouveau rendez-vous" in html
    default = login(UserFactory(role="practitioner", email="doc@admin.example")).get("/admin/clinical/agenda/")
    assert default.context["config"]["location"] == str(lyon.pk)  # the first by name when none is set
    assert default.context["config"]["view"] == "day" and default.context["config"]["day"] is None
    marketing = login(UserFactory(role="marketing", email="mk@admin.example"))
    assert marketing.get("/admin/clinical/agenda/").status_code in (
        302,
        403,
    )


def test_practitioner_sees_own_agenda_and_feed_and_rotates_it():
    doctor = PractitionerFactory()
    appointment_at(doctor, 9, patient=PatientFactory(last_name="Mine"))
    client = login(doctor.user)
    html = client.get("/admin/clinical/agenda/").content.decode()
    old = doctor.calendar_feed.token
    assert f"/api/v1/agenda/{old}.ics" in html
    response = client.post("/admin/clinical/agenda/rotate-feed/")
    assert response.status_code == 302
    doctor.calendar_feed.refresh_from_db()
    assert doctor.calendar_feed.token != old


def test_appointment_page_offers_the_booked_encounter_type_and_its_days_agenda():
    place, doctor = LocationFactory(), PractitionerFactory()
    appointment = appointment_at(
        doctor, 9, days=1, encounter_type="aesthetic_procedure", location=place, status=AppointmentStatus.CONFIRMED
    )
    html = login(doctor.user).get(f"/admin/clinical/appointments/inspect/{appointment.pk}/").content.decode()
    assert '<option value="aesthetic_procedure" selected>' in html
    assert f"span=day&location={place.pk}" in html


def test_appointment_page_sells_from_the_visit_for_those_who_sell():
    appointment = appointment_at(PractitionerFactory(), 9, patient=PatientFactory())
    page = f"/admin/clinical/appointments/inspect/{appointment.pk}/"
    till = f"/admin/commerce/new-sale/?appointment={appointment.pk}"
    desk = login(UserFactory(role="reception", email="sell@admin.example"))
    assert till in desk.get(page).content.decode()
    blocked = appointment_at(PractitionerFactory(), 11, patient=None)  # a slot held without a patient
    response = desk.get(f"/admin/clinical/appointments/inspect/{blocked.pk}/")
    assert response.status_code == 200 and "new-sale/?appointment=" not in response.content.decode()


def test_appointment_page_confirm_attend_with_encounter():
    doctor = PractitionerFactory()
    appointment = appointment_at(doctor, 9, days=1)
    client = login(doctor.user)
    page = client.get(f"/admin/clinical/appointments/inspect/{appointment.pk}/")
    assert page.status_code == 200 and "Confirmer" in page.content.decode()
    url = f"/admin/clinical/appointments/transition/{appointment.pk}/"
    client.post(url, {"operation": "confirm"})
    client.post(url, {"operation": "attend", "open_encounter": "1", "encounter_type": "follow_up"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED
    assert Encounter.objects.get(pk=appointment.encounter_id).type == "follow_up"


def test_appointment_page_refusal_is_a_message():
    doctor = PractitionerFactory()
    appointment = appointment_at(doctor, 9, days=1)
    client = login(UserFactory(role="reception", email="desk@admin.example"))
    response = client.post(
        f"/admin/clinical/appointments/transition/{appointment.pk}/", {"operation": "no_show"}, follow=True
    )
    assert "une fois son heure de début passée" in response.content.decode()
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.SCHEDULED


def test_admin_booking_refuses_overlap_as_form_error():
    doctor = PractitionerFactory()
    appointment_at(doctor, 9, days=1)
    client = login(UserFactory(role="reception", email="desk@admin.example"))
    start = at(9, 1)
    response = client.post(
        "/admin/clinical/appointments/new/",
        {
            "patient": str(PatientFactory().pk),
            "practitioner": str(doctor.pk),
            "scheduled_start": timezone.localtime(start).strftime("%Y-%m-%d %H:%M"),
            "scheduled_end": timezone.localtime(start + datetime.timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M"),
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert "a déjà un rendez-vous" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_calendly_delivery_replay_button(settings):
    body = b'{"event": "invitee_no_show.created", "created_at": "2026-01-01T10:00:00Z", "payload": {"invitee": "u:1"}}'
    delivery = calendly.delivery_process(delivery=calendly.delivery_store(body=body))
    assert delivery.outcome == CalendlyOutcome.FAILED
    reception = login(UserFactory(role="reception", email="desk@admin.example"))
    page = reception.get(f"/admin/clinical/calendly-deliveries/inspect/{delivery.pk}/")
    assert page.status_code == 200 and "Rejouer cette notification" in page.content.decode()
    AppointmentFactory(source="calendly", external_id="u:1", scheduled_start=at(9), scheduled_end=at(10))
    reception.post(f"/admin/clinical/calendly-deliveries/replay/{delivery.pk}/")
    delivery.refresh_from_db()
    assert delivery.outcome == CalendlyOutcome.PROCESSED
    assert Appointment.objects.get(external_id="u:1").status == AppointmentStatus.NO_SHOW
    # No add or edit screens for deliveries; practitioners may look but not replay.
    assert reception.get("/admin/clinical/calendly-deliveries/new/").status_code in (302, 403, 404)
    doctor = login(PractitionerFactory().user)
    attempts = delivery.attempts
    assert doctor.post(f"/admin/clinical/calendly-deliveries/replay/{delivery.pk}/").status_code in (302, 403)
    delivery.refresh_from_db()
    assert delivery.attempts == attempts
    assert CalendlyDelivery.objects.count() == 1


def test_an_appointments_times_are_typed_and_shown_at_its_locations_clock():
    yerevan = LocationFactory(name="Erevan", timezone="Asia/Yerevan")  # UTC+4, Paris +1 in January
    doctor, patient = PractitionerFactory(), PatientFactory()
    desk = login(UserFactory(role="reception", email="clock@admin.example"))
    form = {
        "patient": patient.pk, "practitioner": doctor.pk, "location": yerevan.pk,
        "scheduled_start": "12/01/2027 10:00", "scheduled_end": "12/01/2027 10:30", "notes": "",
    }  # fmt: skip
    response = desk.post(reverse("clinical_appointment:add"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    appointment = Appointment.objects.get(patient=patient)
    assert appointment.scheduled_start == datetime.datetime(2027, 1, 12, 6, 0, tzinfo=datetime.UTC)
    edit = desk.get(reverse("clinical_appointment:edit", args=[appointment.pk])).content.decode()
    assert 'value="12/01/2027 10:00"' in edit


def test_an_encounters_time_is_typed_at_its_locations_clock():
    yerevan = LocationFactory(name="Erevan", timezone="Asia/Yerevan")
    doctor, patient = PractitionerFactory(), PatientFactory()
    form = {
        "patient": patient.pk, "practitioner": doctor.pk, "location": yerevan.pk, "type": "follow_up",
        "occurred_at": "12/01/2027 10:00", "chief_complaint": "", "assessment": "", "plan": "", "internal_notes": "",
    }  # fmt: skip
    response = login(doctor.user).post(reverse("clinical_encounter:add"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    encounter = Encounter.objects.get(patient=patient)
    assert encounter.occurred_at == datetime.datetime(2027, 1, 12, 6, 0, tzinfo=datetime.UTC)
