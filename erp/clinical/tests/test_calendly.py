"""Calendly webhook: signature, storage, invitee events, reschedules, no-shows, replays, order."""

import json
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from rest_framework.test import APIClient

from erp.clinical.agenda import calendly
from erp.clinical.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    CalendlyDelivery,
    CalendlyOutcome,
    DuplicateReason,
    IdentityConfidence,
    Patient,
)
from erp.clinical.tests.calendly_data import KEY, START, URL, cancelled, envelope, invitee, iso, post, sign
from erp.clinical.tests.factories import LocationFactory, PatientFactory, PractitionerFactory
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(settings):
    settings.CALENDLY_WEBHOOK_SIGNING_KEY = KEY


@pytest.fixture
def doctor():
    return PractitionerFactory(user=UserFactory(role="practitioner", email="doctor0@clinic.example"))


# --- signature ----------------------------------------------------------------------------------


def test_valid_signature_is_accepted_and_stored(doctor):
    document = envelope("invitee.created", invitee())
    response = post(document)
    assert response.status_code == 200, response.content
    delivery = CalendlyDelivery.objects.get()
    assert delivery.event_type == "invitee.created"
    assert delivery.payload == document
    assert bytes(delivery.raw_body) == json.dumps(document).encode()
    assert delivery.outcome == CalendlyOutcome.PROCESSED and delivery.processed_at and delivery.received_at
    assert response.json()["appointment"] == str(delivery.appointment_id)


@pytest.mark.parametrize(
    "case",
    ["wrong_key", "stale", "missing", "tampered", "malformed", "future"],
)
def test_bad_signatures_are_refused_and_nothing_stored(doctor, case, caplog):
    document = envelope("invitee.created", invitee())
    raw = json.dumps(document).encode()
    if case == "wrong_key":
        response = post(document, key="another-key")
    elif case == "stale":
        response = post(document, timestamp=int(time.time()) - 181)
    elif case == "future":
        response = post(document, timestamp=int(time.time()) + 600)
    elif case == "missing":
        response = post(document, signature="")
    elif case == "tampered":
        header = sign(raw)
        response = post(document, signature=header, body=raw.replace(b"Anna", b"Hana"))
    else:
        response = post(document, signature="v1=abc")
    assert response.status_code == 401
    assert response.json()["code"] == "signature_invalid"
    assert CalendlyDelivery.objects.count() == 0
    assert Appointment.objects.count() == 0
    assert any("Calendly delivery rejected" in record.getMessage() for record in caplog.records)


def test_no_configured_key_refuses(settings, monkeypatch, doctor):
    settings.CALENDLY_WEBHOOK_SIGNING_KEY = None
    monkeypatch.delenv("CALENDLY_WEBHOOK_SIGNING_KEY", raising=False)
    assert post(envelope("invitee.created", invitee())).status_code == 401
    monkeypatch.setenv("CALENDLY_WEBHOOK_SIGNING_KEY", KEY)
    assert post(envelope("invitee.created", invitee())).status_code == 200


def test_signature_verify_unit():
    body = b'{"a": 1}'
    now = 1_700_000_000
    header = sign(body, timestamp=now)
    calendly.signature_verify(header=header, body=body, key=KEY, now=now + 179)
    with pytest.raises(calendly.SignatureRefused):
        calendly.signature_verify(header=header, body=body, key=KEY, now=now + 181)
    with pytest.raises(calendly.SignatureRefused):
        calendly.signature_verify(header=header, body=body + b" ", key=KEY, now=now)


# --- invitee.created / canceled -----------------------------------------------------------------


def test_invitee_created_makes_a_calendly_appointment(doctor):
    paris = LocationFactory(name="Paris")
    payload = invitee(minutes=45)
    post(envelope("invitee.created", payload))
    appointment = Appointment.objects.get()
    assert appointment.source == AppointmentSource.CALENDLY
    assert appointment.external_id == payload["uri"]
    assert appointment.external_event_uri == payload["scheduled_event"]["uri"]
    assert appointment.status == AppointmentStatus.SCHEDULED
    assert appointment.scheduled_start == START
    assert appointment.scheduled_end == START + timedelta(minutes=45)
    assert appointment.practitioner == doctor
    assert appointment.location == paris  # the only active location: the default
    patient = appointment.patient
    assert (patient.first_name, patient.last_name, patient.email) == ("Anna", "Petrova", "anna.petrova@example.com")
    assert patient.identity_confidence == IdentityConfidence.LOW
    assert patient.referral_source.code == "website"


