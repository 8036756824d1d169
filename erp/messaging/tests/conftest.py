import datetime

import pytest

from erp.clinical.tests.factories import LocationFactory, PatientFactory
from erp.core.models import AppSettings
from erp.messaging.models import ReminderSettings


@pytest.fixture
def location(db):
    """The default location, without quiet hours unless a test sets them (tests run at any hour)."""
    place = LocationFactory(name="Clinique Opéra", address_line1="12 rue Auber", postal_code="75009", city="Paris")
    ReminderSettings.objects.create(
        location=place, quiet_hours_start=datetime.time(0, 0), quiet_hours_end=datetime.time(0, 0)
    )
    app_settings = AppSettings.load()
    app_settings.default_location = place
    app_settings.save()
    return place


@pytest.fixture
def patient(db):
    return PatientFactory(
        first_name="Jeanne", last_name="Durand", email="jeanne@example.org", phone="+33612345678",
        preferred_language="fr", preferred_contact_method="email",
    )
