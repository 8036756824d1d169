import io
import time
import urllib.error
import urllib.request
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from erp.clinical import services as clinical_services
from erp.clinical.models import Patient
from erp.core.tests.factories import UserFactory
from erp.social import services
from erp.social.models import SocialMediaAsset, SocialPost
from erp.social.tests.factories import (
    SocialAccountFactory,
    SocialPostFactory,
    gps_exif,
    image_bytes,
    make_asset,
    upload,
)

pytestmark = pytest.mark.django_db

REFUSED_ROLES = ("practitioner", "reception", "accounting")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(marketer):
    return client_for(marketer)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_account_shows_name_and_status(api):
    response = api.post("/api/v1/social/accounts/", {"display_name": "@clinique", "status": "connected"}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["provider"] == "instagram_meta"
    assert "token_encrypted" not in response.data
    listed = api.get("/api/v1/social/accounts/?status=connected")
    assert [row["display_name"] for row in listed.data["results"]] == ["@clinique"]


def test_asset_upload_converts_and_refuses_outside_limits(api):
    response = api.post(
        "/api/v1/social/assets/",
        {"file": upload(image_bytes((1080, 1080), fmt="PNG"), "a.png", "image/png"), "title": "Square"},
        format="multipart",
    )
    assert response.status_code == 201, response.data
    assert (response.data["content_type"], response.data["width"]) == ("image/jpeg", 1080)
    assert response.data["url"].startswith("http://testserver/media/marketing/social/")
    tall = api.post("/api/v1/social/assets/", {"file": upload(image_bytes((800, 1001)))}, format="multipart")
    assert tall.status_code == 422
    assert tall.data["code"] == "asset_aspect_ratio"


def test_post_crud_with_caption_counts(api):
    response = api.post(
        "/api/v1/social/posts/",
        {"language": "ru", "caption": "Привет 😀 @clinique", "hashtags": "кожа skincare"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["hashtags"] == "#кожа #skincare"
    assert response.data["caption_counts"]["hashtags"] == 2
    assert response.data["caption_counts"]["mentions"] == 1
    assert response.data["status"] == "draft"
    too_long = api.patch(f"/api/v1/social/posts/{response.data['id']}/", {"caption": "é" * 2201}, format="json")
    assert too_long.status_code == 400
    assert too_long.data["code"] == "caption_refused"
    ok = api.patch(f"/api/v1/social/posts/{response.data['id']}/", {"caption": "é" * 2000}, format="json")
    assert ok.status_code == 200


def test_set_assets_orders_and_limits_the_carousel(api, marketer):
    post = SocialPostFactory(created_by=marketer)
    assets = [make_asset(marketer, size=(400, 400)) for _ in range(11)]
    url = f"/api/v1/social/posts/{post.pk}/assets/"
    response = api.put(url, {"asset_ids": [str(a.pk) for a in assets[:10]]}, format="json")
    assert response.status_code == 200
    assert [row["asset"] for row in response.data["assets"]] == [a.pk for a in assets[:10]]
    refused = api.put(url, {"asset_ids": [str(a.pk) for a in assets]}, format="json")
    assert refused.status_code == 400 and refused.data["code"] == "carousel_refused"
    reordered = api.put(url, {"asset_ids": [str(assets[2].pk), str(assets[0].pk)]}, format="json")
    assert [(row["asset"], row["order_index"]) for row in reordered.data["assets"]] == [
        (assets[2].pk, 0), (assets[0].pk, 1)
    ]


def test_transition_refusal_lists_allowed_moves(api, marketer):
    post = SocialPostFactory(created_by=marketer)
    response = api.post(f"/api/v1/social/posts/{post.pk}/transition/", {"status": "scheduled"}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "post_transition_refused"
    assert response.data["allowed"] == ["ready", "manual_only"]


def test_transitions_through_the_api(api, marketer):
    post = SocialPostFactory(created_by=marketer)
    services.post_set_assets(post=post, assets=[make_asset(marketer)], actor=marketer)
    url = f"/api/v1/social/posts/{post.pk}/transition/"
    assert api.post(url, {"status": "ready"}, format="json").data["status"] == "ready"
    when = (timezone.now() + timedelta(hours=3)).isoformat()
    response = api.post(url, {"status": "scheduled", "scheduled_at": when}, format="json")
    assert response.status_code == 200 and response.data["status"] == "scheduled"
    response = api.post(url, {"status": "published", "published_external_id": "1789"}, format="json")
    assert (response.data["status"], response.data["published_external_id"]) == ("published", "1789")


@pytest.fixture
def s3_ready_post(s3_buckets, marketer):
    post = SocialPostFactory(created_by=marketer, caption="Avant / après 🌿", hashtags="#peau #soin")
    first = services.asset_upload(upload=upload(image_bytes((1080, 1350), color=(255, 0, 0))), actor=marketer)
    second = services.asset_upload(upload=upload(image_bytes((1080, 566), color=(0, 0, 255))), actor=marketer)
    services.post_set_assets(post=post, assets=[second, first], actor=marketer)
    services.post_transition(post=post, to_status="ready", actor=marketer)
    return post, [second, first]


def test_pack_gives_caption_and_presigned_urls_in_order(api, s3_ready_post, s3_buckets):
    post, ordered = s3_ready_post
    response = api.get(f"/api/v1/social/posts/{post.pk}/pack/")
    assert response.status_code == 200, response.data
    assert response.data["caption"] == "Avant / après 🌿\n\n#peau #soin"
    assert response.data["expires_in"] == services.PACK_URL_TTL
    assert "valables 24 h" in response.data["url_note"]
    assert [row["asset"] for row in response.data["assets"]] == [str(a.pk) for a in ordered]
    assert [row["filename"] for row in response.data["assets"]] == ["01.jpg", "02.jpg"]
    for row, asset in zip(response.data["assets"], ordered, strict=True):
        assert s3_buckets.names["marketing"] in row["url"] and "X-Amz-Signature" in row["url"]
        status, body = fetch(row["url"])
        assert status == 200
        assert Image.open(io.BytesIO(body)).size == (asset.width, asset.height)
    assert response.data["zip_url"].endswith(f"/api/v1/social/posts/{post.pk}/pack-zip/")


def test_pack_urls_expire(api, s3_ready_post):
    post, _ordered = s3_ready_post
    response = api.get(f"/api/v1/social/posts/{post.pk}/pack/?expires_in=1")
    assert response.data["expires_in"] == 1
    url = response.data["assets"][0]["url"]
    time.sleep(2.1)
    status, body = fetch(url)
    assert status == 403 and b"expired" in body
    fresh = api.get(f"/api/v1/social/posts/{post.pk}/pack/").data["assets"][0]["url"]
    assert fetch(fresh)[0] == 200


def test_pack_zip_holds_caption_and_images_in_order(api, s3_ready_post, s3_buckets):
    post, ordered = s3_ready_post
    response = api.get(f"/api/v1/social/posts/{post.pk}/pack-zip/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == ["caption.txt", "01.jpg", "02.jpg"]
    assert archive.read("caption.txt").decode() == "Avant / après 🌿\n\n#peau #soin\n"
    for name, asset in zip(["01.jpg", "02.jpg"], ordered, strict=True):
        stored = s3_buckets.client.get_object(Bucket=s3_buckets.names["marketing"], Key=asset.object_key)
        assert archive.read(name) == stored["Body"].read()


def test_pack_refused_for_draft(api, marketer):
    post = SocialPostFactory(created_by=marketer)
    response = api.get(f"/api/v1/social/posts/{post.pk}/pack/")
    assert response.status_code == 409 and response.data["code"] == "pack_unavailable"


def test_pack_on_local_folder_says_urls_do_not_expire(api, marketer):
    post = SocialPostFactory(created_by=marketer)
    services.post_set_assets(post=post, assets=[make_asset(marketer)], actor=marketer)
    services.post_transition(post=post, to_status="ready", actor=marketer)
    response = api.get(f"/api/v1/social/posts/{post.pk}/pack/")
    assert response.data["expires_in"] is None
    assert "expirent pas" in response.data["url_note"]
    assert response.data["assets"][0]["url"].startswith("http://testserver/media/marketing/social/")


def test_copy_of_clinical_photo_through_s3(api, marketer, s3_buckets):
    doctor = UserFactory(role="practitioner")
    patient = Patient.objects.create(first_name="Anna", last_name="Petrova", country_code="FR")
    clinical_services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    photo = clinical_services.clinical_photo_upload(
        patient=patient, upload=upload(image_bytes((1000, 1000), exif=gps_exif())), actor=doctor
    )
    url = "/api/v1/social/assets/from-clinical-photo/"
    refused = api.post(url, {"photo": str(photo.pk)}, format="json")
    assert refused.status_code == 409 and refused.data["code"] == "marketing_consent_missing"
    clinical_services.consent_grant(patient=patient, consent_type="marketing_photos", actor=doctor)
    response = api.post(url, {"photo": str(photo.pk)}, format="json")
    assert response.status_code == 201, response.data
    asset = SocialMediaAsset.objects.get(pk=response.data["id"])
    assert response.data["from_clinical_photo"] is True
    client, names = s3_buckets.client, s3_buckets.names
    marketing_keys = [o["Key"] for o in client.list_objects_v2(Bucket=names["marketing"]).get("Contents", [])]
    assert marketing_keys == [asset.object_key]
    assert photo.object_key not in marketing_keys
    copied = client.get_object(Bucket=names["marketing"], Key=asset.object_key)["Body"].read()
    original = client.get_object(Bucket=names["clinical"], Key=photo.object_key)["Body"].read()
    assert copied != original and b"PhoneMaker" not in copied


def test_revocation_lists_derived_posts_for_takedown(api, marketer):
    doctor = UserFactory(role="practitioner")
    patient = Patient.objects.create(first_name="Anna", last_name="Petrova", country_code="FR")
    clinical_services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    clinical_services.consent_grant(patient=patient, consent_type="marketing_photos", actor=doctor)
    photo = clinical_services.clinical_photo_upload(
        patient=patient, upload=upload(image_bytes((1000, 1000))), actor=doctor
    )
    asset = services.asset_copy_from_clinical_photo(photo=photo, actor=marketer)
    post = SocialPostFactory(created_by=marketer)
    services.post_set_assets(post=post, assets=[asset], actor=marketer)
    services.post_transition(post=post, to_status="ready", actor=marketer)
    other = SocialPostFactory(created_by=marketer)
    assert api.get("/api/v1/social/posts/?takedown=true").data["results"] == []

    clinical_services.consent_revoke(patient=patient, consent_type="marketing_photos", actor=doctor)

    listed = api.get("/api/v1/social/posts/?takedown=true").data["results"]
    assert [(row["id"], row["status"]) for row in listed] == [(str(post.pk), "draft")]
    assets = api.get("/api/v1/social/assets/?takedown=true").data["results"]
    assert [row["id"] for row in assets] == [str(asset.pk)]
    assert SocialPost.objects.get(pk=other.pk).takedown_requested_at is None


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_other_roles_are_refused_everywhere(role, marketer):
    post = SocialPostFactory(created_by=marketer)
    services.post_set_assets(post=post, assets=[make_asset(marketer)], actor=marketer)
    services.post_transition(post=post, to_status="ready", actor=marketer)
    asset = post.post_assets.get().asset
    account = SocialAccountFactory()
    client = client_for(UserFactory(role=role, email=f"{role}@x.example"))
    calls = [
        ("get", "/api/v1/social/accounts/", None),
        ("get", f"/api/v1/social/accounts/{account.pk}/", None),
        ("post", "/api/v1/social/accounts/", {"display_name": "x"}),
        ("get", "/api/v1/social/assets/", None),
        ("get", f"/api/v1/social/assets/{asset.pk}/", None),
        ("post", "/api/v1/social/assets/from-clinical-photo/", {"photo": str(asset.pk)}),
        ("delete", f"/api/v1/social/assets/{asset.pk}/", None),
        ("get", "/api/v1/social/posts/", None),
        ("get", f"/api/v1/social/posts/{post.pk}/", None),
        ("post", "/api/v1/social/posts/", {"caption": "x"}),
        ("patch", f"/api/v1/social/posts/{post.pk}/", {"caption": "x"}),
        ("put", f"/api/v1/social/posts/{post.pk}/assets/", {"asset_ids": []}),
        ("post", f"/api/v1/social/posts/{post.pk}/transition/", {"status": "draft"}),
        ("get", f"/api/v1/social/posts/{post.pk}/pack/", None),
        ("get", f"/api/v1/social/posts/{post.pk}/pack-zip/", None),
    ]
    for method, url, body in calls:
        response = getattr(client, method)(url, body, format="json") if body is not None else getattr(
            client, method
        )(url)
        assert response.status_code == 403, (method, url, response.status_code)
    post.refresh_from_db()
    assert post.status == "ready" and post.post_assets.count() == 1


def test_admin_role_may_do_everything(marketer):
    admin = UserFactory(role="admin", email="boss@social.example")
    post = SocialPostFactory(created_by=marketer)
    services.post_set_assets(post=post, assets=[make_asset(marketer)], actor=marketer)
    services.post_transition(post=post, to_status="ready", actor=marketer)
    client = client_for(admin)
    assert client.get("/api/v1/social/posts/").status_code == 200
    assert client.get(f"/api/v1/social/posts/{post.pk}/pack/").status_code == 200
    assert client.post(
        f"/api/v1/social/posts/{post.pk}/transition/", {"status": "draft"}, format="json"
    ).status_code == 200


def test_unauthenticated_is_refused():
    assert APIClient().get("/api/v1/social/posts/").status_code in (401, 403)


def test_asset_in_use_cannot_be_deleted_and_free_one_can(api, marketer):
    post = SocialPostFactory(created_by=marketer)
    used, free = make_asset(marketer), make_asset(marketer)
    services.post_set_assets(post=post, assets=[used], actor=marketer)
    refused = api.delete(f"/api/v1/social/assets/{used.pk}/")
    assert refused.status_code == 409 and refused.data["code"] == "asset_in_use"
    assert api.delete(f"/api/v1/social/assets/{free.pk}/").status_code == 204
    assert list(SocialMediaAsset.objects.values_list("pk", flat=True)) == [used.pk]


def test_published_post_is_locked(api, marketer):
    post = SocialPostFactory(created_by=marketer)
    services.post_set_assets(post=post, assets=[make_asset(marketer)], actor=marketer)
    services.post_transition(post=post, to_status="ready", actor=marketer)
    services.post_transition(post=post, to_status="published", published_external_id="ig-9", actor=marketer)
    edit = api.patch(f"/api/v1/social/posts/{post.pk}/", {"caption": "changed"}, format="json")
    assert edit.status_code == 409 and edit.data["code"] == "post_locked"
    assert api.delete(f"/api/v1/social/posts/{post.pk}/").status_code == 409
    assert SocialPost.objects.get(pk=post.pk).caption != "changed"
