"""The seeded world the access matrix and mass-assignment tests share."""

from importlib import import_module

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from erp.clinical import services as clinical_services
from erp.clinical.models import ClinicalPhoto, DocumentKind, Encounter, Patient
from erp.clinical.tests.factories import PDF_BYTES
from erp.core import access
from erp.core.models import User
from erp.distribution.models import Distributor, Order, OrderStatus, PointOfSale

VISITOR = access.ANONYMOUS


@pytest.fixture
def world(s3_buckets):
    """The demo data of the ERP apps, one user per role, a document of each kind, a victim user.

    The website's demo content is left out (it takes ~30 s and the walk needs no page of it).
    """
    for app in ("core", "clinical", "commerce", "social", "distribution"):
        import_module(f"erp.{app}.seed").seed(lambda line: None)
    users = {role: User.objects.filter(groups__name=role).order_by("created_at").first() for role in access.ROLES}
    assert all(users.values()), users
    practitioner = users[access.PRACTITIONER]
    patient = Patient.objects.filter(is_merged=False).order_by("created_at").first()
    encounter = Encounter.objects.filter(patient=patient).first() or Encounter.objects.first()
    patient = encounter.patient
    consent_copy = clinical_services.document_upload(
        patient=patient,
        upload=SimpleUploadedFile("consent.pdf", PDF_BYTES, "application/pdf"),
        kind=DocumentKind.CONSENT_COPY,
        title="Signed consent",
        actor=practitioner,
    )
    lab_result = clinical_services.document_upload(
        patient=patient,
        upload=SimpleUploadedFile("lab.pdf", PDF_BYTES, "application/pdf"),
        kind=DocumentKind.LAB_RESULT,
        title="Biopsy",
        encounter=encounter,
        actor=practitioner,
    )
    own = Distributor.objects.get(members__user=users[access.DISTRIBUTOR])
    other = Distributor.objects.exclude(pk=own.pk).first()
    victim = User.objects.create_user(email="victim@clinic.test", first_name="Victor", last_name="Im")
    return {
        "users": users,
        "patient": patient,
        "encounter": encounter,
        "consent_copy": consent_copy,
        "lab_result": lab_result,
        "photo": ClinicalPhoto.objects.filter(patient=patient).first() or ClinicalPhoto.objects.first(),
        "own_distributor": own,
        "other_distributor": other,
        "own_order": Order.objects.filter(distributor=own, status=OrderStatus.CREATED).first(),
        "other_order": Order.objects.filter(distributor=other).order_by("created_on_utc").first(),
        "own_point_of_sale": PointOfSale.objects.filter(distributors=own).first(),
        "victim": victim,
    }


def client_for(world, role):
    client = APIClient()
    if role != VISITOR:
        client.force_authenticate(world["users"][role])
    return client
