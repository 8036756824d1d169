"""Checks of every dependency the platform needs, each named, timed and never raising."""

import platform
import time
import uuid
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from erp.core.storage import BUCKETS, bucket


def _timed(check: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    try:
        result = {"ok": True, **check()}
    except Exception as exc:  # a diagnostic reports every failure instead of raising it
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    unapplied = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    if unapplied:
        raise RuntimeError(f"{len(unapplied)} unapplied migration(s): {', '.join(unapplied[:10])}")
    return {"vendor": connection.vendor, "unapplied_migrations": 0}


def check_bucket(name: str) -> dict:
    storage = bucket(name)
    payload = uuid.uuid4().hex.encode()
    key = storage.save(f"_diagnostics/{uuid.uuid4()}.txt", ContentFile(payload))
    try:
        with storage.open(key, "rb") as handle:
            if handle.read() != payload:
                raise RuntimeError("read back different bytes")
    finally:
        storage.delete(key)
    return {"backend": type(storage).__name__}


def check_queue() -> dict:
    from huey.contrib.djhuey import HUEY

    return {"backend": type(HUEY).__name__, "pending": HUEY.pending_count(), "immediate": HUEY.immediate}


# Diagnostics recompute the latest entries of the audit chain on each call (bounded time however
# long the trail); ``manage.py verify_audit_chain`` recomputes it end to end.
AUDIT_CHAIN_TAIL = 10_000


def check_audit_chain() -> dict:
    """The audit log's latest hash-chain links recomputed; a broken one names its first bad entry."""
    from erp.ops.audit import audit_chain_verify

    report = audit_chain_verify(last=AUDIT_CHAIN_TAIL)
    if not report.ok:
        raise RuntimeError(
            f"broken at entry #{report.first_broken_sequence} ({report.first_broken_id}): {report.reason}"
        )
    return {"entries_checked": report.entries_checked}


def _failed_tasks() -> dict:
    from erp.ops.queue import failed_tasks_summary

    try:
        return failed_tasks_summary()
    except Exception as exc:  # a diagnostic reports every failure instead of raising it
        return {"error": f"{type(exc).__name__}: {exc}"[:500]}


def _patient_messages() -> dict:
    from erp.messaging.selectors import messages_health

    try:
        return messages_health()
    except Exception as exc:  # a diagnostic reports every failure instead of raising it
        return {"error": f"{type(exc).__name__}: {exc}"[:500]}


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def run_diagnostics() -> dict:
    checks = {"database": _timed(check_database)}
    for name in BUCKETS:
        checks[f"bucket:{name}"] = _timed(lambda name=name: check_bucket(name))
    checks["queue"] = _timed(check_queue)
    checks["audit_chain"] = _timed(check_audit_chain)
    failing = [name for name, result in checks.items() if not result["ok"]]
    return {
        "status": "fail" if failing else "ok",
        "failing": failing,
        "checks": checks,
        # Tasks whose retries are used up: a warning for operators, not a readiness failure.
        "failed_tasks": _failed_tasks(),
        # Patient messages that failed, and claimed ones a worker never finished (it stopped).
        "patient_messages": _patient_messages(),
        "versions": {
            "python": platform.python_version(),
            **{pkg: _package_version(pkg) for pkg in ("django", "wagtail", "djangorestframework", "huey", "psycopg")},
        },
        "languages": [code for code, _name in settings.LANGUAGES],
        "default_language": settings.LANGUAGE_CODE,
    }