def test_invitee_created_twice_updates_the_same_appointment(doctor):
    payload = invitee()
    post(envelope("invitee.created", payload))
    post(envelope("invitee.created", payload))
    later = {
        **payload,
        "scheduled_event": {
            **payload["scheduled_event"],
            "start_time": iso(START + timedelta(hours=1)),
            "end_time": iso(START + timedelta(hours=2)),
        },
    }
    post(envelope("invitee.created", later))
    appointment = Appointment.objects.get()
    assert appointment.scheduled_start == START + timedelta(hours=1)
    assert Patient.objects.count() == 1
    assert CalendlyDelivery.objects.count() == 3


def test_unknown_host_leaves_practitioner_empty(doctor):
    post(envelope("invitee.created", invitee(host="someone@else.example")))
    assert Appointment.objects.get().practitioner is None


def test_invitee_canceled(doctor):
    payload = invitee()
    post(envelope("invitee.created", payload))
    response = post(envelope("invitee.canceled", cancelled(payload, reason="Sick")))
    assert response.status_code == 200
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancellation_reason == "Sick"


def test_cancel_without_reason_gets_a_default(doctor):
    payload = invitee()
    post(envelope("invitee.created", payload))
    post(envelope("invitee.canceled", cancelled(payload, reason="")))
    assert Appointment.objects.get().cancellation_reason == "Cancelled in Calendly (by invitee)"


def test_cancel_before_create_ends_cancelled(doctor):
    payload = invitee()
    post(envelope("invitee.canceled", cancelled(payload)), timestamp=None)
    post(envelope("invitee.created", payload))
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.practitioner == doctor and appointment.patient is not None


def test_rescheduled_pair_is_linked_not_duplicated(doctor):
    old = invitee()
    post(envelope("invitee.created", old))
    new = invitee(start=START + timedelta(days=1), old_invitee=old["uri"])
    post(envelope("invitee.canceled", cancelled(old, reason="", rescheduled=True, new_invitee=new["uri"])))
    post(envelope("invitee.created", new))
    old_row = Appointment.objects.get(external_id=old["uri"])
    new_row = Appointment.objects.get(external_id=new["uri"])
    assert old_row.status == AppointmentStatus.CANCELLED
    assert old_row.cancellation_reason.startswith("Rescheduled in Calendly")
    assert new_row.status == AppointmentStatus.SCHEDULED
    assert new_row.rescheduled_from == old_row
    assert new_row.patient == old_row.patient
    assert Patient.objects.count() == 1
    assert Appointment.objects.exclude(status=AppointmentStatus.CANCELLED).count() == 1


def test_rescheduled_pair_linked_when_the_new_one_arrives_first(doctor):
    old = invitee()
    post(envelope("invitee.created", old))
    new = invitee(start=START + timedelta(days=1), old_invitee=old["uri"])
    post(envelope("invitee.created", new))
    post(envelope("invitee.canceled", cancelled(old, rescheduled=True, new_invitee=new["uri"])))
    new_row = Appointment.objects.get(external_id=new["uri"])
    assert new_row.rescheduled_from.external_id == old["uri"]
    assert new_row.rescheduled_from.status == AppointmentStatus.CANCELLED


# --- no-shows -----------------------------------------------------------------------------------


def no_show(payload):
    return {
        "uri": f"https://api.calendly.com/invitee_no_shows/{uuid.uuid4().hex}",
        "invitee": payload["uri"],
        "created_at": iso(datetime.now(UTC)),
    }


def test_no_show_on_and_off(doctor):
    payload = invitee()
    post(envelope("invitee.created", payload))
    now = datetime.now(UTC)
    post(envelope("invitee_no_show.created", no_show(payload), created_at=now))
    assert Appointment.objects.get().status == AppointmentStatus.NO_SHOW
    post(envelope("invitee_no_show.deleted", no_show(payload), created_at=now + timedelta(seconds=5)))
    assert Appointment.objects.get().status == AppointmentStatus.SCHEDULED


def test_no_show_toggles_out_of_order_end_in_the_latest_state(doctor):
    payload = invitee()
    post(envelope("invitee.created", payload))
    now = datetime.now(UTC)
    post(envelope("invitee_no_show.deleted", no_show(payload), created_at=now + timedelta(seconds=5)))
    post(envelope("invitee_no_show.created", no_show(payload), created_at=now))
    assert Appointment.objects.get().status == AppointmentStatus.SCHEDULED


