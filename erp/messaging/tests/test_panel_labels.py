"""Issue 26's sweep of the messages panel (appointment and patient pages): the language by its
name, never its code, and times at the appointment location's clock."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from erp.clinical.agenda import services as agenda_services
from erp.clinical.tests.factories import PractitionerFactory
from erp.commerce.templatetags.commerce_format import at_location
from erp.core.tests.factories import UserFactory
from erp.messaging.models import Message, MessageKind
from erp.messaging.tests.utils import committed

pytestmark = pytest.mark.django_db


def test_panel_shows_the_language_name_and_the_locations_time(location, patient):
    location.timezone = "America/Montevideo"
    location.save()
    desk = UserFactory(role="reception", email="desk-panel@messages.example")
    day = timezone.localdate() + datetime.timedelta(days=5)
    start = datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=ZoneInfo("America/Montevideo"))
    with committed():
        appointment = agenda_services.appointment_create(
            data={
                "patient": patient, "practitioner": PractitionerFactory(), "location": location,
                "scheduled_start": start, "scheduled_end": start + datetime.timedelta(minutes=30),
            },
            actor=desk,
        )  # fmt: skip
    request = RequestFactory().get("/")
    request.user = desk
    html = Template("{% load messaging_admin %}{% messages_panel patient=patient %}").render(
        Context({"request": request, "patient": patient})
    )
    confirmation = Message.objects.get(appointment=appointment, kind=MessageKind.CONFIRMATION)
    assert re.search(r"<td[^>]*>\s*Français\s*</td>", html)
    assert not re.search(r"<td[^>]*>\s*fr\s*</td>", html)
    assert at_location(confirmation.slot_start, location).endswith("14:00") and at_location(
        confirmation.slot_start, location
    ) in html


def test_messages_list_shows_the_language_by_name(location, patient):
    from django.test import Client
    from django.urls import reverse

    desk = UserFactory(role="reception", email="desk-list@messages.example")
    start = timezone.now() + datetime.timedelta(days=5)
    with committed():
        agenda_services.appointment_create(
            data={
                "patient": patient, "practitioner": PractitionerFactory(), "location": location,
                "scheduled_start": start, "scheduled_end": start + datetime.timedelta(minutes=30),
            },
            actor=desk,
        )  # fmt: skip
    admin = UserFactory(role="admin", email="admin-list@messages.example")
    client = Client()
    client.force_login(admin)
    html = client.get(reverse("messaging_message:index")).content.decode()
    assert re.search(r"<td[^>]*>\s*Français\s*</td>", html)
    assert not re.search(r"<td[^>]*>\s*fr\s*</td>", html)
