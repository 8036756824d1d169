"""The patient page in a browser, in French: reception searches, opens the patient with one click,
sees the sections, then starts a patient whose phone is already known and is offered the existing
one before anything is saved. Screenshots (``-m screens``): the full page in fr and hy (as the
clinic's admin, who sees every section) and the duplicates offered on creation."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cms.website.models import PublicLead
from erp.clinical import services
from erp.clinical.models import Patient
from erp.clinical.tests.factories import (
    PDF_BYTES,
    AppointmentFactory,
    GuardianFactory,
    LocationFactory,
    PractitionerFactory,
    image_bytes,
)
from erp.clinical.tests.factories import upload as file_upload
from erp.commerce.sales import services as billing
from erp.commerce.sales.services import PaymentInput
from erp.commerce.tests.factories import ServiceFactory
from erp.commerce.tests.sales_fixtures import payment_methods, sumup_rule
from erp.core.tests.factories import UserFactory
from erp.testing.browser import admin_sign_in, browser_page, skip_without_chromium
from erp.testing.screens import WIDTH, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "browser-Pass-2026"

skip_without_chromium()


@pytest.fixture
def record(transactional_db):
    """Inès Moreau with a full record: appointments (past and coming), consents and their history,
    a guardian, two encounters, two photos with thumbnails, a consent copy, a paid sale with its
    invoice, and the website lead she came from."""
    doctor = PractitionerFactory(display_name="Dr Claire Martin")
    paris = LocationFactory(name="Clinique Paris 8e", timezone="Europe/Paris")
    patient = services.patient_create(
        data={
            "first_name": "Inès",
            "last_name": "Moreau",
            "birth_date": date(1988, 4, 12),
            "sex": "female",
            "email": "ines.moreau@example.com",
            "phone": "06 22 33 44 55",
            "city": "Paris",
            "postal_code": "75008",
            "address_line1": "12 rue de Miromesnil",
            "country_code": "FR",
            "preferred_language": "fr",
            "preferred_contact_method": "sms",
        },
        actor=None,
    )
    GuardianFactory(patient=patient, full_name="Karim Moreau", relationship="Frère", phone="0611223344")
    now = timezone.localtime().replace(hour=10, minute=30, second=0, microsecond=0)  # Paris
    for days, status in ((-40, "attended"), (-12, "no_show"), (3, "confirmed"), (21, "scheduled")):
        start = now + timedelta(days=days)
        AppointmentFactory(
            patient=patient,
            practitioner=doctor,
            location=paris,
            scheduled_start=start,
            scheduled_end=start + timedelta(minutes=30),
            status=status,
        )
    copy = services.document_upload(
        patient=patient,
        upload=file_upload(PDF_BYTES, "consent.pdf", "application/pdf"),
        actor=None,
        kind="consent_copy",
        title="Consentement photos signé",
    )
    services.consent_grant(patient=patient, consent_type="clinical_photos", document=copy, actor=None)
    services.consent_grant(patient=patient, consent_type="newsletter", actor=None)
    services.consent_revoke(patient=patient, consent_type="newsletter", actor=None)
    for days, complaint in ((-40, "Acné inflammatoire"), (-12, "Contrôle")):
        services.encounter_create(
            data={
                "patient": patient,
                "practitioner": doctor,
                "location": paris,
                "type": "medical_consult" if days < -20 else "follow_up",
                "occurred_at": now + timedelta(days=days),
                "chief_complaint": complaint,
            },
            actor=None,
        )
    for color, kind in (((190, 120, 100), "before"), ((220, 170, 150), "after")):
        services.clinical_photo_upload(
            patient=patient,
            upload=file_upload(image_bytes(size=(320, 240), color=color)),
            actor=None,
            metadata={"body_area": "joue gauche", "photo_kind": kind},
        )
    payment_methods()
    sumup_rule()
    sale = billing.sale_create(location=paris, sold_to_patient=patient, actor=None)
    billing.sale_line_add(
        sale=sale,
        product=ServiceFactory(name="Peeling", unit_price_excl_tax=Decimal("50.00")),
        quantity=Decimal("1"),
        actor=None,
    )
    sale.refresh_from_db()
    billing.sale_pay(sale=sale, payments=[PaymentInput("card", sale.total_incl_tax)], actor=None)
    PublicLead.objects.create(
        type=PublicLead.Type.APPOINTMENT_REQUEST,
        name="Inès Moreau",
        email="ines.moreau@example.com",
        message="Bonjour, je souhaite un rendez-vous pour de l'acné.",
        patient=patient,
    )
    return patient


@pytest.mark.screens
def test_reception_opens_the_patient_in_one_click_and_is_offered_it_again_on_creation(browser, live_server, record):
    reception = UserFactory(role="reception", email="reception-page@clinic.test", password=PASSWORD)
    viewport = {"width": WIDTH, "height": 900}
    with browser_page(browser, timeout_ms=30_000, locale="fr-FR", viewport=viewport) as page:
        admin_sign_in(page, live_server.url, reception, PASSWORD)
        page.goto(f"{live_server.url}/admin/clinical/patients/")
        page.fill("input[name=q]", "moreau")
        page.keyboard.press("Enter")
        page.get_by_role("link", name="MOREAU Inès").first.click()  # one click: the page
        page.wait_for_url(re.compile(rf".*/admin/clinical/patients/inspect/{record.pk}/$"))
        for section in ("appointments", "consents", "guardians", "sales", "documents", "leads"):
            assert page.locator(f"[data-section={section}]").is_visible()
        assert page.locator("[data-section=encounters]").count() == 0  # reception: no clinical notes
        card = page.locator("[data-patient-card]")
        assert "Parle français" in card.inner_text() and "Photos cliniques" in page.content()
        assert page.locator("a[data-action=book]").is_visible()
        page.locator("a[data-action=edit]").click()
        page.wait_for_url(re.compile(rf".*/admin/clinical/patients/edit/{record.pk}/$"))

        page.goto(f"{live_server.url}/admin/clinical/patients/new/")
        page.fill("input[name=first_name]", "Inès")
        page.fill("input[name=last_name]", "Moreau-Durand")
        page.fill("input[name=phone]", "+33 6 22 33 44 55")
        page.fill("input[name=birth_date]", "09/12/1990")  # typed the French way: day, month, year
        page.locator("input[name=last_name]").click()
        page.locator("#w-editor-form button[type=submit]").first.click()
        offer = page.locator("[data-duplicates]")
        offer.wait_for()
        assert "Même téléphone" in offer.inner_text()
        assert Patient.objects.filter(last_name="Moreau-Durand").count() == 0  # nothing written yet
        assert page.locator("button[data-create-anyway]").is_visible()
        screenshot(page, "patient-duplicates-fr")
        assert page.locator("input[name=birth_date]").input_value() == "09/12/1990"  # kept, day first
        offer.get_by_role("link", name="Ouvrir celui-ci à la place").click()
        page.wait_for_url(re.compile(rf".*/admin/clinical/patients/inspect/{record.pk}/$"))
    assert Patient.objects.filter(last_name="Moreau-Durand").count() == 0


@pytest.mark.screens
@pytest.mark.parametrize("locale", ["fr-FR", "hy-AM"])
def test_patient_page_screens(browser, live_server, record, locale):
    admin = UserFactory(role="admin", email="admin-page@clinic.test", password=PASSWORD)
    viewport = {"width": WIDTH, "height": 900}
    with browser_page(browser, timeout_ms=30_000, locale=locale, viewport=viewport) as page:
        admin_sign_in(page, live_server.url, admin, PASSWORD)
        page.goto(f"{live_server.url}/admin/clinical/patients/inspect/{record.pk}/")
        for section in ("appointments", "consents", "encounters", "photos", "sales", "documents", "leads"):
            assert page.locator(f"[data-section={section}]").is_visible()
        invoice = page.locator("[data-section=sales] a", has_text=re.compile(r"^FA-"))
        assert invoice.count() == 1
        page.wait_for_load_state("networkidle")
        thumbnails = page.locator("[data-section=photos] img").all()
        assert len(thumbnails) == 2 and all(img.evaluate("i => i.naturalWidth") > 0 for img in thumbnails)
        screenshot(page, f"patient-page-{locale[:2]}")
