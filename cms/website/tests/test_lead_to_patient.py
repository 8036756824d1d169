import pytest
from django.utils import timezone

from cms.website.models import PublicLead
from cms.website.services import public_lead_convert_to_patient
from cms.website.tests.factories import PublicLeadFactory
from erp.clinical.models import Consent, Patient
from erp.core.exceptions import NotAllowed
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


def test_a_lead_becomes_a_low_confidence_patient_with_its_newsletter_consent():
    reception = UserFactory(role="reception")
    lead = PublicLeadFactory(
        type=PublicLead.Type.NEWSLETTER, name="Анна Петрова", email="Anna@Example.test", phone="06 12 34 56 78",
        preferred_language="ru", country_code="FR", newsletter_consent=True, consent_text="J'accepte…",
        consent_at=timezone.now(),
    )
    patient = public_lead_convert_to_patient(lead=lead, actor=reception)

    assert (patient.first_name, patient.last_name) == ("Анна", "Петрова")
    assert patient.identity_confidence == "low"
    assert patient.referral_source.code == "website"
    assert patient.email == "anna@example.test" and patient.phone_e164 == "+33612345678"
    assert patient.preferred_language == "ru"
    assert Consent.objects.filter(patient=patient, consent_type="newsletter", status="granted").count() == 1
    lead.refresh_from_db()
    assert lead.patient == patient and lead.status == "handled" and lead.handled_by == reception
    assert AuditLog.objects.filter(entity_id=patient.pk, action="create").exists()


def test_without_newsletter_consent_no_consent_is_granted():
    lead = PublicLeadFactory(name="Jean Dupont", newsletter_consent=False)
    patient = public_lead_convert_to_patient(lead=lead, actor=UserFactory(role="reception"))
    assert not Consent.objects.filter(patient=patient).exists()


def test_converting_twice_gives_one_patient():
    reception = UserFactory(role="reception")
    lead = PublicLeadFactory(name="Jean Dupont")
    first = public_lead_convert_to_patient(lead=lead, actor=reception)
    second = public_lead_convert_to_patient(lead=lead, actor=reception)
    assert first == second and Patient.objects.count() == 1


def test_spam_and_nameless_leads_are_refused():
    reception = UserFactory(role="reception")
    with pytest.raises(NotAllowed):
        public_lead_convert_to_patient(lead=PublicLeadFactory(status=PublicLead.Status.SPAM), actor=reception)
    with pytest.raises(NotAllowed):
        public_lead_convert_to_patient(lead=PublicLeadFactory(name=""), actor=reception)
    assert Patient.objects.count() == 0


def test_reception_converts_from_the_admin_and_marketing_cannot(client):
    lead = PublicLeadFactory(name="Lucie Martin")
    client.force_login(UserFactory(role="marketing"))
    refused = client.post(f"/admin/website/leads/convert/{lead.pk}/")
    # Wagtail answers a refused admin view with a redirect to the dashboard and a message.
    assert refused.status_code in (302, 403) and "clinical" not in refused.get("Location", "")
    assert Patient.objects.count() == 0

    client.force_login(UserFactory(role="reception"))
    inspect = client.get(f"/admin/website/leads/inspect/{lead.pk}/")
    assert f"/admin/website/leads/convert/{lead.pk}/" in inspect.content.decode()
    assert client.get(f"/admin/website/leads/convert/{lead.pk}/").status_code == 200
    response = client.post(f"/admin/website/leads/convert/{lead.pk}/")
    patient = Patient.objects.get()
    assert response.status_code == 302 and str(patient.pk) in response["Location"]
