"""Background work of the clinical records (huey)."""

from erp.ops.queue import clinic_task


@clinic_task()
def make_photo_thumbnail(photo_id: str) -> None:
    from erp.clinical.services import clinical_photo_make_thumbnail

    clinical_photo_make_thumbnail(photo_id=photo_id)


from erp.clinical.imports.tasks import import_job_run_task  # noqa: E402, F401 - registered with the queue
