"""Domain operations of an import job: upload, choose the columns, queue a dry or a real run, and
the run itself (called by the huey task, or directly by the management commands).

A run reads the stored file again and handles each row on its own (``resources``): a real run
writes each row in its own transaction through the clinical services, so a row refused by a rule
never stops the others, and a run cut short (a worker killed) is simply run again: the rows it
already imported are found again and created nothing new.
"""

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from erp.clinical.exceptions import ImportMappingInvalid, ImportRunRefused
from erp.clinical.imports.fields import mapping_check, mapping_propose
from erp.clinical.imports.resources import RowResult, mapped_values, rows_for
from erp.clinical.imports.tables import file_format, json_safe, read_table, table_rows
from erp.clinical.models import ImportJob, ImportKind, ImportOutcome, ImportRowIssue, ImportStatus
from erp.core.exceptions import StorageUnavailable
from erp.core.locking import advisory_session_lock_or_skip, lock_row
from erp.core.models import settings_read_once
from erp.core.storage import STORAGE_ERRORS, bucket, storage_discard, storage_save
from erp.ops.audit import audit_record

logger = logging.getLogger(__name__)

IMPORT_BUCKET = "documents"
# Namespace of the session locks that keep one worker per job ("impt").
IMPORT_RUN_LOCK_NAMESPACE = 0x696D7074
# Progress is written every this many rows (and at the end).
PROGRESS_EVERY = 25
PREVIEW_ROWS = 10

COUNTERS = {
    ImportOutcome.CREATED: "created_count",
    ImportOutcome.EXISTING: "existing_count",
    ImportOutcome.DUPLICATE: "duplicate_count",
    ImportOutcome.REJECTED: "rejected_count",
}


def import_job_create(
    *, kind: str, filename: str, data: bytes, actor, mapping: dict[str, str] | None = None
) -> ImportJob:
    """Store an upload (private ``documents`` storage) as a new job, with the column mapping
    proposed from its header names (or ``mapping`` when given: it is checked)."""
    if kind not in ImportKind.values:
        raise ImportMappingInvalid(_("Choose patients or appointments."), code="import_kind_invalid", field="kind")
    fmt = file_format(filename, data)
    dataset = read_table(data, fmt)
    headers = list(dataset.headers)
    chosen = mapping_check(kind, headers, mapping) if mapping else mapping_propose(kind, headers)
    job_id = uuid.uuid4()
    key = storage_save(IMPORT_BUCKET, f"imports/{job_id}.{fmt}", data)
    try:
        with transaction.atomic():
            job = ImportJob(
                id=job_id,
                kind=kind,
                original_filename=filename[-255:],
                file_format=fmt,
                file_size=len(data),
                storage_bucket=IMPORT_BUCKET,
                object_key=key,
                headers=headers,
                mapping=chosen,
                total_rows=dataset.height,
                created_by=actor,
            )
            job.save()
            audit_record(
                actor=actor,
                action="create",
                entity=job,
                metadata={"kind": kind, "file": job.original_filename, "rows": job.total_rows},
            )
    except BaseException:
        storage_discard(IMPORT_BUCKET, key)
        raise
    return job


def _lock_job(job: ImportJob) -> ImportJob:
    return lock_row(ImportJob.objects, pk=job.pk)


def import_job_map(*, job: ImportJob, mapping: dict[str, str], actor) -> ImportJob:
    """Choose the columns; a changed mapping needs a new dry run before the real one."""
    with transaction.atomic():
        locked = _lock_job(job)
        if locked.is_busy:
            raise ImportRunRefused(_("The import is running: wait for it to end."), code="import_busy")
        cleaned = mapping_check(locked.kind, locked.headers, mapping)
        if cleaned != locked.mapping:
            locked.mapping = cleaned
            locked.save(update_fields=["mapping", "updated_at"])
            audit_record(actor=actor, action="update", entity=locked, metadata={"mapping": cleaned})
    return locked


def import_job_start(
    *, job: ImportJob, dry_run: bool, actor, checked_first: bool = True, enqueue: bool = True
) -> ImportJob:
    """Queue a run. A dry run is always possible; the real run only after a dry run of the
    current mapping (unless ``checked_first`` is False: a script that reads the counts itself),
    and only once (a second request while it waits or runs is refused). ``enqueue=False``: the
    caller runs it itself (``import_job_execute``)."""
    from erp.clinical.imports.tasks import import_job_run_task

    with transaction.atomic():
        locked = _lock_job(job)
        if locked.is_busy:
            raise ImportRunRefused(_("The import is already waiting or running."), code="import_busy")
        if locked.status == ImportStatus.DONE:
            raise ImportRunRefused(_("This file was already imported."), code="import_already_done")
        mapping_check(locked.kind, locked.headers, locked.mapping)
        if not dry_run and checked_first and locked.checked_mapping != locked.mapping:
            raise ImportRunRefused(
                _("Run a dry run of these columns first, and read its report."), code="import_dry_run_required"
            )
        locked.status = ImportStatus.QUEUED
        locked.dry_run = dry_run
        locked.queued_at = timezone.now()
        locked.error = None
        locked.save(update_fields=["status", "dry_run", "queued_at", "error", "updated_at"])
        audit_record(actor=actor, action="update", entity=locked, metadata={"run": "dry_run" if dry_run else "import"})
        if enqueue:
            job_id = str(locked.pk)
            transaction.on_commit(lambda: import_job_run_task(job_id))
    return locked


