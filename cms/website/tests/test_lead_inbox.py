"""The leads inbox: the list (new first, status labels, message preview, filter), a lead's page
(message, tel:/mailto: links, page, date, actions) and the one-click status buttons."""

import re

import pytest

from cms.website.models import PublicLead
from cms.website.tests.factories import PublicLeadFactory
from erp.clinical.models import Patient
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog
from erp.workspace.tests.fixtures import clinic_leads

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_list_shows_new_leads_first_with_their_status_and_message(client):
    leads = clinic_leads()
    # The handled lead is the newest of all, yet comes after the new ones.
    PublicLead.objects.filter(pk=leads.handled.pk).update(created_at=leads.question.created_at)
    client.force_login(UserFactory(role="reception"))
    html = client.get("/admin/website/leads/").content.decode()
    body = text(html[html.index("<tbody") :])
    assert body.index("Juliette Roux") < body.index("Armen Sargsyan") < body.index("Marc Petit")
    assert "Nouvelle" in body or "Nouveau" in body
    assert "Traitée" in body or "Traité" in body
    assert "handled" not in body
    assert "je souhaiterais un rendez-vous pour un détatouage" in body  # the message, cut short
    assert "la semaine prochaine" not in body
    # A row opens the lead's page.
    assert f"/admin/website/leads/inspect/{leads.question.pk}/" in html


def test_the_list_filters_by_status(client):
    clinic_leads()
    client.force_login(UserFactory(role="reception"))
    body = text(client.get("/admin/website/leads/?status=handled").content.decode())
    assert "Marc Petit" in body and "Juliette Roux" not in body


def test_the_list_costs_the_same_with_more_leads(client, django_assert_max_num_queries):
    clinic_leads()
    client.force_login(UserFactory(role="reception"))
    client.get("/admin/website/leads/")
    with django_assert_max_num_queries(40) as before:
        client.get("/admin/website/leads/")
    PublicLeadFactory.create_batch(15)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get("/admin/website/leads/")


def test_a_lead_opens_on_its_message_and_ways_to_reach_the_person(client):
    leads = clinic_leads()
    client.force_login(UserFactory(role="reception"))
    html = client.get(f"/admin/website/leads/inspect/{leads.question.pk}/").content.decode()
    assert "détatouage au laser" in text(html) and "la semaine prochaine" in text(html)
    assert 'href="tel:+33612345678"' in html
    assert 'href="mailto:juliette.roux@example.test"' in html
    assert 'href="https://clinique.example/fr/soins/laser/"' in html
    assert "Demande de rendez-vous" in text(html) or "rendez-vous" in text(html)
    assert f'action="/admin/website/leads/status/{leads.question.pk}/"' in html
    assert re.findall(r'data-status="(\w+)"', html) == ["handled", "spam"]
    assert f'href="/admin/website/leads/convert/{leads.question.pk}/"' in html
    assert 'name="then" value="book"' in html


def test_status_button_goes_through_the_service_and_is_audited(client):
    lead = PublicLeadFactory(name="Lucie Martin")
    user = UserFactory(role="reception")
    client.force_login(user)
    response = client.post(f"/admin/website/leads/status/{lead.pk}/", {"status": "handled"})
    assert response.status_code == 302 and response["Location"] == f"/admin/website/leads/inspect/{lead.pk}/"
    lead.refresh_from_db()
    assert lead.status == "handled" and lead.handled_by == user and lead.handled_at is not None
    row = AuditLog.objects.get(entity_id=lead.pk)
    assert row.actor == user and row.metadata_json["status"] == ["new", "handled"]
    # Handled: the next click reopens it.
    html = client.get(f"/admin/website/leads/inspect/{lead.pk}/").content.decode()
    assert re.findall(r'data-status="(\w+)"', html) == ["new"]


def test_a_status_the_lead_cannot_take_changes_nothing(client):
    lead = PublicLeadFactory(status=PublicLead.Status.SPAM)
    client.force_login(UserFactory(role="reception"))
    client.post(f"/admin/website/leads/status/{lead.pk}/", {"status": "handled"})
    client.post(f"/admin/website/leads/status/{lead.pk}/", {"status": "archived"})
    lead.refresh_from_db()
    assert lead.status == "spam" and not AuditLog.objects.filter(entity_id=lead.pk).exists()


def test_roles_without_the_leads_cannot_change_a_status(client):
    lead = PublicLeadFactory()
    client.force_login(UserFactory(role="accounting"))
    response = client.post(f"/admin/website/leads/status/{lead.pk}/", {"status": "handled"})
    assert response.status_code in (302, 403) and "leads/inspect" not in response.get("Location", "")
    lead.refresh_from_db()
    assert lead.status == "new"


def test_create_patient_and_book_lands_on_the_booking_form_with_the_patient(client):
    leads = clinic_leads()
    client.force_login(UserFactory(role="reception"))
    response = client.post(f"/admin/website/leads/convert/{leads.question.pk}/", {"then": "book"})
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/clinical/appointments/new/?patient={patient.pk}"
    form = client.get(response["Location"]).content.decode()
    assert str(patient.pk) in form and "ROUX Juliette" in text(form)
    # The lead now books directly, and opens its patient.
    html = client.get(f"/admin/website/leads/inspect/{leads.question.pk}/").content.decode()
    assert f'href="/admin/clinical/appointments/new/?patient={patient.pk}"' in html
    assert f'href="/admin/clinical/patients/inspect/{patient.pk}/"' in html


def test_marketing_sees_the_lead_but_neither_creates_patients_nor_books(client):
    leads = clinic_leads()
    client.force_login(UserFactory(role="marketing"))
    html = client.get(f"/admin/website/leads/inspect/{leads.question.pk}/").content.decode()
    assert "détatouage" in text(html)
    assert "/leads/convert/" not in html and "appointments/new" not in html
    assert re.findall(r'data-status="(\w+)"', html) == ["handled", "spam"]


def test_a_page_address_that_is_not_a_web_address_is_not_a_link(client):
    lead = PublicLeadFactory(page_url="javascript:alert(document.cookie)")
    client.force_login(UserFactory(role="reception"))
    html = client.get(f"/admin/website/leads/inspect/{lead.pk}/").content.decode()
    assert 'href="javascript:' not in html and "javascript:alert(document.cookie)" in html
    lead = PublicLeadFactory(page_url="/fr/contact/")
    html = client.get(f"/admin/website/leads/inspect/{lead.pk}/").content.decode()
    assert 'href="/fr/contact/"' in html


def test_what_the_visitor_typed_is_shown_as_text_on_the_lead_and_the_dashboard(client):
    payload = "<script>window.__xss=1</script>"
    lead = PublicLeadFactory(name=payload, message=payload, phone='"><img src=x onerror=alert(1)>')
    client.force_login(UserFactory(role="reception"))
    for url in (f"/admin/website/leads/inspect/{lead.pk}/", "/admin/", "/admin/website/leads/"):
        html = client.get(url).content.decode()
        assert payload not in html and "&lt;script&gt;" in html, url
        assert "<img src=x" not in html, url
