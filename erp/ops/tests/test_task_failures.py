"""A failing huey task goes through the real execute path (what the consumer calls): retried with
doubling delays, then kept as a FailedTask that diagnostics show and retry_failed_tasks re-enqueues."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from huey.contrib.djhuey import HUEY
from rest_framework.test import APIClient

from erp.clinical import services
from erp.clinical.models import ClinicalPhoto
from erp.clinical.tasks import make_photo_thumbnail
from erp.clinical.tests.factories import PatientFactory, image_bytes, upload
from erp.core.tests.factories import UserFactory
from erp.ops.models import FailedTask
from erp.ops.queue import RETRIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_schedule():
    HUEY.flush()
    yield
    HUEY.flush()


def _due_retry():
    far = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(days=1)
    due = HUEY.read_schedule(far)
    assert len(due) == 1, due
    return due[0]


def test_failing_task_backs_off_then_is_kept_shown_and_re_enqueued(empty_schedule, django_capture_on_commit_callbacks):
    doctor = UserFactory(role="practitioner")
    patient = PatientFactory()
    services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    photo = services.clinical_photo_upload(patient=patient, upload=upload(image_bytes()), actor=doctor)
    clinical = storages["clinical"]
    original = clinical.open(photo.object_key, "rb").read()
    clinical.delete(photo.object_key)  # the thumbnail task cannot read the original

    task = make_photo_thumbnail.s(str(photo.pk))
    delays = []
    clock = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    for attempt in range(RETRIES + 1):
        requeued_at = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        HUEY.execute(task, timestamp=clock)  # what the consumer does when the task is due
        if attempt < RETRIES:
            assert not FailedTask.objects.exists()  # still being retried: not yet a failure
            task = _due_retry()
            delays.append(round((task.eta - requeued_at).total_seconds()))
            clock = task.eta
    assert delays == [10, 20, 40, 80, 160]
    assert HUEY.scheduled() == []

    failed = FailedTask.objects.get()
    assert failed.task_name == "erp.clinical.tasks.make_photo_thumbnail"
    assert failed.args_json == [str(photo.pk)]
    assert failed.attempts == RETRIES + 1
    assert failed.error.startswith("FileNotFoundError")

    admin = APIClient()
    admin.force_authenticate(UserFactory(roles=["admin"]))
    shown = admin.get("/ops/diagnostics").json()["failed_tasks"]
    assert shown["count"] == 1
    assert shown["latest"][0] | {"failed_at": None} == {
        "task_id": failed.task_id,
        "task": "erp.clinical.tasks.make_photo_thumbnail",
        "args": [str(photo.pk)],
        "kwargs": {},
        "error": failed.error,
        "attempts": 6,
        "failed_at": None,
    }

    # The cause is fixed (the original is back): the operator re-enqueues, the task succeeds.
    clinical.save(photo.object_key, ContentFile(original))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_failed_tasks")
    assert ClinicalPhoto.objects.get(pk=photo.pk).thumbnail_object_key
    failed.refresh_from_db()
    assert failed.retried_at is not None and failed.retried_as_task_id
    assert admin.get("/ops/diagnostics").json()["failed_tasks"]["count"] == 0
    # A second run finds nothing left to retry.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("retry_failed_tasks")
    assert callbacks == []
