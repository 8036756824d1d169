"""The admin's home per role: what each role's panels show, what they hide from other roles, and
what they cost in queries."""

import datetime
import re

import pytest
from django.utils import timezone

from erp.clinical.models import Appointment, AppointmentStatus
from erp.core.models import Practitioner
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog
from erp.workspace.tests.fixtures import (
    appointment,
    clinic_day,
    clinic_leads,
    clinic_people,
    clinic_takings,
    clinic_website,
    local_today_at,
)

pytestmark = pytest.mark.django_db

PANEL_IDS = {
    "reception": ["workspace-today", "workspace-arrivals", "workspace-drafts"],
    "leads": ["workspace-leads"],
    "practitioner": ["workspace-my-day", "workspace-draft-encounters", "workspace-photos"],
    "accounting": ["workspace-takings", "workspace-unclosed", "workspace-credit-notes"],
    "marketing": ["workspace-translations", "workspace-scheduled-pages"],
}
SHOWN = {
    "reception": {"reception", "leads"},
    "practitioner": {"practitioner"},
    "accounting": {"accounting"},
    "marketing": {"marketing", "leads"},
}


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, panel_id: str) -> str:
    """The text of one panel (from its id to the next panel)."""
    start = html.index(f'id="{panel_id}-section"')
    end = html.find('<section class="w-panel', start + 1)
    return text(html[start : end if end > 0 else len(html)])


def home(client, user) -> str:
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", sorted(SHOWN))
def test_each_role_sees_its_panels_and_not_the_others(client, role):
    user = UserFactory(role=role, email=f"{role}@clinic.test")
    if role == "practitioner":
        Practitioner.objects.create(user=user, display_name="Dr Test")
    html = home(client, user)
    for panel, ids in PANEL_IDS.items():
        for panel_id in ids:
            assert (f'id="{panel_id}-section"' in html) == (panel in SHOWN[role]), (role, panel_id)


def test_reception_does_not_get_wagtails_page_search_nor_page_summary(client):
    html = home(client, UserFactory(role="reception", email="desk@clinic.test"))
    assert "Rechercher dans toutes les pages" not in html and "Search all pages" not in html
    assert "w-summary" not in html
    # Its own search looks for patients, on the patient list.
    assert 'action="/admin/clinical/patients/"' in html and 'name="q"' in html


def test_marketing_keeps_the_page_search(client):
    from cms.website.tests.factories import build_site

    build_site()
    html = home(client, UserFactory(role="marketing", email="editor@clinic.test"))
    assert 'role="search"' in html and "/admin/pages/" in html


def test_reception_sees_today_per_location_on_each_sites_clock(client):
    day = clinic_day()
    html = home(client, UserFactory(role="reception", email="desk@clinic.test"))
    today = section(html, "workspace-today")
    # Each location with its own appointments, times on its own clock (Yerevan is UTC+4, Paris UTC+1/+2).
    assert "Paris – Opéra" in today and "Erevan – Kentron" in today
    yerevan_part, paris_part = today.split("Paris – Opéra")
    assert "10:00–10:30 PETROSYAN Anna Dr Aram Petrosyan Confirmé Arrivé" in yerevan_part
    assert "09:30–10:00 BERNARD Lucas Dr Claire Martin Confirmé Arrivé" in paris_part
    assert "Planifié" in today and "Honoré" in today  # status labels, never codes
    assert "scheduled" not in today and "attended" not in today
    # Not today, or cancelled: not listed.
    assert "LEFÈVRE Hugo" not in today
    # Arrivals: who has checked in.
    assert "DURAND Camille" in section(html, "workspace-arrivals")
    assert f"/admin/clinical/appointments/inspect/{day.confirmed.pk}/" in html


