"""``WAGTAILADMIN_BASE_URL`` comes from the environment and is required and checked when DEBUG is off."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from erp.testing.production import UNREACHABLE_DATABASE_URL

SCRIPT = """
from erp.bootstrap import make_site_importable
make_site_importable()
from django.conf import settings
print(settings.WAGTAILADMIN_BASE_URL)
"""


def load_settings(**variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.pop("WAGTAILADMIN_BASE_URL", None)
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "clinic.example",
        "DJANGO_SETTINGS_MODULE": "site.settings.base",
        "DATABASE_URL": UNREACHABLE_DATABASE_URL,  # production requires one; never connected
        **variables,
    }
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_reads_the_admin_base_url_from_the_environment():
    loaded = load_settings(WAGTAILADMIN_BASE_URL="https://clinic.example/")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "https://clinic.example"


@pytest.mark.parametrize(
    ("variables", "complaint"),
    [
        ({}, "WAGTAILADMIN_BASE_URL must be set"),
        ({"WAGTAILADMIN_BASE_URL": "clinic.example"}, "must be a scheme and a host"),
        ({"WAGTAILADMIN_BASE_URL": "https://clinic.example/admin/"}, "must be a scheme and a host"),
        ({"WAGTAILADMIN_BASE_URL": "http://clinic.example"}, "must be an https:// URL"),
        ({"WAGTAILADMIN_BASE_URL": "https://elsewhere.example"}, "is not in ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_a_missing_or_wrong_admin_base_url(variables, complaint):
    loaded = load_settings(**variables)
    assert loaded.returncode != 0 and "ImproperlyConfigured" in loaded.stderr and complaint in loaded.stderr


def test_plain_http_is_accepted_when_the_https_redirect_is_off():
    loaded = load_settings(WAGTAILADMIN_BASE_URL="http://clinic.example", SECURE_SSL_REDIRECT="0")
    assert loaded.returncode == 0, loaded.stderr


def test_development_has_a_local_default():
    loaded = load_settings(DEBUG="1", ALLOWED_HOSTS=None)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "http://127.0.0.1:8000"
