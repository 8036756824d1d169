"""A clinic's morning for the dashboard tests and screenshots: two sites (Paris and Yerevan, each in
its own time zone), two practitioners, today's appointments in every status, a draft encounter, a
photo waiting for its thumbnail, paid and unpaid sales, a credit note, website leads, and a website
with an out-of-date translation and a page scheduled for later."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from erp.clinical.models import Appointment, AppointmentStatus, ClinicalPhoto, Encounter, EncounterType, Patient
from erp.core.models import ClinicLocation, Practitioner
from erp.core.tests.factories import UserFactory

PASSWORD = "dashboard-Pass-2026"


def local_today_at(zone: str, hour: int, minute: int = 0, *, now: datetime.datetime | None = None):
    """``hour:minute`` today in ``zone`` (as an aware datetime)."""
    tz = zoneinfo.ZoneInfo(zone)
    day = (now or timezone.now()).astimezone(tz).date()
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


def appointment(patient, practitioner, location, start, minutes=30, status=AppointmentStatus.SCHEDULED, **extra):
    return Appointment.objects.create(
        patient=patient,
        practitioner=practitioner,
        location=location,
        scheduled_start=start,
        scheduled_end=start + datetime.timedelta(minutes=minutes),
        status=status,
        **extra,
    )


def clinic_people() -> SimpleNamespace:
    paris = ClinicLocation.objects.create(
        name="Paris – Opéra", city="Paris", country_code="FR", timezone="Europe/Paris"
    )
    yerevan = ClinicLocation.objects.create(
        name="Erevan – Kentron", city="Erevan", country_code="AM", timezone="Asia/Yerevan"
    )
    doctor_user = UserFactory(
        role="practitioner",
        email="claire.martin@clinic.test",
        first_name="Claire",
        last_name="Martin",
        password=PASSWORD,
    )
    martin = Practitioner.objects.create(user=doctor_user, display_name="Dr Claire Martin")
    aram = Practitioner.objects.create(
        user=UserFactory(
            role="practitioner",
            email="aram.petrosyan@clinic.test",
            first_name="Aram",
            last_name="Petrosyan",
            password=PASSWORD,
        ),
        display_name="Dr Aram Petrosyan",
    )
    names = [
        ("Camille", "Durand"),
        ("Anna", "Petrosyan"),
        ("Lucas", "Bernard"),
        ("Sofia", "Ivanova"),
        ("Hugo", "Lefèvre"),
        ("Nare", "Hakobyan"),
        ("Élise", "Moreau"),
    ]
    patients = [Patient.objects.create(first_name=first, last_name=last, country_code="FR") for first, last in names]
    return SimpleNamespace(paris=paris, yerevan=yerevan, martin=martin, aram=aram, patients=patients)


def clinic_day(people: SimpleNamespace | None = None) -> SimpleNamespace:
    """Today's agenda: Paris (Dr Martin) and Yerevan (Dr Petrosyan), times on each site's clock."""
    p = people or clinic_people()
    camille, anna, lucas, sofia, hugo, nare, elise = p.patients
    paris, yerevan = "Europe/Paris", "Asia/Yerevan"
    ATTENDED, CONFIRMED, CANCELLED = (
        AppointmentStatus.ATTENDED,
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.CANCELLED,
    )
    day = SimpleNamespace(people=p)
    day.attended = appointment(camille, p.martin, p.paris, local_today_at(paris, 9, 0), status=ATTENDED)
    day.confirmed = appointment(lucas, p.martin, p.paris, local_today_at(paris, 9, 30), status=CONFIRMED)
    day.scheduled = appointment(sofia, p.martin, p.paris, local_today_at(paris, 10, 15))
    day.afternoon = appointment(elise, p.martin, p.paris, local_today_at(paris, 14, 0), minutes=45, status=CONFIRMED)
    day.cancelled = appointment(
        hugo, p.martin, p.paris, local_today_at(paris, 11, 0), status=CANCELLED, cancellation_reason="Empêchement"
    )
    day.yerevan = appointment(anna, p.aram, p.yerevan, local_today_at(yerevan, 10, 0), status=CONFIRMED)
    day.yerevan_later = appointment(nare, p.aram, p.yerevan, local_today_at(yerevan, 15, 30))
    day.tomorrow = appointment(hugo, p.martin, p.paris, local_today_at(paris, 9, 0) + datetime.timedelta(days=1))
    day.encounter = Encounter.objects.create(
        patient=camille,
        practitioner=p.martin,
        location=p.paris,
        type=EncounterType.MEDICAL_CONSULT,
        occurred_at=day.attended.scheduled_start,
        chief_complaint="Eczéma de l'avant-bras",
    )
    Appointment.objects.filter(pk=day.attended.pk).update(encounter=day.encounter)
    day.photo = ClinicalPhoto.objects.create(
        patient=camille,
        body_area="Avant-bras gauche",
        object_key="clinical/photos/test-waiting.jpg",
        content_type="image/jpeg",
        size_bytes=123456,
        taken_at=day.attended.scheduled_start,
    )
    ClinicalPhoto.objects.create(
        patient=anna,
        body_area="Joue",
        object_key="clinical/photos/test-done.jpg",
        thumbnail_object_key="clinical/thumbs/test-done.jpg",
        content_type="image/jpeg",
        size_bytes=1000,
    )
    return day


def clinic_takings(people: SimpleNamespace) -> SimpleNamespace:
    """Today at the till: two paid sales (card and cash), one refunded with a credit note, one
    draft left unpaid."""
    from erp.commerce.sales import services as billing
    from erp.commerce.sales.services import PaymentInput
    from erp.commerce.tests.factories import ProductFactory, ServiceFactory
    from erp.commerce.tests.sales_fixtures import payment_methods, stock_plain, sumup_rule

    payment_methods()
    sumup_rule()
    camille, anna, lucas, sofia = people.patients[:4]
    consult = ServiceFactory(name="Consultation dermatologique", unit_price_excl_tax=Decimal("60.00"))
    peel = ServiceFactory(name="Peeling superficiel", unit_price_excl_tax=Decimal("90.00"))
    cream = ProductFactory(name="Crème apaisante", unit_price_excl_tax=Decimal("20.00"))
    stock_plain(cream, people.paris, 10)
    sales = []
    for patient, lines, payments in (
        (camille, [consult, cream], [("card", "50.00"), ("cash", "34.00")]),
        (anna, [peel], [("card", "90.00")]),
        (lucas, [consult], [("card", "60.00")]),
    ):
        sale = billing.sale_create(location=people.paris, sold_to_patient=patient, actor=None)
        for product in lines:
            billing.sale_line_add(sale=sale, product=product, quantity=Decimal("1"), actor=None)
        billing.sale_pay(sale=sale, payments=[PaymentInput(m, Decimal(a)) for m, a in payments], actor=None)
        sales.append(sale)
    credit_note = billing.sale_refund(sale=sales[2], reason="Consultation annulée, remboursée", actor=None)
    draft = billing.sale_create(location=people.paris, sold_to_patient=sofia, actor=None)
    billing.sale_line_add(sale=draft, product=cream, quantity=Decimal("2"), actor=None)
    return SimpleNamespace(sales=sales, credit_note=credit_note, draft=draft)


def clinic_leads() -> SimpleNamespace:
    from cms.website.models import PublicLead

    now = timezone.now()
    leads = SimpleNamespace()
    leads.question = PublicLead.objects.create(
        type=PublicLead.Type.APPOINTMENT_REQUEST,
        name="Juliette Roux",
        email="juliette.roux@example.test",
        phone="+33 6 12 34 56 78",
        preferred_language="fr",
        country_code="FR",
        page_url="https://clinique.example/fr/soins/laser/",
        message="Bonjour, je souhaiterais un rendez-vous pour un détatouage au laser, de préférence un mardi "
        "en fin de journée. Est-ce possible la semaine prochaine ? Merci !",
    )
    leads.armenian = PublicLead.objects.create(
        type=PublicLead.Type.CONTACT,
        name="Armen Sargsyan",
        email="armen.s@example.test",
        phone="+374 91 234567",
        preferred_language="hy",
        country_code="AM",
        page_url="https://clinique.example/hy/",
        message="Բարև Ձեզ, ցանկանում եմ խորհրդատվություն ակնեի բուժման վերաբերյալ։",
    )
    leads.handled = PublicLead.objects.create(
        type=PublicLead.Type.CONTACT,
        name="Marc Petit",
        email="marc.petit@example.test",
        preferred_language="fr",
        message="Quels sont vos tarifs pour une consultation ?",
        status=PublicLead.Status.HANDLED,
        handled_at=now,
    )
    PublicLead.objects.filter(pk=leads.handled.pk).update(created_at=now - datetime.timedelta(hours=1))
    PublicLead.objects.filter(pk=leads.armenian.pk).update(created_at=now - datetime.timedelta(hours=3))
    return leads


def clinic_website() -> SimpleNamespace:
    """The test website with the laser page changed after its English translation (out of date),
    and a blog post scheduled for next week."""
    from cms.website.models import BlogPostPage, ServicePage
    from cms.website.tests.factories import build_site, publish

    site = build_site()
    service = ServicePage.objects.get(pk=site.service.pk)
    service.summary = "Taches pigmentaires et rougeurs"
    publish(service)
    post = BlogPostPage(
        title="Préparer sa peau à l'été",
        slug="ete",
        excerpt="Nos conseils",
        publication_date=timezone.localdate() + datetime.timedelta(days=7),
        live=False,
    )
    post.locale = site.blog.locale
    site.blog.add_child(instance=post)
    post.go_live_at = timezone.now() + datetime.timedelta(days=7)
    post.save_revision().publish()
    post.refresh_from_db()
    site.scheduled_post = post
    return site