def test_status_buttons_follow_the_status_and_the_clock(client):
    people = clinic_people()
    now = timezone.now()
    midnight = local_today_at("Europe/Paris", 0, 0)
    past = midnight + (now - midnight) / 2  # earlier today, whatever the time now
    future = now + (midnight + datetime.timedelta(days=1) - now) / 2  # later today
    camille, anna, lucas = people.patients[:3]
    late = appointment(camille, people.martin, people.paris, past, minutes=1)
    confirmed = appointment(anna, people.martin, people.paris, future, minutes=1, status=AppointmentStatus.CONFIRMED)
    scheduled = appointment(lucas, people.aram, people.paris, future, minutes=1)
    html = home(client, UserFactory(role="reception", email="desk@clinic.test"))

    def operations(appt):
        row = html[html.index(f'data-appointment="{appt.pk}"') :]
        row = row[: row.index("</tr>")]
        return re.findall(r'data-operation="(\w+)"', row)

    assert 'name="csrfmiddlewaretoken"' in html[html.index(f'data-appointment="{late.pk}"') :]
    assert operations(late) == ["confirm", "no_show"]  # its time has passed: a no-show is possible
    assert operations(confirmed) == ["attend"]  # "Arrivé": the one-click check-in
    assert operations(scheduled) == ["confirm"]


