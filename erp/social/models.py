"""Instagram manual publish pack (spec 000 §10).

Besides the spec's fields, an asset remembers the clinical photo and consent it was copied from
(by row, never by object key) so a revoked ``marketing_photos`` consent can list what must be
taken down; posts keep when their due reminder was sent.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.core.models import BaseModel, CreatedByModel, LanguageChoices


class SocialProvider(models.TextChoices):
    INSTAGRAM_META = "instagram_meta", _("Instagram (Meta)")


class SocialAccountStatus(models.TextChoices):
    DISCONNECTED = "disconnected", _("Disconnected")
    CONNECTED = "connected", _("Connected")
    EXPIRED = "expired", _("Expired")


class SocialAccount(BaseModel):
    """The clinic's Instagram account. No token is stored in this version (manual publishing)."""

    provider = models.CharField(
        max_length=20, choices=SocialProvider.choices, default=SocialProvider.INSTAGRAM_META, verbose_name=_("provider")
    )
    display_name = models.CharField(max_length=200, null=True, blank=True, verbose_name=_("display name"))
    status = models.CharField(
        max_length=20,
        choices=SocialAccountStatus.choices,
        default=SocialAccountStatus.DISCONNECTED,
        verbose_name=_("status"),
    )
    token_encrypted = models.TextField(null=True, blank=True, editable=False, verbose_name=_("token encrypted"))
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("token expires at"))

    class Meta:
        ordering = ["provider", "display_name"]
        verbose_name = _("social account")
        verbose_name_plural = _("social accounts")

    def __str__(self) -> str:
        return f"{self.display_name or self.get_provider_display()} ({self.get_status_display()})"


class SocialMediaAsset(BaseModel, CreatedByModel):
    """An image of the marketing bucket, already checked against Instagram's limits (JPEG)."""

    BUCKET = "marketing"

    storage_bucket = models.CharField(max_length=20, default=BUCKET, editable=False, verbose_name=_("storage bucket"))
    object_key = models.CharField(max_length=255, unique=True, editable=False, verbose_name=_("object key"))
    content_type = models.CharField(max_length=100, editable=False, verbose_name=_("content type"))
    size_bytes = models.PositiveBigIntegerField(editable=False, verbose_name=_("size bytes"))
    width = models.PositiveIntegerField(editable=False, verbose_name=_("width"))
    height = models.PositiveIntegerField(editable=False, verbose_name=_("height"))
    title = models.CharField(max_length=200, null=True, blank=True, verbose_name=_("title"))
    source_photo = models.ForeignKey(
        "clinical.ClinicalPhoto",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text=_("The clinical photo this image was copied from (with the patient's consent)."),
        verbose_name=_("source photo"),
    )
    source_consent = models.ForeignKey(
        "clinical.Consent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("source consent"),
    )
    takedown_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the patient revoked the marketing consent."),
        verbose_name=_("takedown requested at"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("social media asset")
        verbose_name_plural = _("social media assets")
        indexes = [models.Index(fields=["source_photo"], name="social_asset_source_photo_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(storage_bucket="marketing"), name="social_asset_bucket_fixed"),
            models.CheckConstraint(
                condition=Q(source_photo__isnull=True) | Q(source_consent__isnull=False),
                name="social_asset_copy_has_consent",
            ),
        ]
        permissions = [
            ("copy_clinical_photo", "Can copy a consented clinical photo into the marketing bucket"),
        ]

    def __str__(self) -> str:
        return self.title or self.object_key


class SocialPostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    READY = "ready", _("Ready")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    MANUAL_ONLY = "manual_only", _("Manual only")
    FAILED = "failed", _("Failed")


class SocialPost(BaseModel, CreatedByModel):
    """A post written for Instagram and published by hand from its Manual Publish Pack."""

    language = models.CharField(
        max_length=2, choices=LanguageChoices.choices, default=LanguageChoices.FR, verbose_name=_("language")
    )
    caption = models.TextField(blank=True, default="", verbose_name=_("caption"))
    hashtags = models.TextField(
        null=True,
        blank=True,
        help_text=_("Appended after the caption, e.g. “#skincare #dermatology”."),
        verbose_name=_("hashtags"),
    )
    status = models.CharField(
        max_length=20,
        choices=SocialPostStatus.choices,
        default=SocialPostStatus.DRAFT,
        editable=False,
        verbose_name=_("status"),
    )
    scheduled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("scheduled at"))
    published_external_id = models.CharField(
        max_length=200, null=True, blank=True, editable=False, verbose_name=_("published external id")
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("published at"))
    error_log = models.TextField(null=True, blank=True, editable=False, verbose_name=_("error log"))
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("reminder sent at"))
    takedown_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when an image's patient revoked the consent."),
        verbose_name=_("takedown requested at"),
    )
    assets = models.ManyToManyField(
        SocialMediaAsset, through="SocialPostAsset", related_name="posts", verbose_name=_("assets")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("social post")
        verbose_name_plural = _("social posts")
        indexes = [models.Index(fields=["status", "scheduled_at"], name="social_post_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(scheduled_at__isnull=False),
                name="social_post_scheduled_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="published")
                | (Q(published_external_id__isnull=False) & ~Q(published_external_id="")),
                name="social_post_published_has_external_id",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | (Q(error_log__isnull=False) & ~Q(error_log="")),
                name="social_post_failed_has_error_log",
            ),
        ]
        permissions = [
            ("transition_socialpost", "Can move a social post between statuses"),
            ("export_socialpost", "Can download a post's Manual Publish Pack"),
        ]

    def __str__(self) -> str:
        first_line = (self.caption or "").strip().splitlines()[0] if (self.caption or "").strip() else ""
        return f"[{self.get_status_display()}] {first_line[:60] or self.pk}"


class SocialPostAsset(BaseModel):
    """One image of a post's carousel; ``order_index`` starts at 0 and is unique per post."""

    post = models.ForeignKey(SocialPost, on_delete=models.CASCADE, related_name="post_assets", verbose_name=_("post"))
    asset = models.ForeignKey(
        SocialMediaAsset, on_delete=models.PROTECT, related_name="post_assets", verbose_name=_("asset")
    )
    order_index = models.PositiveSmallIntegerField(verbose_name=_("order index"))

    class Meta:
        ordering = ["post", "order_index"]
        verbose_name = _("social post asset")
        verbose_name_plural = _("social post assets")
        constraints = [
            models.UniqueConstraint(fields=["post", "asset"], name="social_post_asset_unique"),
            models.UniqueConstraint(fields=["post", "order_index"], name="social_post_asset_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} #{self.order_index}: {self.asset_id}"
