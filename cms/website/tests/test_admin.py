import re

import pytest
from wagtail.models import GroupPagePermission, Page

from cms.website.models import PublicLead, ServicePage
from cms.website.roles import grant_marketing_wagtail_permissions
from cms.website.selectors import translation_status
from cms.website.tests.factories import PublicLeadFactory, publish
from erp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(db):
    return PublicLeadFactory(name="Léon Blum")


@pytest.mark.parametrize("role", ["reception", "marketing"])
def test_reception_and_marketing_see_leads(client, lead, role):
    client.force_login(UserFactory(role=role))
    response = client.get("/admin/website/leads/")
    assert response.status_code == 200
    assert "Léon Blum" in response.text
    assert client.get(f"/admin/website/leads/inspect/{lead.pk}/").status_code == 200


def test_leads_can_be_filtered_by_status(client, lead):
    PublicLeadFactory(name="Robot", status=PublicLead.Status.SPAM)
    client.force_login(UserFactory(role="reception"))
    html = client.get("/admin/website/leads/?status=spam").text
    assert "Robot" in html and "Léon Blum" not in html


@pytest.mark.parametrize("role", ["practitioner", "accounting"])
def test_other_roles_do_not_see_leads(client, lead, role):
    client.force_login(UserFactory(role=role))
    assert client.get("/admin/website/leads/").status_code in (302, 403)


def test_reception_marks_a_lead_handled(client, lead):
    user = UserFactory(role="reception")
    client.force_login(user)
    response = client.post(f"/admin/website/leads/edit/{lead.pk}/", {"status": "handled"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == "handled" and lead.handled_by == user and lead.handled_at is not None
    from erp.ops.models import AuditLog

    assert AuditLog.objects.filter(entity_id=lead.pk).exists()


def test_marketing_has_page_permissions_on_the_root(site_tree):
    grant_marketing_wagtail_permissions()
    codenames = set(
        GroupPagePermission.objects.filter(group__name="marketing", page=Page.get_first_root_node())
        .values_list("permission__codename", flat=True)
    )
    assert {"add_page", "change_page", "publish_page"} <= codenames


def test_marketing_edits_and_publishes_a_service_page(client, site_tree):
    marketing = UserFactory(role="marketing")
    client.force_login(marketing)
    service = site_tree.service
    assert client.get(f"/admin/pages/{service.pk}/edit/").status_code == 200
    perms = service.permissions_for_user(marketing)
    assert perms.can_edit() and perms.can_publish()
    assert client.get("/admin/snippets/website/promotion/add/").status_code == 200
    assert client.get("/admin/snippets/website/staffmember/").status_code == 200
    assert client.get("/admin/images/").status_code == 200
    assert client.get("/admin/images/multiple/add/").status_code == 200
    settings_page = client.get("/admin/settings/website/websitesettings/", follow=True)
    assert settings_page.status_code == 200 and "clinic_name" in settings_page.text


def test_marketing_does_not_reach_clinical_data(db):
    user = UserFactory(role="marketing")
    assert not [perm for perm in user.get_all_permissions() if perm.startswith(("clinical.", "commerce."))]


def test_reception_cannot_edit_pages(client, site_tree):
    user = UserFactory(role="reception")
    assert not site_tree.service.permissions_for_user(user).can_edit()


def test_translation_status_lists_missing_and_outdated_languages(client, site_tree):
    rows = {row.page.pk: {cell.language: cell.state for cell in row.cells} for row in translation_status()}
    assert rows[site_tree.home.pk]["en"] == "up_to_date"
    assert rows[site_tree.home.pk]["es"] == "up_to_date"
    assert rows[site_tree.home.pk]["ru"] == "missing"
    assert rows[site_tree.service.pk]["es"] == "missing"
    # The source changes: the English translation is now out of date.
    service = ServicePage.objects.get(pk=site_tree.service.pk)
    service.summary = "Nouveau texte"
    publish(service)
    rows = {row.page.pk: {cell.language: cell.state for cell in row.cells} for row in translation_status()}
    assert rows[site_tree.service.pk]["en"] == "outdated"
    site_tree.en_team.unpublish()
    rows = {row.page.pk: {cell.language: cell.state for cell in row.cells} for row in translation_status()}
    assert rows[site_tree.team.pk]["en"] == "draft"


def test_translation_status_screen(client, site_tree):
    client.force_login(UserFactory(role="marketing"))
    response = client.get("/admin/website/translations/")
    assert response.status_code == 200
    assert 'data-language="ru" data-state="missing"' in response.text
    assert f"/admin/localize/submit/page/{site_tree.service.pk}/" in response.text
    # Each state is a tag of its own (coloured by the admin CSS the website adds to every admin page).
    assert 'class="translation-state translation-state--missing"' in response.text
    assert 'class="translation-state translation-state--up-to-date"' in response.text
    assert "website/admin.css" in response.text
    # The slim header shows the breadcrumbs, not the title: the last one is the report's title.
    crumbs = re.search(r"<ol.*?</ol>", response.text[response.text.index("data-w-breadcrumbs"):], re.S).group(0)
    assert " ".join(re.sub(r"<[^>]+>", " ", crumbs).split()).endswith("État des traductions")
    client.force_login(UserFactory(role="accounting"))
    assert client.get("/admin/website/translations/").status_code in (302, 403)
