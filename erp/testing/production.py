"""Production settings in a child process: the environment and the URL of this test run's database."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

# A PostgreSQL URL for settings that are only read, never connected (nothing listens on port 1).
UNREACHABLE_DATABASE_URL = "postgres://clinic@127.0.0.1:1/clinic"


def production_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "clinic.example",
        "WAGTAILADMIN_BASE_URL": "https://clinic.example",
        "DJANGO_SETTINGS_MODULE": "site.settings.base",
        # Production requires a PostgreSQL URL; a child that only reads the settings never connects.
        "DATABASE_URL": UNREACHABLE_DATABASE_URL,
    }
    return env


def database_url(db: dict) -> str:
    """A ``DATABASE_URL`` for a child process reaching the same database as ``db`` (a connection's
    ``settings_dict``): a TCP host and port, or the socket folder of the embedded PostgreSQL (which
    ``dj_database_url`` puts in ``OPTIONS["host"]``), carried percent-encoded in the host part."""
    host = db["HOST"] or db.get("OPTIONS", {}).get("host") or "127.0.0.1"
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    address = quote(host, safe="") if host.startswith("/") else host
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{address}{port}/{quote(db['NAME'], safe='')}"


def production_subprocess_env() -> dict:
    """Production settings in a child process, on this test run's database (its migration data
    committed): with the PostgreSQL service (TCP) or the embedded one (a unix socket)."""
    from django.db import connection

    return production_env() | {"DATABASE_URL": database_url(connection.settings_dict)}


def run_python(script: str, *args: str, env: dict, cwd: Path | None = None, isolated: bool = False) -> dict:
    """Run ``script`` in a fresh interpreter (in the project's folder unless ``cwd``); its last line
    of output is JSON."""
    from django.conf import settings

    command = [sys.executable, *(["-I"] if isolated else []), "-c", script, *args]
    result = subprocess.run(  # noqa: S603 - this interpreter, the test's own script
        command, cwd=cwd or settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
