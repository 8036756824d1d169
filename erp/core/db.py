"""Date-times read from PostgreSQL by psycopg's C loader.

Django reads every ``timestamptz`` with a subclass of psycopg's pure-Python loader, which it makes
to set the values' time zone (several times slower: bench/profiling.md, ninth pass). Where Django
wants UTC (``USE_TZ``, no ``TIME_ZONE`` for the database) and the session's time zone is UTC
(Django sets it when it connects), psycopg's C loader returns the same values with the same
``datetime.UTC``. Each new connection then reads with it; any other set-up keeps Django's loader.
"""

from datetime import UTC

from django.db.backends.signals import connection_created
from django.dispatch import receiver

try:
    import psycopg
    from psycopg.adapt import Loader
    from psycopg.pq import Format
except ImportError:  # pragma: no cover - psycopg 3 is in the requirements
    psycopg = None

TIMESTAMPTZ = "timestamptz"


def _c_loader():
    """psycopg's own (C) text loader of ``timestamptz``, or ``None`` without the C implementation."""
    if psycopg is None or psycopg.pq.__impl__ == "python":
        return None
    loader = psycopg.adapters.get_loader(psycopg.adapters.types[TIMESTAMPTZ].oid, Format.TEXT)
    return loader if loader.__module__.startswith("psycopg_") else None


C_LOADER = _c_loader()

if C_LOADER is not None:

    class UTCTimestamptzLoader(Loader):
        """The C loader of a UTC session. psycopg's C loaders cannot be subclassed: each instance
        reads with one of them, its bound ``load`` set on the instance so that psycopg calls it
        directly. ``timezone`` is what Django's cursors compare with the connection's time zone
        before registering their own loader (equal: they keep this one)."""

        timezone = UTC

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._c = C_LOADER(oid, context)
            self.load = self._c.load

        def load(self, data):  # replaced on each instance by the C loader's own
            return self._c.load(data)


def reads_utc(connection) -> bool:
    """Whether ``connection`` gives Django UTC date-times from a UTC session."""
    return (
        C_LOADER is not None
        and connection.timezone is UTC
        and connection.connection is not None
        and connection.connection.info.parameter_status("TimeZone") == "UTC"
    )


@receiver(connection_created)
def read_date_times_in_c(sender, connection, **kwargs):
    if reads_utc(connection):
        connection.connection.adapters.register_loader(TIMESTAMPTZ, UTCTimestamptzLoader)
