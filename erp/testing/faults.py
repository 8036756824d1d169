"""Fault injection for the reliability tests: lose the PostgreSQL connection at a chosen statement.

``run_and_kill_midway`` runs a real service in a thread whose connection is paused just before the
first statement that matches a pattern (so everything before it is written inside the service's
transaction), kills that backend with ``pg_terminate_backend`` from the test's own connection,
then lets the statement go on against the dead connection.
"""

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, connections


@dataclass
class PauseBefore:
    """A ``connection.execute_wrapper`` that stops before the first statement matching ``pattern``."""

    pattern: str
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    backend_pid: int | None = None
    statements_before: list[str] = field(default_factory=list)

    def wrote_before(self, table: str) -> bool:
        """Whether an INSERT or UPDATE of ``table`` ran (in the doomed transaction) before the pause."""
        return any(re.match(rf'^(INSERT INTO|UPDATE) "{table}"', sql) for sql in self.statements_before)

    def __call__(self, execute, sql, params, many, context):
        if not self.reached.is_set():
            if re.search(self.pattern, sql, re.IGNORECASE):
                self.backend_pid = context["connection"].connection.info.backend_pid
                self.reached.set()
                if not self.release.wait(timeout=30):
                    raise RuntimeError("the test never released the paused statement")
            else:
                self.statements_before.append(sql)
        return execute(sql, params, many, context)


@dataclass
class KillOutcome:
    pause: PauseBefore
    result: object = None
    error: BaseException | None = None


def terminate_backend(pid: int) -> bool:
    """Kill a PostgreSQL backend from the calling thread's own connection, and wait until it is gone."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
        return bool(cursor.fetchone()[0])


def run_and_kill_midway(service: Callable[[], object], *, before: str) -> KillOutcome:
    """Run ``service`` in a thread, kill its backend just before the statement matching ``before``."""
    pause = PauseBefore(before)
    outcome = KillOutcome(pause=pause)

    def work():
        try:
            with connection.execute_wrapper(pause):
                outcome.result = service()
        except BaseException as exc:  # noqa: BLE001 - handed to the test, which asserts on it
            outcome.error = exc
        finally:
            pause.reached.set()  # the service failed before reaching the point: do not hang the test
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    assert pause.reached.wait(timeout=30), "the service never reached the statement to break"
    if pause.backend_pid is not None:
        assert terminate_backend(pause.backend_pid)
    pause.release.set()
    thread.join(timeout=30)
    assert not thread.is_alive()
    if pause.backend_pid is None:
        raise AssertionError(f"the service ended before a statement matching {before!r}: {outcome.error!r}")
    return outcome
