import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_check(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "DATABASE_URL": "sqlite:///:memory:", **env},
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
