"""Settings of the test suite: tasks run immediately, fast hashing.

The database is the one of development (``site.settings.base``): ``DATABASE_URL`` when set,
otherwise the embedded PostgreSQL under ``var/pgdata``, shared by every test process; each
creates its own test database there.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "1")

from site.settings.base import *  # noqa: E402,F403
from site.settings.base import bucket_storages  # noqa: E402

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "clinic_test")}  # noqa: F405

# pytest-django turns DEBUG off; documents are issued as in development (the refusal of an
# incomplete seller has its own tests).
SELLER_IDENTITY_REQUIRED = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Files of a test run go to a temporary folder; S3 tests switch to the moto server by fixture.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="clinic-media-"))
STORAGES = {
    **bucket_storages("", MEDIA_ROOT),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STORAGES["default"] = STORAGES["marketing"]
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "erp.testing"]  # noqa: F405