def test_no_show_for_an_unknown_invitee_fails_and_replays(doctor):
    payload = invitee()
    response = post(envelope("invitee_no_show.created", no_show(payload)))
    assert response.status_code == 422
    failed = CalendlyDelivery.objects.get()
    assert failed.outcome == CalendlyOutcome.FAILED and "pas encore connu" in failed.error
    post(envelope("invitee.created", payload))
    replayed = calendly.delivery_replay(delivery=failed, actor=UserFactory(role="reception", email="desk@x.example"))
    assert replayed.outcome == CalendlyOutcome.PROCESSED and replayed.error is None and replayed.attempts == 2
    assert Appointment.objects.get().status == AppointmentStatus.NO_SHOW


def test_unknown_event_is_stored_and_ignored(doctor):
    response = post(envelope("routing_form_submission.created", {"uri": "x"}))
    assert response.status_code == 200
    assert CalendlyDelivery.objects.get().outcome == CalendlyOutcome.IGNORED


def test_malformed_payload_is_stored_as_failed(doctor):
    document = envelope("invitee.created", {**invitee(), "scheduled_event": {"start_time": "soon"}})
    assert post(document).status_code == 422
    delivery = CalendlyDelivery.objects.get()
    assert delivery.outcome == CalendlyOutcome.FAILED and delivery.payload == document
    assert Appointment.objects.count() == 0


# --- patient matching ---------------------------------------------------------------------------


def test_patient_matched_by_email(doctor):
    known = PatientFactory(first_name="Anna", last_name="P.", email="anna.petrova@example.com")
    post(envelope("invitee.created", invitee(email="Anna.Petrova@Example.com")))
    assert Appointment.objects.get().patient == known
    assert Patient.objects.count() == 1


def test_patient_matched_by_email_trimmed_and_in_any_case(doctor):
    known = PatientFactory(email="anna.petrova@example.com", phone="0611111111")
    post(envelope("invitee.created", invitee(email="  ANNA.Petrova@EXAMPLE.com ", phone="+33 6 99 99 99 99")))
    assert Appointment.objects.get().patient == known
    assert Patient.objects.count() == 1
    known.refresh_from_db()
    assert known.possible_duplicate_of is None


def test_family_sharing_an_email_books_on_the_patient_of_that_name(doctor):
    PatientFactory(first_name="Anna", last_name="Petrova", email="family@example.com")
    child = PatientFactory(first_name="Lev", last_name="Petrov", email="family@example.com")
    post(envelope("invitee.created", invitee(email="family@example.com", name="Lev Petrov")))
    assert Appointment.objects.get().patient == child
    assert Patient.objects.count() == 2


def flagged_for(known):
    new = Patient.objects.exclude(pk=known.pk).get()
    assert new.possible_duplicate_of == known and new.needs_duplicate_review
    assert new.possible_duplicate_reason == DuplicateReason.SAME_PHONE_OTHER_EMAIL
    assert new.identity_confidence == IdentityConfidence.LOW
    return new


def test_known_phone_with_another_email_makes_a_new_flagged_patient(doctor):
    """The booking never lands on the record of the patient who owns the phone."""
    known = PatientFactory(phone="06 12 34 56 78", email="known@example.com")
    booking = invitee(email="new@example.com", name="Zoé Martin", phone="+33 6 12 34 56 78")
    response = post(envelope("invitee.created", booking))
    assert response.status_code == 200, response.content
    new = flagged_for(known)
    assert Appointment.objects.get().patient == new
    assert (new.first_name, new.last_name, new.email) == ("Zoé", "Martin", "new@example.com")
    assert new.phone_e164 == "+33612345678"
    known.refresh_from_db()
    assert known.possible_duplicate_of is None and not known.appointments.exists()
    created = AuditLog.objects.get(entity_id=new.pk, action="create")
    assert created.metadata_json["possible_duplicate_of"] == str(known.pk)
    assert created.metadata_json["possible_duplicate_reason"] == "same_phone_other_email"
    # The next booking with that e-mail is the new patient's, not flagged again.
    post(envelope("invitee.created", invitee(email="NEW@example.com", phone="+33 6 12 34 56 78")))
    assert Patient.objects.count() == 2
    assert {a.patient for a in Appointment.objects.all()} == {new}


def test_known_phone_without_email_on_file_is_still_not_proof(doctor):
    known = PatientFactory(phone="06 12 34 56 78", email=None)
    post(envelope("invitee.created", invitee(email="new@example.com", phone="+33 6 12 34 56 78")))
    assert Appointment.objects.get().patient == flagged_for(known)


def test_known_phone_from_the_questions_makes_a_flagged_patient(doctor):
    known = PatientFactory(phone="+33612345678")
    questions = [{"question": "Numéro de téléphone", "answer": "06 12 34 56 78", "position": 0}]
    post(envelope("invitee.created", invitee(email="other@example.com", questions_and_answers=questions)))
    assert Appointment.objects.get().patient == flagged_for(known)


