"""The seeded world the access matrix and mass-assignment tests share."""

import uuid
from contextlib import contextmanager
from importlib import import_module

import boto3
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from cms.website.roles import grant_marketing_wagtail_permissions
from erp.clinical import services as clinical_services
from erp.clinical.models import ClinicalPhoto, DocumentKind, Encounter, Patient
from erp.clinical.tests.factories import PDF_BYTES
from erp.core import access
from erp.core.models import User
from erp.distribution.models import Distributor, Order, OrderStatus, PointOfSale

VISITOR = access.ANONYMOUS


@contextmanager
def module_buckets(s3_server):
    """``s3_buckets`` for a whole module: fresh buckets of the moto server, the storages on them."""
    from site.settings.base import bucket_storages

    suffix = uuid.uuid4().hex[:8]
    names = {alias: f"{alias}-{suffix}" for alias in ("clinical", "documents", "marketing")}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("S3_ACCESS_KEY_ID", "testing")
        patch.setenv("S3_SECRET_ACCESS_KEY", "testing")
        client = boto3.client(
            "s3", endpoint_url=s3_server, aws_access_key_id="testing", aws_secret_access_key="testing",
            region_name="us-east-1",
        )  # fmt: skip
        for name in names.values():
            client.create_bucket(Bucket=name)
        patch.setattr("site.settings.base.BUCKET_NAMES", names)
        storages = bucket_storages(s3_server, settings.MEDIA_ROOT)
        with override_settings(
            BUCKET_NAMES=names, STORAGES={**settings.STORAGES, **storages, "default": storages["marketing"]}
        ):
            yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, s3_server):
    """The demo data of the ERP apps, one user per role, a document of each kind, a victim user.

    Built once per module inside a transaction that is rolled back at the module's end; each test
    runs in its own savepoint as usual. The website's demo content is left out (it takes ~30 s and
    the walk needs no page of it).
    """
    with django_db_blocker.unblock(), module_buckets(s3_server), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world():
    for app in ("core", "clinical", "commerce", "social", "distribution"):
        import_module(f"erp.{app}.seed").seed(lambda line: None)
    grant_marketing_wagtail_permissions()  # as after migrate (a reused test database may lack them)
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
