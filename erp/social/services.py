"""Domain operations of the Instagram manual publish pack.

Images reach the marketing bucket only through ``asset_upload`` and
``asset_copy_from_clinical_photo`` (re-encoded JPEG, new UUID key, no metadata). Posts move
through ``post_transition``; the pack is read by ``post_manual_pack`` and ``post_pack_zip``.
"""

import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from storages.backends.s3 import S3Storage

from erp.clinical.models import ClinicalPhoto, Consent, ConsentStatus, ConsentType, Patient
from erp.clinical.selectors import consent_current
from erp.core.exceptions import InvalidInput
from erp.core.locking import lock_row, lock_rows
from erp.core.storage import bucket, storage_discard, storage_save
from erp.ops.audit import audit_record
from erp.social import images
from erp.social.captions import CaptionCounts, check_caption, compose_caption, count_caption, normalize_hashtags
from erp.social.exceptions import (
    AssetInUse,
    AssetTakenDown,
    CarouselRefused,
    MarketingConsentMissing,
    PackUnavailable,
    PostLocked,
    PostTransitionRefused,
)
from erp.social.models import SocialMediaAsset, SocialPost, SocialPostAsset, SocialPostStatus

MAX_CAROUSEL = 10
_PARKING = 1000  # temporary order_index while a reorder moves images
PACK_URL_TTL = 24 * 3600  # a day to post: presigned S3 URLs allow at most 7 days
MIN_PACK_URL_TTL = 1
MAX_PACK_URL_TTL = 7 * 24 * 3600
MARKETING_ROLE = "marketing"

S = SocialPostStatus
# Which status a post may move to from each status. Published is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.READY, S.MANUAL_ONLY),
    S.READY: (S.DRAFT, S.SCHEDULED, S.PUBLISHED, S.MANUAL_ONLY, S.FAILED),
    S.SCHEDULED: (S.READY, S.DRAFT, S.PUBLISHED, S.MANUAL_ONLY, S.FAILED),
    S.MANUAL_ONLY: (S.DRAFT, S.READY, S.PUBLISHED, S.FAILED),
    S.FAILED: (S.DRAFT, S.READY),
    S.PUBLISHED: (),
}
PACK_STATUSES = (S.READY, S.SCHEDULED)


# --- Assets -------------------------------------------------------------------------------------


def _new_key() -> str:
    return f"social/{uuid.uuid4()}.jpg"


def _store(data: bytes) -> str:
    return storage_save(SocialMediaAsset.BUCKET, _new_key(), data)


def _discard(key: str) -> None:
    # The row was never made, so nothing points at the object.
    storage_discard(SocialMediaAsset.BUCKET, key)


def _create_asset(*, prepared: images.PreparedImage, actor, title: str | None, audit_metadata: dict,
                  source_photo: ClinicalPhoto | None = None, source_consent: Consent | None = None,
                  ) -> SocialMediaAsset:
    key = _store(prepared.data)
    try:
        with transaction.atomic():
            asset = SocialMediaAsset(
                object_key=key,
                content_type=prepared.content_type,
                size_bytes=prepared.size_bytes,
                width=prepared.width,
                height=prepared.height,
                title=title or None,
                source_photo=source_photo,
                source_consent=source_consent,
                created_by=actor,
            )
            asset.full_clean()
            asset.save()
            audit_record(actor=actor, action="create", entity=asset, metadata=audit_metadata)
            if source_photo is not None:
                audit_record(actor=actor, action="export", entity=source_photo, metadata=audit_metadata)
    except BaseException:
        _discard(key)
        raise
    return asset


def asset_upload(*, upload, actor, title: str | None = None) -> SocialMediaAsset:
    """Check an image against Instagram's limits and store it as a clean JPEG under a new key."""
    prepared = images.prepare_image(images.read_upload(upload))
    return _create_asset(
        prepared=prepared,
        actor=actor,
        title=title,
        audit_metadata={"original_name": getattr(upload, "name", None) or "", "width": prepared.width,
                        "height": prepared.height},
    )


