import io
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from erp.clinical import models
from erp.core.models import ClinicLocation, Practitioner
from erp.core.tests.factories import UserFactory


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Patient

    first_name = factory.Sequence(lambda n: f"Jeanne{n}")
    last_name = "Durand"
    country_code = "FR"


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PatientGuardian

    patient = factory.SubFactory(PatientFactory)
    full_name = "Paul Durand"
    relationship = "father"


class EncounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Encounter

    patient = factory.SubFactory(PatientFactory)
    type = models.EncounterType.MEDICAL_CONSULT
    occurred_at = factory.LazyFunction(timezone.now)
    chief_complaint = "Eczema on the forearm"


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 120, 90), exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicLocation

    name = factory.Sequence(lambda n: f"Clinique {n}")
    city = "Paris"


class PractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practitioner

    user = factory.LazyAttributeSequence(
        lambda o, n: UserFactory(role="practitioner", email=f"doctor{n}@clinic.example")
    )
    display_name = factory.Sequence(lambda n: f"Dr Martin {n}")


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Appointment

    patient = factory.SubFactory(PatientFactory)
    practitioner = factory.SubFactory(PractitionerFactory)
    scheduled_start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    scheduled_end = factory.LazyAttribute(lambda o: o.scheduled_start + timedelta(minutes=30))
