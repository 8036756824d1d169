"""Demo data of the clinical records: referral sources and a few patients with encounters,
consents, photos (drawn by Pillow at seed time) and a document. Idempotent: patients are found
again by e-mail and nothing is added twice."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from erp.clinical import services
from erp.clinical.agenda import services as agenda_services
from erp.clinical.exceptions import AppointmentOverlap
from erp.clinical.models import Appointment, ClinicalPhoto, Encounter, Patient, PatientGuardian, ReferralSource
from erp.clinical.selectors import consent_is_granted
from erp.core.models import ClinicLocation, Practitioner, User

REFERRAL_SOURCES = {
    "instagram": "Instagram",
    "google_maps": "Google Maps",
    "friend": "Friend or family",
    "doctor": "Referred by a doctor",
    "walk_in": "Walk-in",
    "website": "Website",
    "other": "Other",
}

PATIENTS = [
    {
        "first_name": "Camille",
        "last_name": "Lefèvre",
        "email": "camille.lefevre@example.com",
        "phone": "06 12 34 56 78",
        "birth_date": datetime.date(1988, 3, 14),
        "sex": "female",
        "city": "Paris",
        "postal_code": "75011",
        "address_line1": "8 rue Oberkampf",
        "country_code": "FR",
        "preferred_language": "fr",
        "referral": "instagram",
        "consents": ["clinical_photos", "newsletter"],
        "encounter": ("medical_consult", "Eczema on both forearms", "Atopic dermatitis", "Emollients, topical steroid"),
        "photos": [("left forearm", "before", (196, 120, 110)), ("left forearm", "after", (214, 170, 150))],
    },
    {
        "first_name": "Анна",
        "last_name": "Смирнова",
        "email": "anna.smirnova@example.com",
        "phone": "+7 912 345-67-89",
        "birth_date": datetime.date(1995, 11, 2),
        "sex": "female",
        "city": "Lyon",
        "country_code": "FR",
        "preferred_language": "ru",
        "referral": "friend",
        "consents": ["clinical_photos"],
        "encounter": ("aesthetic_procedure", "Pigmentation on the cheeks", "Melasma", "Peel, sun protection"),
        "photos": [("face", "clinical", (205, 160, 140))],
    },
    {
        "first_name": "Արամ",
        "last_name": "Պետրոսյան",
        "email": "aram.petrosyan@example.com",
        "phone": "+374 77 123456",
        "birth_date": datetime.date(2012, 6, 21),
        "sex": "male",
        "city": "Paris",
        "country_code": "FR",
        "preferred_language": "hy",
        "referral": "doctor",
        "consents": [],
        "guardian": ("Լուսինե Պետրոսյան", "mother"),
        "encounter": ("follow_up", "Acne follow-up", None, None),
        "photos": [],
    },
]


def _photo_bytes(color: tuple[int, int, int], label: str) -> bytes:
    image = Image.new("RGB", (640, 480), color)
    draw = ImageDraw.Draw(image)
    draw.ellipse((220, 140, 420, 340), fill=tuple(max(c - 40, 0) for c in color))
    draw.text((20, 20), f"demo photo: {label}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def seed(out) -> None:
    for code, label in REFERRAL_SOURCES.items():
        ReferralSource.objects.update_or_create(code=code, defaults={"label": label, "is_active": True})

    doctor = User.objects.filter(email__iexact="doctor@clinic.test").first()
    practitioner = Practitioner.objects.filter(user=doctor).first() if doctor else None
    location = ClinicLocation.objects.order_by("name").first()
    for data in PATIENTS:
        data = dict(data)
        consents, photos = data.pop("consents"), data.pop("photos")
        encounter_data, guardian = data.pop("encounter"), data.pop("guardian", None)
        referral = ReferralSource.objects.get(code=data.pop("referral"))
        patient = Patient.all_objects.filter(email=data["email"]).first()
        if patient is None:
            patient = services.patient_create(data={**data, "referral_source": referral}, actor=doctor)
        if guardian:
            PatientGuardian.objects.get_or_create(
                patient=patient, full_name=guardian[0], defaults={"relationship": guardian[1]}
            )
        for consent_type in consents:
            if not consent_is_granted(patient, consent_type):
                services.consent_grant(patient=patient, consent_type=consent_type, actor=doctor)
        if not Encounter.all_objects.filter(patient=patient).exists():
            kind, complaint, assessment, plan = encounter_data
            encounter = services.encounter_create(
                data={
                    "patient": patient,
                    "practitioner": practitioner,
                    "location": location,
                    "type": kind,
                    "occurred_at": timezone.now() - datetime.timedelta(days=30),
                    "chief_complaint": complaint,
                    "assessment": assessment,
                    "plan": plan,
                },
                actor=doctor,
            )
            if assessment:
                services.encounter_finalize(encounter=encounter, actor=doctor)
        if photos and not ClinicalPhoto.all_objects.filter(patient=patient).exists():
            encounter = Encounter.objects.filter(patient=patient).first()
            for index, (area, kind, color) in enumerate(photos):
                photo = services.clinical_photo_upload(
                    patient=patient,
                    upload=SimpleUploadedFile("demo.jpg", _photo_bytes(color, f"{area} {kind}")),
                    metadata={
                        "body_area": area,
                        "photo_kind": kind,
                        "clinical_context": "baseline" if index == 0 else "follow_up",
                        "taken_at": timezone.now() - datetime.timedelta(days=30 - 20 * index),
                    },
                    encounter=encounter,
                    actor=doctor,
                )
                # Demo data should look finished without a running worker.
                services.clinical_photo_make_thumbnail(photo_id=photo.pk)
    appointments = _seed_agenda(practitioner, location, doctor)
    out(
        f"  clinical: {len(REFERRAL_SOURCES)} referral sources, {len(PATIENTS)} demo patients, "
        f"{appointments} demo appointments"
    )


def _seed_agenda(practitioner, location, actor) -> int:
    """One appointment per demo patient in the coming days (once per patient), the first one
    confirmed; the practitioner's calendar feed exists."""
    if practitioner is None:
        return 0
    agenda_services.calendar_feed_get(practitioner=practitioner)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for index, data in enumerate(PATIENTS):
        patient = Patient.objects.filter(email=data["email"]).first()
        if patient is None or Appointment.all_objects.filter(patient=patient).exists():
            continue
        start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(9 + index, 0)))
        try:
            appointment = agenda_services.appointment_create(
                data={
                    "patient": patient,
                    "practitioner": practitioner,
                    "location": location,
                    "scheduled_start": start,
                    "scheduled_end": start + datetime.timedelta(minutes=30),
                    "notes": "Demo appointment",
                },
                actor=actor,
            )
        except AppointmentOverlap:
            continue  # the slot is taken by a real booking: leave it alone
        if index == 0:
            agenda_services.appointment_confirm(appointment=appointment, actor=actor)
    return Appointment.objects.filter(notes="Demo appointment").count()