def asset_copy_from_clinical_photo(*, photo: ClinicalPhoto, actor, title: str | None = None) -> SocialMediaAsset:
    """The only way from the clinical bucket to the marketing one: needs the patient's current
    marketing_photos consent; the bytes are re-encoded under a new key and the source photo and
    consent go to the audit log."""
    with transaction.atomic():
        patient = lock_row(Patient.objects, pk=photo.patient_id)
        consent = consent_current(patient)[ConsentType.MARKETING_PHOTOS]
        if consent is None or consent.status != ConsentStatus.GRANTED:
            raise MarketingConsentMissing(
                _("The patient has not granted the marketing_photos consent: this photo cannot be used for marketing.")
            )
    photo = ClinicalPhoto.objects.get(pk=photo.pk)
    with bucket(ClinicalPhoto.BUCKET).open(photo.object_key, "rb") as handle:
        original = handle.read()
    prepared = images.prepare_image(original)
    with transaction.atomic():
        # The consent is checked again under the patient lock: a revocation during the copy wins.
        lock_row(Patient.objects, pk=patient.pk)
        current = consent_current(patient)[ConsentType.MARKETING_PHOTOS]
        if current is None or current.pk != consent.pk:
            raise MarketingConsentMissing(_("The marketing_photos consent changed during the copy; try again."))
        return _create_asset(
            prepared=prepared,
            actor=actor,
            title=title,
            source_photo=photo,
            source_consent=consent,
            audit_metadata={
                "source_photo_id": str(photo.pk),
                "consent_id": str(consent.pk),
                "patient_id": str(patient.pk),
                "purpose": "marketing_copy",
            },
        )


def asset_delete(*, asset: SocialMediaAsset, actor) -> None:
    """Remove an image no post uses; its object leaves the bucket once the row is gone."""
    with transaction.atomic():
        asset = lock_row(SocialMediaAsset.objects, pk=asset.pk)
        if asset.post_assets.exists():
            raise AssetInUse(_("The image is used by a post: remove it from the post first."))
        audit_record(actor=actor, action="delete", entity=asset)
        key = asset.object_key
        asset.delete()
        transaction.on_commit(lambda: _discard(key))


