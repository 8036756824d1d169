import os
import subprocess
import sys
from pathlib import Path

from erp.testing.production import UNREACHABLE_DATABASE_URL

ROOT = Path(__file__).resolve().parents[3]


def run_check(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "DATABASE_URL": UNREACHABLE_DATABASE_URL, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_check(DEBUG="0", ALLOWED_HOSTS="clinic.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_settings_start_with_a_secret_key():
    result = run_check(
        DEBUG="0", ALLOWED_HOSTS="clinic.example", SECRET_KEY="x" * 50, WAGTAILADMIN_BASE_URL="https://clinic.example"
    )
    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_to_start_without_a_database_url():
    result = run_check(
        DEBUG="0", ALLOWED_HOSTS="clinic.example", SECRET_KEY="x" * 50, WAGTAILADMIN_BASE_URL="https://clinic.example",
        DATABASE_URL="",
    )  # fmt: skip
    assert result.returncode != 0
    assert "DATABASE_URL must be set when DEBUG is off" in result.stderr


def test_settings_refuse_a_database_that_is_not_postgresql():
    result = run_check(DEBUG="1", DATABASE_URL="sqlite:///var/db.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_URL must be a postgres:// URL" in result.stderr
