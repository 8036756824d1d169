"""The background run of an import (huey)."""

from erp.ops.queue import clinic_task


@clinic_task(retries=0)
def import_job_run_task(job_id: str) -> None:
    """Run a queued import job; a failure is kept on the job (status ``failed``, its error), where
    the person who started it sees it, and a new run may be started."""
    from erp.clinical.imports.services import import_job_execute

    import_job_execute(job_id=job_id)