def test_check_in_from_the_dashboard_comes_back_to_it(client):
    day = clinic_day()
    user = UserFactory(role="reception", email="desk@clinic.test")
    client.force_login(user)
    url = f"/admin/clinical/appointments/transition/{day.confirmed.pk}/"
    response = client.post(url, {"operation": "attend", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    day.confirmed.refresh_from_db()
    assert day.confirmed.status == AppointmentStatus.ATTENDED
    assert AuditLog.objects.filter(entity_id=day.confirmed.pk, actor=user, action="update").exists()
    assert "LEFÈVRE" not in section(client.get("/admin/").content.decode(), "workspace-arrivals")
    assert "BERNARD Lucas" in section(client.get("/admin/").content.decode(), "workspace-arrivals")


def test_a_next_to_another_site_is_ignored(client):
    day = clinic_day()
    client.force_login(UserFactory(role="reception", email="desk@clinic.test"))
    url = f"/admin/clinical/appointments/transition/{day.scheduled.pk}/"
    response = client.post(url, {"operation": "confirm", "next": "https://evil.example/"})
    assert response["Location"] == f"/admin/clinical/appointments/inspect/{day.scheduled.pk}/"


def test_reception_sees_unpaid_drafts_new_leads_and_the_big_buttons(client):
    people = clinic_people()
    till = clinic_takings(people)
    clinic_leads()
    html = home(client, UserFactory(role="reception", email="desk@clinic.test"))
    drafts = section(html, "workspace-drafts")
    assert "IVANOVA Sofia" in drafts and "48,00 €" in drafts
    assert f"/admin/commerce/sales/till/{till.draft.pk}/" in html
    new = section(html, "workspace-leads")
    assert "Juliette Roux" in new and "Armen Sargsyan" in new and "Marc Petit" not in new
    assert new.index("Juliette Roux") < new.index("Armen Sargsyan")  # newest first
    for url in ("/admin/clinical/patients/new/", "/admin/clinical/agenda/", "/admin/commerce/new-sale/"):
        assert f'href="{url}"' in html
    for label in ("Nouveau patient", "Prendre rendez-vous", "Nouvelle vente"):
        assert label in text(html)


def test_empty_panels_say_so_in_words(client):
    html = home(client, UserFactory(role="reception", email="desk@clinic.test"))
    assert "Aucun rendez-vous aujourd’hui." in section(html, "workspace-today") or "Aucun rendez-vous" in section(
        html, "workspace-today"
    )
    assert "Aucun nouveau message" in section(html, "workspace-leads") or "Aucun" in section(html, "workspace-leads")


def test_practitioner_sees_their_day_drafts_and_waiting_photos(client):
    day = clinic_day()
    html = home(client, day.people.martin.user)
    mine = section(html, "workspace-my-day")
    assert "BERNARD Lucas" in mine and "DURAND Camille" in mine
    assert "PETROSYAN Anna" not in mine  # Dr Petrosyan's patient
    assert f"/admin/clinical/encounters/inspect/{day.encounter.pk}/" in html  # the page with Finalize
    assert "DURAND Camille" in section(html, "workspace-draft-encounters")
    photos = section(html, "workspace-photos")
    assert "Avant-bras gauche" in photos and "Joue" not in photos


def test_accounting_sees_takings_by_method_fees_unclosed_days_and_credit_notes(client):
    from erp.commerce.models import Payment

    people = clinic_people()
    till = clinic_takings(people)
    html = home(client, UserFactory(role="accounting", email="books@clinic.test"))
    takings = section(html, "workspace-takings")
    card_fees = sum(p.fee_amount for p in Payment.objects.filter(payment_method__code="card"))
    assert card_fees > 0
    # Card: 50 + 90 + 60 - 60 refunded = 140,00 €; cash 34,00 €.
    assert "Carte bancaire 4 140,00 €" in takings and "Espèces 1 34,00 €" in takings
    assert f"{card_fees:.2f}".replace(".", ",") + " €" in takings
    assert "card" not in takings and "cash" not in takings
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    unclosed = section(html, "workspace-unclosed")
    assert str(yesterday.day) in unclosed and "/admin/commerce/fiscal-closings/" in html
    notes = section(html, "workspace-credit-notes")
    assert till.credit_note.credit_note_number in notes and "60,00 €" in notes


def test_marketing_sees_outdated_translations_scheduled_pages_and_new_leads(client):
    site = clinic_website()
    clinic_leads()
    html = home(client, UserFactory(role="marketing", email="editor@clinic.test"))
    outdated = section(html, "workspace-translations")
    assert "Laser" in outdated and "EN" in outdated
    assert "Blog" not in outdated  # its translation is up to date
    scheduled = section(html, "workspace-scheduled-pages")
    assert "Préparer sa peau à l'été" in scheduled or "Préparer sa peau à l&#x27;été" in scheduled
    assert f"/admin/pages/{site.scheduled_post.pk}/edit/" in html
    assert "Juliette Roux" in section(html, "workspace-leads")


def test_a_user_with_two_roles_sees_both_and_the_leads_once(client):
    user = UserFactory(roles=["reception", "marketing"], email="two@clinic.test")
    from cms.website.tests.factories import build_site

    build_site()
    html = home(client, user)
    assert html.count('id="workspace-leads-section"') == 1
    assert 'id="workspace-today-section"' in html and 'id="workspace-translations-section"' in html


def test_an_admin_sees_every_role_panel_and_keeps_wagtails_page_tools(client):
    from cms.website.tests.factories import build_site

    build_site()
    admin = UserFactory(role="admin", email="boss@clinic.test")
    admin.is_superuser = True
    admin.save()
    html = home(client, admin)
    for panel_id in ("workspace-today", "workspace-takings", "workspace-translations", "workspace-leads"):
        assert f'id="{panel_id}-section"' in html, panel_id
    assert 'id="workspace-my-day-section"' not in html  # no practitioner profile, no day of their own
    assert 'role="search"' in html and "w-summary" in html


@pytest.mark.parametrize(
    ("role", "limit"),
    [("reception", 22), ("practitioner", 22), ("accounting", 26), ("marketing", 36)],
)
def test_dashboard_queries_do_not_grow_with_the_data(client, django_assert_max_num_queries, role, limit):
    people = clinic_people()
    day = clinic_day(people)
    clinic_takings(people)
    clinic_leads()
    clinic_website()
    user = day.people.martin.user if role == "practitioner" else UserFactory(role=role, email=f"{role}@clinic.test")
    client.force_login(user)
    client.get("/admin/")  # warm the caches of the session, the site, content types
    with django_assert_max_num_queries(limit) as before:
        assert client.get("/admin/").status_code == 200
    # Ten more of everything on the panels costs no query more.
    for n in range(10):
        patient = people.patients[n % len(people.patients)]
        start = local_today_at("Europe/Paris", 8, 0) + datetime.timedelta(minutes=5 * n)
        Appointment.objects.create(
            patient=patient,
            practitioner=people.martin,
            location=people.paris,
            scheduled_start=start,
            scheduled_end=start + datetime.timedelta(minutes=5),
            status=AppointmentStatus.CONFIRMED,
        )
    clinic_leads()
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get("/admin/").status_code == 200
