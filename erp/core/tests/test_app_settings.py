"""The clinic's settings are read once a request (``SettingsMiddleware``), every time elsewhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from erp.clinical.tests.factories import PatientFactory
from erp.core.models import AppSettings, settings_read_once
from erp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def settings_reads(queries) -> int:
    return sum(q["sql"].startswith('SELECT "core_appsettings"') for q in queries.captured_queries)


@pytest.fixture(autouse=True)
def clinic_settings():
    return AppSettings.load()  # the row exists (made by the demo seed or the first read)


def test_a_phone_search_reads_the_settings_once_and_a_new_request_reads_them_again():
    PatientFactory(first_name="Léa", last_name="Martin", phone="06 12 34 56 78")
    client = APIClient()
    client.force_authenticate(UserFactory(is_superuser=True))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/patients/", {"q": "06 12"}).json()["count"] == 1  # French: +33 6 12
    assert settings_reads(queries) == 1  # the filter and the ranking both need the country
    AppSettings.objects.update(default_country_code="BE")
    assert client.get("/api/v1/patients/", {"q": "06 12"}).json()["count"] == 0  # Belgian: +32 6 12


def test_inside_a_request_a_saved_change_is_what_is_read_next():
    with settings_read_once():
        with CaptureQueriesContext(connection) as queries:
            first = AppSettings.load()
            assert AppSettings.load() is first
        assert settings_reads(queries) == 1
        changed = AppSettings.objects.get()
        changed.default_country_code = "AM"
        changed.save()
        assert AppSettings.load().default_country_code == "AM"
    AppSettings.objects.update(default_country_code="ES")
    assert AppSettings.load().default_country_code == "ES"  # outside a request: read each time