def assets_takedown_for_patient(*, patient: Patient, consent: Consent | None = None, actor=None) -> list[SocialPost]:
    """After a marketing_photos revocation: flag every asset copied from the patient's photos and
    every post using them for takedown; posts not yet published go back to draft."""
    now = timezone.now()
    with transaction.atomic():
        # Locks in the same order as post_set_assets (posts, then assets).
        asset_ids = list(
            SocialMediaAsset.objects.filter(source_photo__patient=patient, takedown_requested_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not asset_ids:
            return []
        post_ids = SocialPostAsset.objects.filter(asset__in=asset_ids).values("post_id")
        posts = lock_rows(SocialPost.objects.filter(pk__in=post_ids))
        assets = lock_rows(SocialMediaAsset.objects.filter(pk__in=asset_ids))
        # A post that took one of these images while we waited for the asset locks is caught too.
        posts += lock_rows(SocialPost.objects.filter(pk__in=post_ids).exclude(pk__in=[p.pk for p in posts]))
        for asset in assets:
            asset.takedown_requested_at = now
            asset.save(update_fields=["takedown_requested_at", "updated_at"])
            audit_record(
                actor=actor,
                action="update",
                entity=asset,
                metadata={"takedown": True, "patient_id": str(patient.pk),
                          "consent_id": str(consent.pk) if consent else None},
            )
        for post in posts:
            previous = post.status
            post.takedown_requested_at = now
            fields = ["takedown_requested_at", "updated_at"]
            if post.status != S.PUBLISHED:
                post.status = S.DRAFT
                fields.append("status")
            post.save(update_fields=fields)
            audit_record(
                actor=actor,
                action="update",
                entity=post,
                metadata={"takedown": True, "status_before": previous, "status": post.status},
            )
    return posts


# --- Posts --------------------------------------------------------------------------------------

EDITABLE_FIELDS = ("language", "caption", "hashtags", "scheduled_at")


def post_create(*, data: dict[str, Any], actor) -> SocialPost:
    """A new draft; the caption must be within Instagram's limits."""
    values = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    values["hashtags"] = normalize_hashtags(values.get("hashtags"))
    check_caption(values.get("caption"), values.get("hashtags"))
    with transaction.atomic():
        post = SocialPost(**values, created_by=actor)
        post.full_clean()
        post.save()
        audit_record(actor=actor, action="create", entity=post)
    return post


def _lock_post(post: SocialPost) -> SocialPost:
    return lock_row(SocialPost.objects, pk=post.pk)


def post_update(*, post: SocialPost, data: dict[str, Any], actor) -> SocialPost:
    """Edit the text, language or time of a post that is not published yet."""
    with transaction.atomic():
        post = _lock_post(post)
        if post.status == S.PUBLISHED:
            raise PostLocked(_("A published post is no longer edited."))
        changed = []
        for name in EDITABLE_FIELDS:
            if name not in data:
                continue
            value = normalize_hashtags(data[name]) if name == "hashtags" else data[name]
            if getattr(post, name) != value:
                setattr(post, name, value)
                changed.append(name)
        check_caption(post.caption, post.hashtags)
        if post.status == S.SCHEDULED and "scheduled_at" in changed:
            _require_future(post.scheduled_at)
            post.reminder_sent_at = None
        post.full_clean()
        post.save()
        audit_record(actor=actor, action="update", entity=post, metadata={"fields_changed": changed})
    return post


def post_delete(*, post: SocialPost, actor) -> None:
    with transaction.atomic():
        post = _lock_post(post)
        if post.status == S.PUBLISHED:
            raise PostLocked(_("A published post is kept as the record of what went online."))
        audit_record(actor=actor, action="delete", entity=post)
        post.delete()


def post_set_assets(*, post: SocialPost, assets: list[SocialMediaAsset], actor) -> list[SocialPostAsset]:
    """Make ``assets`` the post's carousel, in this order (order_index 0, 1, ...): adds, removes
    and reorders in one step. At most 10 images, each once, none flagged for takedown."""
    if len(assets) > MAX_CAROUSEL:
        raise CarouselRefused(
            _("A carousel holds at most %(max_carousel)s images (%(given)s given).")
            % {"max_carousel": MAX_CAROUSEL, "given": len(assets)},
            field="asset_ids",
        )
    ids = [asset.pk for asset in assets]
    if len(set(ids)) != len(ids):
        raise CarouselRefused(_("An image appears twice in the carousel."), field="asset_ids")
    with transaction.atomic():
        post = _lock_post(post)
        if post.status == S.PUBLISHED:
            raise PostLocked(_("A published post is no longer edited."))
        if not ids and post.status in (S.READY, S.SCHEDULED, S.MANUAL_ONLY):
            raise CarouselRefused(
                _("A %(status)s post keeps at least one image; move it back to draft to empty it.")
                % {"status": post.get_status_display()},
                field="asset_ids",
            )
        locked = {a.pk: a for a in lock_rows(SocialMediaAsset.objects.filter(pk__in=ids))}
        for asset_id in ids:
            if locked[asset_id].takedown_requested_at is not None:
                raise AssetTakenDown(
                    _("The image %(asset_id)s was withdrawn (consent revoked) and cannot be used.")
                    % {"asset_id": asset_id},
                    field="asset_ids",
                )
        links = {link.asset_id: link for link in lock_rows(post.post_assets.all())}
        before = [link.asset_id for link in sorted(links.values(), key=lambda link: link.order_index)]
        SocialPostAsset.objects.filter(post=post).exclude(asset_id__in=ids).delete()
        target = {asset_id: index for index, asset_id in enumerate(ids)}
        moving = [link for aid, link in links.items() if aid in target and link.order_index != target[aid]]
        # Two steps keep (post, order_index) unique at every statement: park the moved images on
        # positions no carousel uses, then put them in place.
        for parked, link in enumerate(moving, start=_PARKING):
            SocialPostAsset.objects.filter(pk=link.pk).update(order_index=parked)
        result = []
        for index, asset_id in enumerate(ids):
            link = links.get(asset_id)
            if link is None:
                link = SocialPostAsset.objects.create(post=post, asset=locked[asset_id], order_index=index)
            elif link.order_index != index:
                link.order_index = index
                link.save(update_fields=["order_index", "updated_at"])
            result.append(link)
        post.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            action="update",
            entity=post,
            metadata={"assets_before": [str(i) for i in before], "assets": [str(i) for i in ids]},
        )
    return result


def _require_future(when: datetime | None) -> None:
    if when is None or when <= timezone.now():
        raise PostTransitionRefused(
            _("A scheduled post needs a scheduled_at in the future."), field="scheduled_at", code="scheduled_at_past"
        )


def _check_publishable(post: SocialPost) -> None:
    links = list(post.post_assets.select_related("asset"))
    if not links:
        raise PostTransitionRefused(_("The post has no image: add at least one."), code="post_without_assets")
    if any(link.asset.takedown_requested_at for link in links):
        raise AssetTakenDown(_("The post uses an image withdrawn after a consent revocation; remove it first."))
    check_caption(post.caption, post.hashtags)


def post_transition(
    *,
    post: SocialPost,
    to_status: str,
    actor,
    scheduled_at: datetime | None = None,
    published_external_id: str | None = None,
    error_log: str | None = None,
) -> SocialPost:
    """Move a post to ``to_status`` when the transition table and the status's needs allow it."""
    with transaction.atomic():
        post = _lock_post(post)
        allowed = TRANSITIONS[post.status]
        if to_status not in allowed:
            names = ", ".join(str(SocialPostStatus(code).label) for code in allowed) or _("none: it is final")
            raise PostTransitionRefused(
                _("A %(status)s post cannot become %(to_status)s; allowed: %(names)s.")
                % {
                    "status": post.get_status_display(),
                    "to_status": dict(SocialPostStatus.choices).get(to_status, to_status),
                    "names": names,
                },
                field="status",
                extra={"allowed": list(allowed)},
            )
        previous = post.status
        if to_status in (S.READY, S.SCHEDULED, S.PUBLISHED, S.MANUAL_ONLY):
            _check_publishable(post)
        if to_status == S.SCHEDULED:
            when = scheduled_at or post.scheduled_at
            _require_future(when)
            post.scheduled_at = when
            post.reminder_sent_at = None
        if to_status == S.PUBLISHED:
            external = (published_external_id or "").strip()
            if not external:
                raise PostTransitionRefused(
                    _("Enter the Instagram post id (published_external_id) to mark the post published."),
                    field="published_external_id",
                    code="published_external_id_required",
                )
            post.published_external_id = external
            post.published_at = timezone.now()
        if to_status == S.FAILED:
            if not (error_log or "").strip():
                raise PostTransitionRefused(
                    _("Say what went wrong (error_log) to mark the post failed."), field="error_log",
                    code="error_log_required",
                )
            post.error_log = error_log.strip()
        post.status = to_status
        post.full_clean()
        post.save()
        audit_record(
            actor=actor,
            action="update",
            entity=post,
            metadata={"status_before": previous, "status": to_status},
        )
    return post


# --- Manual Publish Pack ------------------------------------------------------------------------


@dataclass(frozen=True)
class PackAsset:
    order_index: int
    asset: SocialMediaAsset
    url: str
    filename: str


@dataclass(frozen=True)
class ManualPack:
    post: SocialPost
    caption: str
    counts: CaptionCounts
    assets: list[PackAsset]
    expires_in: int | None
    expires_at: datetime | None
    url_note: str


def marketing_url(key: str, *, expires_in: int, base_url: str | None = None) -> tuple[str, bool]:
    """A download URL of the marketing bucket and whether it expires: presigned GET on S3, the
    public (non-expiring) URL for the local folder (absolute on ``base_url`` when given)."""
    storage = bucket(SocialMediaAsset.BUCKET)
    if isinstance(storage, S3Storage):
        client = storage.connection.meta.client
        url = client.generate_presigned_url(
            "get_object", Params={"Bucket": storage.bucket_name, "Key": key}, ExpiresIn=expires_in
        )
        return url, True
    url = storage.url(key)
    if base_url is not None:
        url = urljoin(base_url, url)
    return url, False


def _pack_post(post: SocialPost) -> tuple[SocialPost, list[SocialPostAsset]]:
    post = SocialPost.objects.get(pk=post.pk)
    if post.status not in PACK_STATUSES:
        raise PackUnavailable(
            _("The pack is for ready or scheduled posts; this one is %(status)s.")
            % {"status": post.get_status_display()},
            extra={"allowed_statuses": list(PACK_STATUSES)},
        )
    links = list(post.post_assets.select_related("asset").order_by("order_index"))
    if any(link.asset.takedown_requested_at for link in links):
        raise AssetTakenDown(_("The post uses an image withdrawn after a consent revocation."))
    return post, links


def post_manual_pack(
    *, post: SocialPost, actor, expires_in: int = PACK_URL_TTL, base_url: str | None = None
) -> ManualPack:
    """The caption with its hashtags ready to paste and the images in order as download URLs
    (local-folder URLs made absolute on ``base_url``)."""
    if not MIN_PACK_URL_TTL <= expires_in <= MAX_PACK_URL_TTL:
        raise InvalidInput(
            _("expires_in must be between %(min_pack_url_ttl)s and %(max_pack_url_ttl)s seconds.")
            % {"min_pack_url_ttl": MIN_PACK_URL_TTL, "max_pack_url_ttl": MAX_PACK_URL_TTL},
            field="expires_in",
            code="pack_expiry_invalid",
        )
    post, links = _pack_post(post)
    signed_at = timezone.now()
    items = []
    expiring = False
    for position, link in enumerate(links, start=1):
        url, expiring = marketing_url(link.asset.object_key, expires_in=expires_in, base_url=base_url)
        items.append(PackAsset(order_index=link.order_index, asset=link.asset, url=url, filename=f"{position:02d}.jpg"))
    caption = compose_caption(post.caption, post.hashtags)
    if expiring or not items:
        note = _("The image links are valid for %(hours)s h %(minutes)s min (%(seconds)s s), until %(until)s UTC.") % {
            "hours": expires_in // 3600,
            "minutes": expires_in % 3600 // 60,
            "seconds": expires_in,
            "until": f"{signed_at + timedelta(seconds=expires_in):%Y-%m-%d %H:%M}",
        }
    else:
        note = _("The image links are public links of the marketing folder: they do not expire.")
    with transaction.atomic():
        audit_record(
            actor=actor, action="export", entity=post,
            metadata={"pack": "urls", "assets": [str(item.asset.pk) for item in items]},
        )
    return ManualPack(
        post=post,
        caption=caption,
        counts=count_caption(caption),
        assets=items,
        expires_in=expires_in if expiring or not items else None,
        expires_at=signed_at + timedelta(seconds=expires_in) if expiring or not items else None,
        url_note=note,
    )


def post_pack_zip(*, post: SocialPost, actor) -> bytes:
    """A ZIP of the pack: ``caption.txt`` and the images in carousel order (01.jpg, 02.jpg, ...)."""
    post, links = _pack_post(post)
    storage = bucket(SocialMediaAsset.BUCKET)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("caption.txt", compose_caption(post.caption, post.hashtags) + "\n")
        for position, link in enumerate(links, start=1):
            with storage.open(link.asset.object_key, "rb") as handle:
                archive.writestr(f"{position:02d}.jpg", handle.read(), compress_type=zipfile.ZIP_STORED)
    with transaction.atomic():
        audit_record(
            actor=actor, action="export", entity=post,
            metadata={"pack": "zip", "assets": [str(link.asset_id) for link in links]},
        )
    return out.getvalue()


# --- Reminders ----------------------------------------------------------------------------------


def marketing_recipients() -> list[str]:
    User = get_user_model()
    return sorted(
        set(
            User.objects.filter(groups__name=MARKETING_ROLE, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def post_reminders_send(*, now: datetime | None = None) -> list[SocialPost]:
    """E-mail marketing once about each scheduled post past its time and not marked published.

    Each post is its own transaction: a mail failure leaves that post to the next run without
    resending the reminders already recorded.
    """
    now = now or timezone.now()
    recipients = marketing_recipients()
    if not recipients:
        return []
    due_ids = list(
        SocialPost.objects.filter(status=S.SCHEDULED, scheduled_at__lte=now, reminder_sent_at__isnull=True)
        .order_by("scheduled_at", "pk")
        .values_list("pk", flat=True)
    )
    sent = []
    for post_id in due_ids:
        with transaction.atomic():
            post = (
                SocialPost.objects.select_for_update(skip_locked=True)
                .filter(pk=post_id, status=S.SCHEDULED, scheduled_at__lte=now, reminder_sent_at__isnull=True)
                .first()
            )
            if post is None:
                continue
            link = f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/admin/social/posts/edit/{post.pk}/"
            send_mail(
                subject=_("Instagram post due: %(post)s") % {"post": str(post)[:80]},
                message=(
                    _(
                        "The post scheduled for %(scheduled_at)s UTC is not marked published yet.\n\n"
                        "Open its Manual Publish Pack, post it on Instagram, then mark it published with the post id:\n"
                        "%(link)s\n"
                    )
                    % {"scheduled_at": f"{post.scheduled_at:%Y-%m-%d %H:%M}", "link": link}
                ),
                from_email=None,
                recipient_list=recipients,
            )
            post.reminder_sent_at = now
            post.save(update_fields=["reminder_sent_at", "updated_at"])
            audit_record(actor=None, action="update", entity=post, metadata={"reminder_sent_to": recipients})
            sent.append(post)
    return sent
