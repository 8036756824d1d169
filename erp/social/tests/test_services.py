import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image

from erp.clinical import services as clinical_services
from erp.clinical.models import Patient
from erp.core.storage import bucket
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog
from erp.social import services, tasks
from erp.social.exceptions import (
    AssetInUse,
    AssetTakenDown,
    CaptionRefused,
    CarouselRefused,
    MarketingConsentMissing,
    PackUnavailable,
    PostLocked,
    PostTransitionRefused,
)
from erp.social.models import SocialMediaAsset, SocialPost, SocialPostAsset
from erp.social.tests.factories import SocialPostFactory, gps_exif, image_bytes, make_asset, ready_post, upload

pytestmark = pytest.mark.django_db


# --- Assets -------------------------------------------------------------------------------------


def test_asset_upload_stores_a_clean_jpeg_under_a_uuid_key(marketer):
    asset = services.asset_upload(
        upload=upload(image_bytes((1080, 1350), fmt="PNG", exif=gps_exif()), name="IMG_0001.png"), actor=marketer
    )
    assert asset.object_key.startswith("social/") and asset.object_key.endswith(".jpg")
    assert "IMG_0001" not in asset.object_key
    assert (asset.storage_bucket, asset.content_type, asset.width, asset.height) == (
        "marketing", "image/jpeg", 1080, 1350
    )
    with bucket("marketing").open(asset.object_key, "rb") as handle:
        stored = handle.read()
    assert asset.size_bytes == len(stored)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and len(image.getexif()) == 0
    assert AuditLog.objects.filter(entity_id=asset.pk, action="create").exists()


def test_asset_upload_refused_leaves_nothing(marketer):
    with pytest.raises(Exception):
        services.asset_upload(upload=upload(image_bytes((300, 300))), actor=marketer)
    assert not SocialMediaAsset.objects.exists()


def test_asset_upload_over_8_mb_refused_before_reading(marketer):
    big = upload(b"\0" * (8 * 1024 * 1024 + 1))
    with pytest.raises(Exception, match="8 Mo"):
        services.asset_upload(upload=big, actor=marketer)


def test_asset_delete_refused_while_a_post_uses_it(marketer):
    post = ready_post(marketer, assets=1)
    asset = post.post_assets.get().asset
    with pytest.raises(AssetInUse):
        services.asset_delete(asset=asset, actor=marketer)
    free = make_asset(marketer)
    services.asset_delete(asset=free, actor=marketer)
    assert not SocialMediaAsset.objects.filter(pk=free.pk).exists()


# --- Posts and carousel -------------------------------------------------------------------------


def test_post_create_refuses_a_caption_over_the_limits(marketer):
    with pytest.raises(CaptionRefused):
        services.post_create(data={"caption": "a" * 2201, "language": "en"}, actor=marketer)
    post = services.post_create(data={"caption": "a" * 2200, "language": "en"}, actor=marketer)
    assert post.status == "draft" and post.created_by == marketer


def test_post_update_checks_hashtags_with_the_caption(marketer):
    post = services.post_create(data={"caption": "Hi", "hashtags": "one two"}, actor=marketer)
    assert post.hashtags == "#one #two"
    with pytest.raises(CaptionRefused):
        services.post_update(post=post, data={"hashtags": " ".join(f"t{i}" for i in range(31))}, actor=marketer)
    services.post_update(post=post, data={"hashtags": " ".join(f"t{i}" for i in range(30))}, actor=marketer)


def test_carousel_of_ten_accepted_eleven_refused(marketer):
    post = SocialPostFactory()
    assets = [make_asset(marketer, size=(400, 400)) for _ in range(11)]
    links = services.post_set_assets(post=post, assets=assets[:10], actor=marketer)
    assert [link.order_index for link in links] == list(range(10))
    with pytest.raises(CarouselRefused, match="au maximum 10"):
        services.post_set_assets(post=post, assets=assets, actor=marketer)
    assert post.post_assets.count() == 10


def test_reorder_swaps_positions_and_keeps_order_index_unique(marketer):
    post = SocialPostFactory()
    a, b, c = (make_asset(marketer, size=(400, 400)) for _ in range(3))
    services.post_set_assets(post=post, assets=[a, b, c], actor=marketer)
    services.post_set_assets(post=post, assets=[c, a], actor=marketer)
    rows = list(SocialPostAsset.objects.filter(post=post).order_by("order_index").values_list("asset", "order_index"))
    assert rows == [(c.pk, 0), (a.pk, 1)]


