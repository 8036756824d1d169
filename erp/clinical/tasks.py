"""Background work of the clinical records (huey)."""

from huey import crontab

from erp.ops.queue import clinic_periodic_task, clinic_task


@clinic_task()
def make_photo_thumbnail(photo_id: str) -> None:
    from .services import clinical_photo_make_thumbnail

    clinical_photo_make_thumbnail(photo_id=photo_id)


@clinic_periodic_task(crontab(minute="7"))
def search_counts_fold_task() -> None:
    """Hourly: a prefix's count stays one row to read plus the hour's deltas."""
    from .services import search_counts_fold

    search_counts_fold()


from .imports.tasks import import_job_run_task  # noqa: E402, F401 - registered with the queue