def import_job_read_rows(job: ImportJob):
    """The rows of the job's stored file (a file store that is down: 503, nothing done)."""
    try:
        with bucket(job.storage_bucket).open(job.object_key, "rb") as handle:
            data = handle.read()
    except STORAGE_ERRORS as exc:
        raise StorageUnavailable(_("The file store is not answering: try again in a moment.")) from exc
    return table_rows(read_table(data, job.file_format))


def import_job_preview(*, job: ImportJob, limit: int = PREVIEW_ROWS) -> list[dict[str, Any]]:
    """The first rows as the current mapping reads them, each with what a run would do (nothing
    is written)."""
    rows = rows_for(job.kind, dry_run=True, actor=None, job=job)
    preview = []
    with settings_read_once():
        for number, values in import_job_read_rows(job):
            if len(preview) >= limit:
                break
            result = rows.process(number, mapped_values(job.mapping, values))
            preview.append({"row_number": number, "values": json_safe(values), "result": result})
    return preview


def _issue(job: ImportJob, number: int, values: dict[str, Any], result: RowResult) -> ImportRowIssue:
    return ImportRowIssue(
        job=job,
        row_number=number,
        outcome=result.outcome,
        code=result.code,
        field=result.field,
        message=result.message,
        matched_id=result.matched_id,
        values=json_safe(values),
    )


def _progress(job: ImportJob, counts: dict[str, int], processed: int, issues: list[ImportRowIssue]) -> None:
    with transaction.atomic():
        ImportRowIssue.objects.bulk_create(issues)
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed, updated_at=timezone.now(), **counts)
    issues.clear()


def import_job_execute(*, job_id, actor=None, on_row: Callable[[int], None] | None = None) -> ImportJob:
    """Run a queued job: every row, its progress and counts written as it goes, its refused rows
    kept for the report. Another worker already running the job makes this call return at once;
    a job left ``running`` by a killed worker is run again from the start (nothing is made twice)."""
    with advisory_session_lock_or_skip(IMPORT_RUN_LOCK_NAMESPACE, str(job_id)) as mine:
        job = ImportJob.objects.get(pk=job_id)
        if not mine or not job.is_busy:
            return job
        with transaction.atomic():
            job = _lock_job(job)
            job.status, job.started_at, job.finished_at = ImportStatus.RUNNING, timezone.now(), None
            job.processed_rows = 0
            for name in COUNTERS.values():
                setattr(job, name, 0)
            job.save()
            job.issues.all().delete()
        actor = actor or job.created_by
        counts = dict.fromkeys(COUNTERS.values(), 0)
        issues: list[ImportRowIssue] = []
        processed = 0
        try:
            with settings_read_once():
                rows = rows_for(job.kind, dry_run=job.dry_run, actor=actor, job=job)
                for number, values in import_job_read_rows(job):
                    result = rows.process(number, mapped_values(job.mapping, values))
                    counts[COUNTERS[result.outcome]] += 1
                    if result.outcome in (ImportOutcome.DUPLICATE, ImportOutcome.REJECTED):
                        issues.append(_issue(job, number, values, result))
                    processed += 1
                    if processed % PROGRESS_EVERY == 0:
                        _progress(job, counts, processed, issues)
                    if on_row is not None:
                        on_row(processed)
        except Exception as exc:  # the job says it failed; a new run may be started
            logger.exception("import %s failed at row %d", job.pk, processed + 2)
            _progress(job, counts, processed, issues)
            with transaction.atomic():
                job = _lock_job(job)
                job.status, job.finished_at, job.error = ImportStatus.FAILED, timezone.now(), str(exc)[:2000]
                job.save(update_fields=["status", "finished_at", "error", "updated_at"])
                audit_record(actor=actor, action="update", entity=job, metadata={"run": "failed", "error": job.error})
            return job
        _progress(job, counts, processed, issues)
        with transaction.atomic():
            job = _lock_job(job)
            job.status = ImportStatus.CHECKED if job.dry_run else ImportStatus.DONE
            job.finished_at = timezone.now()
            if job.dry_run:
                job.checked_mapping = job.mapping
            job.save(update_fields=["status", "finished_at", "checked_mapping", "updated_at"])
            audit_record(
                actor=actor,
                action="update",
                entity=job,
                metadata={"run": "dry_run" if job.dry_run else "import", "rows": processed, **counts},
            )
    return job


def import_job_report_rows(job: ImportJob):
    """The report's header and rows: each refused row, why, and its values as in the file."""
    header = [
        pgettext("import", "Row"),
        pgettext("import", "Outcome"),
        pgettext("import", "Field"),
        pgettext("import", "Reason"),
        pgettext("import", "Code"),
        pgettext("import", "Matching record"),
        *job.headers,
    ]
    outcomes = dict(ImportOutcome.choices)

    def rows():
        for issue in job.issues.order_by("row_number").iterator(chunk_size=500):
            yield [
                issue.row_number,
                outcomes.get(issue.outcome, issue.outcome),
                issue.field,
                issue.message,
                issue.code,
                issue.matched_id or "",
                *(issue.values.get(h, "") for h in job.headers),
            ]

    return header, rows()


def import_job_report_audit(*, job: ImportJob, actor) -> None:
    """The report holds patients' data as typed in the file: downloading it is an audited export."""
    with transaction.atomic():
        audit_record(actor=actor, action="export", entity=job, metadata={"report_rows": job.issues.count()})
