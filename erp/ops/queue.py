"""Every huey task of the platform is declared here: retried with exponential back-off, and, once
its retries are used up, kept as a ``FailedTask`` row that diagnostics show and an operator can
re-enqueue. A failed task is never only a line in a log.
"""

import json
import logging
import traceback as tb
from typing import Any

from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.signals import SIGNAL_ERROR

from erp.core.locking import lock_row
from erp.ops.audit import audited_task

logger = logging.getLogger(__name__)

# 10 s, 20 s, 40 s, 80 s, 160 s: a bucket or the database that blinks for a few minutes is waited for.
RETRIES = 5
RETRY_DELAY = 10
RETRY_BACKOFF = 2
# A periodic task runs again at its next tick anyway: fewer retries.
PERIODIC_RETRIES = 2


def clinic_task(*, retries: int = RETRIES, retry_delay: int = RETRY_DELAY, retry_backoff: float = RETRY_BACKOFF,
                **settings):
    """``db_task`` with the platform's retry policy (huey doubles ``retry_delay`` after each try);
    the audit entries the task writes name it (``audited_task``)."""
    queued = db_task(retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff, **settings)
    return lambda func: queued(audited_task(func))


def clinic_periodic_task(validate_datetime, *, retries: int = PERIODIC_RETRIES, retry_delay: int = RETRY_DELAY,
                         retry_backoff: float = RETRY_BACKOFF, **settings):
    queued = db_periodic_task(
        validate_datetime, retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff, **settings
    )
    return lambda func: queued(audited_task(func))


def _task_name(task) -> str:
    return HUEY._registry.task_to_string(type(task))


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


@HUEY.signal(SIGNAL_ERROR)
def task_failure_record(signal, task, exc=None) -> None:
    """Huey calls this after each failed try; the last one (no retries left) is persisted."""
    if task.retries:
        return  # huey requeues it with the next, longer delay
    from erp.ops.models import FailedTask

    try:
        with transaction.atomic():
            FailedTask.objects.update_or_create(
                task_id=task.id,
                defaults={
                    "task_name": _task_name(task),
                    "args_json": _json_safe(list(task.args)),
                    "kwargs_json": _json_safe(task.kwargs),
                    "error": f"{type(exc).__name__}: {exc}"[:2000] if exc else "unknown error",
                    "traceback": "".join(tb.format_exception(exc))[-10000:] if exc else "",
                    "attempts": getattr(task, "default_retries", 0) + 1,
                    "failed_at": timezone.now(),
                },
            )
    except Exception:  # the queue must go on; the log still says which task failed
        logger.exception("could not record the failure of task %s %s", _task_name(task), task.id)


def failed_task_retry(*, failed) -> str:
    """Put a failed task back on the queue with its arguments (and a fresh set of retries)."""
    from erp.ops.models import FailedTask

    with transaction.atomic():
        failed = lock_row(FailedTask.objects, pk=failed.pk)
        if failed.retried_at is not None:
            return failed.retried_as_task_id
        task_class = HUEY._registry.string_to_task(failed.task_name)
        task = task_class(args=tuple(failed.args_json), kwargs=dict(failed.kwargs_json))
        failed.retried_at = timezone.now()
        failed.retried_as_task_id = task.id
        failed.save(update_fields=["retried_at", "retried_as_task_id"])
        transaction.on_commit(lambda: HUEY.enqueue(task))
    return task.id


def failed_tasks_summary(limit: int = 10) -> dict:
    """What diagnostics show: how many failed tasks wait for an operator, and the latest ones."""
    from erp.ops.models import FailedTask

    waiting = FailedTask.objects.filter(retried_at__isnull=True)
    return {
        "count": waiting.count(),
        "latest": [
            {
                "task_id": f.task_id,
                "task": f.task_name,
                "args": f.args_json,
                "kwargs": f.kwargs_json,
                "error": f.error,
                "attempts": f.attempts,
                "failed_at": f.failed_at.isoformat(),
            }
            for f in waiting.order_by("-failed_at")[:limit]
        ],
    }