def test_ready_post_keeps_at_least_one_image(marketer):
    post = ready_post(marketer, assets=1)
    with pytest.raises(CarouselRefused, match="au moins une image"):
        services.post_set_assets(post=post, assets=[], actor=marketer)
    post = services.post_transition(post=post, to_status="draft", actor=marketer)
    services.post_set_assets(post=post, assets=[], actor=marketer)
    assert not post.post_assets.exists()


def test_same_asset_twice_refused(marketer):
    post = SocialPostFactory()
    a = make_asset(marketer, size=(400, 400))
    with pytest.raises(CarouselRefused):
        services.post_set_assets(post=post, assets=[a, a], actor=marketer)


# --- Transitions --------------------------------------------------------------------------------


def test_illegal_transition_names_the_allowed_ones(marketer):
    post = SocialPostFactory()
    with pytest.raises(PostTransitionRefused) as error:
        services.post_transition(post=post, to_status="published", published_external_id="1", actor=marketer)
    # Staff read the statuses' labels, never their codes; the API's ``extra`` keeps the codes.
    assert "possibles : Prête, Manuelle uniquement" in error.value.message
    assert "manual_only" not in error.value.message
    assert error.value.extra == {"allowed": ["ready", "manual_only"]}


def test_ready_needs_an_image(marketer):
    post = SocialPostFactory()
    with pytest.raises(PostTransitionRefused) as error:
        services.post_transition(post=post, to_status="ready", actor=marketer)
    assert error.value.code == "post_without_assets"


def test_full_path_draft_ready_scheduled_published(marketer):
    post = ready_post(marketer)
    assert post.status == "ready"
    with pytest.raises(PostTransitionRefused) as error:
        services.post_transition(
            post=post, to_status="scheduled", scheduled_at=timezone.now() - timedelta(minutes=1), actor=marketer
        )
    assert error.value.code == "scheduled_at_past"
    with pytest.raises(PostTransitionRefused):
        services.post_transition(post=post, to_status="scheduled", actor=marketer)  # no time at all
    when = timezone.now() + timedelta(hours=2)
    post = services.post_transition(post=post, to_status="scheduled", scheduled_at=when, actor=marketer)
    assert (post.status, post.scheduled_at) == ("scheduled", when)
    with pytest.raises(PostTransitionRefused) as error:
        services.post_transition(post=post, to_status="published", published_external_id="  ", actor=marketer)
    assert error.value.code == "published_external_id_required"
    post = services.post_transition(
        post=post, to_status="published", published_external_id="17895695668004550", actor=marketer
    )
    assert post.status == "published" and post.published_at is not None
    with pytest.raises(PostTransitionRefused, match="aucun : ce statut est définitif"):
        services.post_transition(post=post, to_status="draft", actor=marketer)
    with pytest.raises(PostLocked):
        services.post_update(post=post, data={"caption": "edited"}, actor=marketer)
    statuses = list(
        AuditLog.objects.filter(entity_id=post.pk, metadata_json__status__isnull=False)
        .order_by("timestamp")
        .values_list("metadata_json__status", flat=True)
    )
    assert statuses == ["ready", "scheduled", "published"]


def test_failed_needs_an_error_log_and_can_go_back_to_draft(marketer):
    post = ready_post(marketer)
    with pytest.raises(PostTransitionRefused) as error:
        services.post_transition(post=post, to_status="failed", actor=marketer)
    assert error.value.code == "error_log_required"
    post = services.post_transition(post=post, to_status="failed", error_log="Instagram refused", actor=marketer)
    assert post.error_log == "Instagram refused"
    assert services.post_transition(post=post, to_status="draft", actor=marketer).status == "draft"


def test_manual_only_can_be_published(marketer):
    post = ready_post(marketer)
    post = services.post_transition(post=post, to_status="manual_only", actor=marketer)
    post = services.post_transition(post=post, to_status="published", published_external_id="x1", actor=marketer)
    assert post.status == "published"


# --- Pack (local folder) ------------------------------------------------------------------------


def test_pack_on_local_folder_gives_public_urls_that_do_not_expire(marketer):
    post = ready_post(marketer)
    pack = services.post_manual_pack(post=post, actor=marketer)
    assert pack.caption == "Les bons gestes solaires ☀️ avec @clinique.derm\n\n#skincare #dermatologie"
    assert [item.url for item in pack.assets] == [
        f"/media/marketing/{link.asset.object_key}" for link in post.post_assets.order_by("order_index")
    ]
    assert pack.expires_in is None and "expirent pas" in pack.url_note
    assert AuditLog.objects.filter(entity_id=post.pk, action="export").exists()
    absolute = services.post_manual_pack(post=post, actor=marketer, base_url="https://clinic.test/")
    assert [item.url for item in absolute.assets] == [f"https://clinic.test{item.url}" for item in pack.assets]


