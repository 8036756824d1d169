"""The dashboards' reads: "today" is each location's own day."""

import datetime
import zoneinfo

import pytest

from erp.clinical.models import AppointmentStatus
from erp.core.tests.factories import UserFactory
from erp.workspace import selectors
from erp.workspace.tests.fixtures import appointment, clinic_people

pytestmark = pytest.mark.django_db

PARIS, YEREVAN = zoneinfo.ZoneInfo("Europe/Paris"), zoneinfo.ZoneInfo("Asia/Yerevan")


def test_today_is_each_locations_own_day_and_times_are_its_wall_clock():
    people = clinic_people()
    camille, anna, lucas, sofia, hugo = people.patients[:5]
    # 21:30 UTC: 23:30 on the 15th in Paris, already 01:30 on the 16th in Yerevan.
    now = datetime.datetime(2026, 6, 15, 21, 30, tzinfo=datetime.UTC)
    paris_tonight = appointment(
        camille, people.martin, people.paris, datetime.datetime(2026, 6, 15, 22, 0, tzinfo=PARIS)
    )
    paris_tomorrow = appointment(anna, people.martin, people.paris, datetime.datetime(2026, 6, 16, 9, 0, tzinfo=PARIS))
    yerevan_today = appointment(
        lucas, people.aram, people.yerevan, datetime.datetime(2026, 6, 16, 10, 0, tzinfo=YEREVAN)
    )
    yerevan_yesterday = appointment(
        sofia, people.aram, people.yerevan, datetime.datetime(2026, 6, 15, 23, 0, tzinfo=YEREVAN)
    )
    cancelled = appointment(
        hugo,
        people.martin,
        people.paris,
        datetime.datetime(2026, 6, 15, 20, 0, tzinfo=PARIS),
        status=AppointmentStatus.CANCELLED,
        cancellation_reason="Malade",
    )
    found = selectors.appointments_today(now=now)
    assert [a.pk for a in found] == [paris_tonight.pk, yerevan_today.pk]
    assert {paris_tomorrow.pk, yerevan_yesterday.pk, cancelled.pk}.isdisjoint(a.pk for a in found)
    by_pk = {a.pk: a for a in found}
    assert by_pk[paris_tonight.pk].local_start == datetime.datetime(2026, 6, 15, 22, 0)
    assert by_pk[yerevan_today.pk].local_start == datetime.datetime(2026, 6, 16, 10, 0)
    days = selectors.appointments_today_by_location(now=now)
    assert [(d.location.name, [a.pk for a in d.appointments]) for d in days] == [
        ("Erevan – Kentron", [yerevan_today.pk]),
        ("Paris – Opéra", [paris_tonight.pk]),
    ]
    assert [a.pk for a in selectors.appointments_today(now=now, practitioner=people.aram)] == [yerevan_today.pk]


def test_the_quick_search_of_the_dashboard_finds_a_patient(client):

    clinic_people()
    client.force_login(UserFactory(role="reception", email="desk@clinic.test"))
    html = client.get("/admin/clinical/patients/", {"q": "Durand"}).content.decode()
    assert "DURAND" in html and "IVANOVA" not in html
