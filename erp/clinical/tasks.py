"""Background work of the clinical records (huey)."""

from huey.contrib.djhuey import db_task

from erp.ops.audit import audited_task


@db_task(retries=3, retry_delay=30)
@audited_task
def make_photo_thumbnail(photo_id: str) -> None:
    from .services import clinical_photo_make_thumbnail

    clinical_photo_make_thumbnail(photo_id=photo_id)