def test_pack_refused_for_a_draft(marketer):
    post = SocialPostFactory()
    with pytest.raises(PackUnavailable):
        services.post_manual_pack(post=post, actor=marketer)
    with pytest.raises(PackUnavailable):
        services.post_pack_zip(post=post, actor=marketer)


# --- Reminders ----------------------------------------------------------------------------------


def test_reminder_sent_once_per_due_scheduled_post(marketer):
    other_marketer = UserFactory(role="marketing", email="second@social.example")
    post = ready_post(marketer)
    post = services.post_transition(
        post=post, to_status="scheduled", scheduled_at=timezone.now() + timedelta(hours=1), actor=marketer
    )
    later = ready_post(marketer)
    services.post_transition(
        post=later, to_status="scheduled", scheduled_at=timezone.now() + timedelta(days=1), actor=marketer
    )
    assert tasks.remind_due_posts.call_local() == 0  # nothing due yet
    SocialPost.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() - timedelta(minutes=3))
    assert tasks.remind_due_posts.call_local() == 1
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([marketer.email, other_marketer.email])
    assert str(post.pk) in mail.outbox[0].body
    assert tasks.remind_due_posts.call_local() == 0  # once per post
    assert len(mail.outbox) == 1
    post.refresh_from_db()
    assert post.reminder_sent_at is not None


def test_reminder_task_runs_every_five_minutes():
    from datetime import datetime

    task = tasks.remind_due_posts.task_class()
    assert task.validate_datetime(datetime(2026, 1, 1, 10, 5))
    assert not task.validate_datetime(datetime(2026, 1, 1, 10, 7))


def test_published_post_is_not_reminded(marketer):
    post = ready_post(marketer)
    post = services.post_transition(
        post=post, to_status="scheduled", scheduled_at=timezone.now() + timedelta(hours=1), actor=marketer
    )
    services.post_transition(post=post, to_status="published", published_external_id="p1", actor=marketer)
    SocialPost.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() - timedelta(hours=1))
    assert services.post_reminders_send() == []
    assert mail.outbox == []


# --- Clinical photos: consent-gated copy and revocation -----------------------------------------


@pytest.fixture
def clinical_photo(doctor):
    patient = Patient.objects.create(first_name="Lucie", last_name="Bernard", country_code="FR")
    clinical_services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    return clinical_services.clinical_photo_upload(
        patient=patient, upload=upload(image_bytes((900, 900), exif=gps_exif())), actor=doctor
    )


def test_copy_refused_without_marketing_consent(clinical_photo, marketer):
    with pytest.raises(MarketingConsentMissing):
        services.asset_copy_from_clinical_photo(photo=clinical_photo, actor=marketer)
    assert not SocialMediaAsset.objects.exists()


def test_copy_refused_after_revocation(clinical_photo, marketer, doctor):
    patient = clinical_photo.patient
    clinical_services.consent_grant(patient=patient, consent_type="marketing_photos", actor=doctor)
    clinical_services.consent_revoke(patient=patient, consent_type="marketing_photos", actor=doctor)
    with pytest.raises(MarketingConsentMissing):
        services.asset_copy_from_clinical_photo(photo=clinical_photo, actor=marketer)


def test_copy_with_consent_reencodes_under_a_new_marketing_key(clinical_photo, marketer, doctor):
    consent = clinical_services.consent_grant(
        patient=clinical_photo.patient, consent_type="marketing_photos", actor=doctor
    )
    asset = services.asset_copy_from_clinical_photo(photo=clinical_photo, actor=marketer)
    assert asset.object_key != clinical_photo.object_key
    assert clinical_photo.object_key.split("/")[-1].split(".")[0] not in asset.object_key
    assert asset.storage_bucket == "marketing"
    assert (asset.source_photo, asset.source_consent) == (clinical_photo, consent)
    with bucket("clinical").open(clinical_photo.object_key, "rb") as handle:
        original = handle.read()
    with bucket("marketing").open(asset.object_key, "rb") as handle:
        copied = handle.read()
    assert copied != original
    assert b"PhoneMaker" in original and b"PhoneMaker" not in copied
    assert not bucket("marketing").exists(clinical_photo.object_key)
    audit = AuditLog.objects.get(entity_id=asset.pk, action="create")
    assert audit.metadata_json["source_photo_id"] == str(clinical_photo.pk)
    assert audit.metadata_json["consent_id"] == str(consent.pk)
    assert AuditLog.objects.filter(entity_id=clinical_photo.pk, action="export").exists()


