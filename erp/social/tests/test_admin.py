import io
import zipfile

import pytest
from django.test import Client

from erp.core.tests.factories import UserFactory
from erp.social import services
from erp.social.models import SocialMediaAsset, SocialPost
from erp.social.tests.factories import SocialPostFactory, image_bytes, make_asset, ready_post, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(marketer):
    client = Client()
    client.force_login(marketer)
    return client


def test_social_menu_pages_open_for_marketing(browser, marketer):
    post = ready_post(marketer)
    dashboard = browser.get("/admin/").content.decode()
    assert "/admin/social/posts/" in dashboard and "/admin/social/takedown/" in dashboard
    for url in (
        "/admin/social/posts/",
        "/admin/social/posts/new/",
        f"/admin/social/posts/edit/{post.pk}/",
        f"/admin/social/posts/manage/{post.pk}/",
        "/admin/social/assets/",
        "/admin/social/assets/new/",
        "/admin/social/accounts/",
        "/admin/social/takedown/",
    ):
        assert browser.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["practitioner", "reception", "accounting"])
def test_other_roles_cannot_open_social_screens(role, marketer):
    post = ready_post(marketer)
    client = Client()
    client.force_login(UserFactory(role=role, email=f"{role}@admin.example"))
    for url in (
        "/admin/social/posts/",
        f"/admin/social/posts/manage/{post.pk}/",
        f"/admin/social/posts/pack/{post.pk}/",
        f"/admin/social/posts/pack/{post.pk}/zip/",
        "/admin/social/assets/",
        "/admin/social/takedown/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert response.status_code == 403 or "/admin/login" not in response.get("Location", "/admin/")
    dashboard = client.get("/admin/")
    assert b"/admin/social/posts/" not in dashboard.content


def test_post_editor_creates_through_the_service_and_shows_counts(browser):
    response = browser.post(
        "/admin/social/posts/new/", {"language": "fr", "caption": "Bonjour @clinique", "hashtags": "peau soin"}
    )
    assert response.status_code == 302
    post = SocialPost.objects.get()
    assert post.hashtags == "#peau #soin"
    assert response["Location"] == f"/admin/social/posts/manage/{post.pk}/"
    edit = browser.get(f"/admin/social/posts/edit/{post.pk}/")
    assert b'data-count="hashtags">2<' in edit.content
    assert b'data-count="mentions">1<' in edit.content


def test_post_editor_refuses_a_caption_over_the_limit(browser):
    response = browser.post("/admin/social/posts/new/", {"language": "fr", "caption": "a" * 2201})
    assert response.status_code == 200
    assert "2201 caractères" in response.content.decode()
    assert not SocialPost.objects.exists()


def test_asset_upload_in_the_admin(browser):
    response = browser.post(
        "/admin/social/assets/new/",
        {"title": "Salle d'attente", "file": upload(image_bytes((1080, 1080), fmt="PNG"), "a.png", "image/png")},
    )
    assert response.status_code == 302
    asset = SocialMediaAsset.objects.get()
    assert asset.content_type == "image/jpeg" and asset.title == "Salle d'attente"
    refused = browser.post("/admin/social/assets/new/", {"file": upload(image_bytes((300, 300)))})
    assert refused.status_code == 200 and "320 à 1440" in refused.content.decode()


def test_manage_page_orders_the_carousel_and_moves_the_status(browser, marketer):
    post = SocialPostFactory(created_by=marketer)
    a, b = make_asset(marketer), make_asset(marketer)
    url = f"/admin/social/posts/manage/{post.pk}/"
    browser.post(url, {"operation": "add", "asset": str(a.pk)})
    browser.post(url, {"operation": "add", "asset": str(b.pk)})
    browser.post(url, {"operation": "up", "asset": str(b.pk)})
    assert list(post.post_assets.order_by("order_index").values_list("asset", flat=True)) == [b.pk, a.pk]
    browser.post(url, {"operation": "transition", "status": "ready"})
    post.refresh_from_db()
    assert post.status == "ready"
    response = browser.post(url, {"operation": "transition", "status": "published"}, follow=True)
    assert "Identifiant de la publication Instagram" in response.content.decode()
    post.refresh_from_db()
    assert post.status == "ready"


def test_pack_page_and_zip(browser, marketer):
    post = ready_post(marketer)
    page = browser.get(f"/admin/social/posts/pack/{post.pk}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "#skincare #dermatologie" in content and "expirent pas" in content
    assert "01.jpg" in content and "02.jpg" in content
    archive = zipfile.ZipFile(io.BytesIO(browser.get(f"/admin/social/posts/pack/{post.pk}/zip/").content))
    assert archive.namelist() == ["caption.txt", "01.jpg", "02.jpg"]


def test_pack_of_a_draft_redirects_with_the_reason(browser, marketer):
    post = SocialPostFactory(created_by=marketer)
    response = browser.get(f"/admin/social/posts/pack/{post.pk}/", follow=True)
    assert "prêtes ou programmées" in response.content.decode()


def test_takedown_page_lists_withdrawn_posts(browser, marketer):
    post = ready_post(marketer)
    SocialPost.objects.filter(pk=post.pk).update(takedown_requested_at="2026-01-01T10:00:00Z", status="draft")
    content = browser.get("/admin/social/takedown/").content.decode()
    assert f"/admin/social/posts/manage/{post.pk}/" in content


def test_asset_in_use_cannot_be_deleted_in_the_admin(browser, marketer):
    post = ready_post(marketer, assets=1)
    asset = post.post_assets.get().asset
    response = browser.post(f"/admin/social/assets/delete/{asset.pk}/", follow=True)
    assert SocialMediaAsset.objects.filter(pk=asset.pk).exists()
    assert "utilisée par une publication" in response.content.decode()
    assert services is not None