def test_patient_created_when_no_match(doctor):
    PatientFactory(email="someone@example.com", phone="0611111111")
    post(envelope("invitee.created", invitee(email="nouvelle@example.com", phone="not a number", name="Zoé")))
    patient = Appointment.objects.get().patient
    assert patient.email == "nouvelle@example.com" and patient.phone is None
    assert patient.identity_confidence == IdentityConfidence.LOW
    assert Patient.objects.count() == 2


# --- replays and concurrency --------------------------------------------------------------------


def test_replay_from_api_is_idempotent(doctor):
    payload = invitee()
    post(envelope("invitee.created", payload))
    delivery = CalendlyDelivery.objects.get()
    client = APIClient()
    client.force_authenticate(UserFactory(role="reception", email="desk@x.example"))
    response = client.post(f"/api/v1/integrations/calendly/deliveries/{delivery.pk}/replay/")
    assert response.status_code == 200, response.content
    assert Appointment.objects.count() == 1 and Patient.objects.count() == 1
    client.force_authenticate(UserFactory(role="marketing", email="mk@x.example"))
    assert client.post(f"/api/v1/integrations/calendly/deliveries/{delivery.pk}/replay/").status_code == 403


def test_same_event_twice_marks_the_second_a_duplicate(doctor):
    document = envelope("invitee.created", invitee())
    post(document)
    post(document)
    outcomes = sorted(CalendlyDelivery.objects.values_list("outcome", flat=True))
    assert outcomes == [CalendlyOutcome.DUPLICATE, CalendlyOutcome.PROCESSED]
    assert Appointment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_give_one_appointment():
    PractitionerFactory(user=UserFactory(role="practitioner", email="doctor0@clinic.example"))
    document = envelope("invitee.created", invitee())
    body = json.dumps(document).encode()
    copies = 30
    barrier = threading.Barrier(copies)
    statuses, errors = [], []

    def deliver():
        try:
            barrier.wait()
            response = APIClient().post(
                URL, data=body, content_type="application/json", HTTP_CALENDLY_WEBHOOK_SIGNATURE=sign(body)
            )
            statuses.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert statuses == [200] * copies
    assert Appointment.objects.count() == 1
    assert Patient.objects.count() == 1
    assert CalendlyDelivery.objects.count() == copies
    assert not CalendlyDelivery.objects.filter(outcome=CalendlyOutcome.FAILED).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_created_and_canceled_end_cancelled():
    PractitionerFactory(user=UserFactory(role="practitioner", email="doctor0@clinic.example"))
    payload = invitee()
    bodies = [json.dumps(envelope("invitee.created", payload)).encode()] * 5 + [
        json.dumps(envelope("invitee.canceled", cancelled(payload))).encode()
    ] * 5
    barrier = threading.Barrier(len(bodies))

    def deliver(body):
        try:
            barrier.wait()
            APIClient().post(
                URL, data=body, content_type="application/json", HTTP_CALENDLY_WEBHOOK_SIGNATURE=sign(body)
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert Patient.objects.count() == 1
    assert not CalendlyDelivery.objects.filter(outcome=CalendlyOutcome.FAILED).exists()


def test_webhook_needs_no_csrf_token_and_only_accepts_post(doctor):
    body = json.dumps(envelope("invitee.created", invitee())).encode()
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(URL, data=body, content_type="application/json", HTTP_CALENDLY_WEBHOOK_SIGNATURE=sign(body))
    assert response.status_code == 200
    assert client.get(URL).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_with_the_same_new_email_give_one_patient():
    """20 pairs of bookings (two invitees each, one new e-mail a pair), each pair delivered at the
    same moment in real transactions: one patient per e-mail."""
    PractitionerFactory(user=UserFactory(role="practitioner", email="doctor0@clinic.example"))
    statuses, errors = [], []

    def deliver(body, barrier):
        try:
            barrier.wait()
            response = APIClient().post(
                URL, data=body, content_type="application/json", HTTP_CALENDLY_WEBHOOK_SIGNATURE=sign(body)
            )
            statuses.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    pairs = 20
    for number in range(pairs):
        email = f"new.patient.{number}@example.com"
        bodies = [
            json.dumps(envelope("invitee.created", invitee(email=email, start=START + timedelta(hours=h)))).encode()
            for h in (number * 2, number * 2 + 1)
        ]
        barrier = threading.Barrier(len(bodies))
        threads = [threading.Thread(target=deliver, args=(body, barrier)) for body in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors
    assert statuses == [200] * (2 * pairs)
    assert Appointment.objects.count() == 2 * pairs
    assert Patient.objects.count() == pairs
    for number in range(pairs):
        patient = Patient.objects.get(email=f"new.patient.{number}@example.com")
        assert patient.appointments.count() == 2
    assert not CalendlyDelivery.objects.filter(outcome=CalendlyOutcome.FAILED).exists()


# --- bodies PostgreSQL cannot store -------------------------------------------------------------


def _deep(levels: int) -> bytes:
    inner = b"[" * levels + b"]" * levels
    return b'{"event": "invitee.created", "payload": ' + inner + b"}"


INVALID_BODIES = {
    "nul_in_a_value": b'{"event": "invitee.created", "payload": {"name": "Anna\\u0000"}}',
    "nul_in_a_key": b'{"event": "invitee.created", "payload": {"na\\u0000me": "Anna"}}',
    "lone_surrogate": b'{"event": "invitee.created", "payload": {"name": "\\ud800"}}',
    "lone_low_surrogate_in_event": b'{"event": "invitee.\\udc00created", "payload": {}}',
    "nesting_5000_deep": _deep(5000),
    "nesting_40_deep": _deep(40),
    "not_json": b"event=invitee.created&payload=x",
    "truncated_json": b'{"event": "invitee.created", "payload": {',
    "json_array": b'[{"event": "invitee.created"}]',
    "json_string": b'"invitee.created"',
    "json_null": b"null",
    "not_utf8": b'{"event": "invitee.created", "payload": {"name": "\xff\xfe"}}',
    "nan": b'{"event": "invitee.created", "payload": {"n": NaN}}',
    "number_out_of_range": b'{"event": "invitee.created", "payload": {"n": 1e400}}',
    "empty": b"",
}


@pytest.mark.parametrize("case", sorted(INVALID_BODIES))
def test_signed_body_postgresql_cannot_store_is_400_and_kept_as_bytes(doctor, case):
    body = INVALID_BODIES[case]
    response = post({}, body=body)
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["code"] == "payload_invalid" and answer["detail"]
    delivery = CalendlyDelivery.objects.get()
    assert str(delivery.pk) == answer["delivery"]
    assert bytes(delivery.raw_body) == body
    assert delivery.payload is None and delivery.outcome == CalendlyOutcome.INVALID
    assert delivery.error == answer["detail"]
    assert Appointment.objects.count() == 0 and Patient.objects.count() == 0


@pytest.mark.parametrize("case", ["nul_in_a_value", "lone_surrogate", "nesting_5000_deep", "not_json"])
def test_unsigned_invalid_body_is_still_401_and_not_stored(doctor, case):
    response = post({}, body=INVALID_BODIES[case], signature="")
    assert response.status_code == 401
    assert response.json()["code"] == "signature_invalid"
    assert CalendlyDelivery.objects.count() == 0


def test_a_valid_body_nested_a_few_levels_is_processed(doctor):
    payload = invitee(tracking={"a": {"b": {"c": {"d": [[["deep enough"]]]}}}})
    assert post(envelope("invitee.created", payload)).status_code == 200
    assert CalendlyDelivery.objects.get().outcome == CalendlyOutcome.PROCESSED


def test_payload_depth_limit_is_exact():
    nested: dict = {}
    for _level in range(calendly.MAX_PAYLOAD_DEPTH - 1):
        nested = {"x": nested}
    assert calendly.payload_parse(json.dumps(nested).encode()) == nested
    with pytest.raises(calendly.CalendlyPayloadRefused):
        calendly.payload_parse(json.dumps({"x": nested}).encode())


def test_invalid_delivery_replays_as_invalid(doctor):
    post({}, body=INVALID_BODIES["nul_in_a_value"])
    delivery = CalendlyDelivery.objects.get()
    client = APIClient()
    client.force_authenticate(UserFactory(role="reception", email="desk@x.example"))
    response = client.post(f"/api/v1/integrations/calendly/deliveries/{delivery.pk}/replay/")
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "invalid" and response.json()["payload"] is None
    listed = client.get("/api/v1/integrations/calendly/deliveries/?outcome=invalid")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    delivery.refresh_from_db()
    assert delivery.outcome == CalendlyOutcome.INVALID and delivery.attempts == 0


def test_admin_shows_an_invalid_delivery_as_received(doctor):
    from django.test import Client

    post({}, body=INVALID_BODIES["nul_in_a_value"])
    delivery = CalendlyDelivery.objects.get()
    reception = Client()
    reception.force_login(UserFactory(role="reception", email="desk@x.example"))
    page = reception.get(f"/admin/clinical/calendly-deliveries/inspect/{delivery.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Anna\\u0000" in text and "Rejouer cette notification" not in text