def test_revocation_flags_assets_and_sends_unpublished_posts_back_to_draft(clinical_photo, marketer, doctor):
    patient = clinical_photo.patient
    clinical_services.consent_grant(patient=patient, consent_type="marketing_photos", actor=doctor)
    derived = services.asset_copy_from_clinical_photo(photo=clinical_photo, actor=marketer)
    unrelated = make_asset(marketer)

    scheduled = SocialPostFactory()
    services.post_set_assets(post=scheduled, assets=[unrelated, derived], actor=marketer)
    services.post_transition(post=scheduled, to_status="ready", actor=marketer)
    services.post_transition(
        post=scheduled, to_status="scheduled", scheduled_at=timezone.now() + timedelta(days=1), actor=marketer
    )
    published = SocialPostFactory()
    services.post_set_assets(post=published, assets=[derived], actor=marketer)
    services.post_transition(post=published, to_status="ready", actor=marketer)
    services.post_transition(post=published, to_status="published", published_external_id="ig1", actor=marketer)
    untouched = SocialPostFactory()
    services.post_set_assets(post=untouched, assets=[unrelated], actor=marketer)
    services.post_transition(post=untouched, to_status="ready", actor=marketer)

    clinical_services.consent_revoke(patient=patient, consent_type="marketing_photos", actor=doctor)

    derived.refresh_from_db()
    unrelated.refresh_from_db()
    assert derived.takedown_requested_at is not None and unrelated.takedown_requested_at is None
    flagged = set(SocialPost.objects.filter(takedown_requested_at__isnull=False).values_list("pk", "status"))
    assert flagged == {(scheduled.pk, "draft"), (published.pk, "published")}
    untouched.refresh_from_db()
    assert untouched.status == "ready"
    # A withdrawn image cannot come back into a post or a pack.
    with pytest.raises(AssetTakenDown):
        services.post_transition(post=scheduled, to_status="ready", actor=marketer)
    with pytest.raises(AssetTakenDown):
        services.post_set_assets(post=untouched, assets=[unrelated, derived], actor=marketer)


def test_copy_failing_midway_leaves_no_row_and_no_object(clinical_photo, marketer, doctor, monkeypatch):
    clinical_services.consent_grant(patient=clinical_photo.patient, consent_type="marketing_photos", actor=doctor)

    def broken_audit(**kwargs):
        raise RuntimeError("audit store down")

    def marketing_files():
        storage = bucket("marketing")
        return set(storage.listdir("social")[1]) if storage.exists("social") else set()

    before = marketing_files()
    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        services.asset_copy_from_clinical_photo(photo=clinical_photo, actor=marketer)
    assert not SocialMediaAsset.objects.exists()
    assert marketing_files() == before


def test_revocation_rolled_back_keeps_posts_untouched(clinical_photo, marketer, doctor):
    from django.db import transaction

    patient = clinical_photo.patient
    clinical_services.consent_grant(patient=patient, consent_type="marketing_photos", actor=doctor)
    asset = services.asset_copy_from_clinical_photo(photo=clinical_photo, actor=marketer)
    post = SocialPostFactory()
    services.post_set_assets(post=post, assets=[asset], actor=marketer)
    services.post_transition(post=post, to_status="ready", actor=marketer)
    with pytest.raises(RuntimeError), transaction.atomic():
        clinical_services.consent_revoke(patient=patient, consent_type="marketing_photos", actor=doctor)
        raise RuntimeError("the revocation's transaction fails")
    post.refresh_from_db()
    asset.refresh_from_db()
    assert post.status == "ready" and post.takedown_requested_at is None
    assert asset.takedown_requested_at is None


def test_other_consent_revocations_do_not_take_down(clinical_photo, marketer, doctor):
    patient = clinical_photo.patient
    clinical_services.consent_grant(patient=patient, consent_type="marketing_photos", actor=doctor)
    asset = services.asset_copy_from_clinical_photo(photo=clinical_photo, actor=marketer)
    clinical_services.consent_grant(patient=patient, consent_type="newsletter", actor=doctor)
    clinical_services.consent_revoke(patient=patient, consent_type="newsletter", actor=doctor)
    asset.refresh_from_db()
    assert asset.takedown_requested_at is None
