from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from erp.clinical.models import ClinicalPhoto
from erp.core.api.fields import DateTimeField
from erp.core.api.serializers import ModelSerializer, Serializer
from erp.core.models import LanguageChoices
from erp.core.storage import bucket
from erp.social.captions import compose_caption, count_caption
from erp.social.models import (
    SocialAccount,
    SocialAccountStatus,
    SocialMediaAsset,
    SocialPost,
    SocialPostAsset,
    SocialPostStatus,
)


def inline_enum(choices) -> dict:
    """An enum component of its own: these choice sets share the field names ``status`` and
    ``language`` with other apps' fields, which would give them clashing generated names."""
    return {
        "type": "string",
        "enum": list(choices.values),
        "description": "\n".join(f"* `{value}` - {label}" for value, label in choices.choices),
    }


@extend_schema_field(inline_enum(LanguageChoices), component_name="SocialLanguageEnum")
class LanguageField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=LanguageChoices.choices, **kwargs)


@extend_schema_field(inline_enum(SocialPostStatus), component_name="SocialPostStatusEnum")
class PostStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=SocialPostStatus.choices, **kwargs)


@extend_schema_field(inline_enum(SocialAccountStatus), component_name="SocialAccountStatusEnum")
class AccountStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=SocialAccountStatus.choices, **kwargs)


class SocialAccountSerializer(ModelSerializer):
    status = AccountStatusField(required=False)
    class Meta:
        model = SocialAccount
        fields = ["id", "provider", "display_name", "status", "token_expires_at", "created_at", "updated_at"]
        read_only_fields = ["token_expires_at", "created_at", "updated_at"]


class SocialMediaAssetSerializer(ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Public URL of the image in the marketing bucket.")
    from_clinical_photo = serializers.SerializerMethodField()

    class Meta:
        model = SocialMediaAsset
        fields = [
            "id", "title", "storage_bucket", "object_key", "content_type", "size_bytes", "width", "height",
            "url", "from_clinical_photo", "takedown_requested_at", "created_at", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        url = bucket(SocialMediaAsset.BUCKET).url(obj.object_key)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None and url.startswith("/") else url

    def get_from_clinical_photo(self, obj) -> bool:
        return obj.source_photo_id is not None


class AssetUploadSerializer(Serializer):
    file = serializers.FileField(help_text="JPEG, PNG, WebP or HEIC; at most 8 MB, 320-1440 px wide, 4:5 to 1.91:1.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class AssetFromPhotoSerializer(Serializer):
    photo = serializers.PrimaryKeyRelatedField(queryset=ClinicalPhoto.objects.all())
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PostAssetSerializer(ModelSerializer):
    takedown_requested_at = DateTimeField(
        source="asset.takedown_requested_at", read_only=True, allow_null=True
    )

    class Meta:
        model = SocialPostAsset
        fields = ["asset", "order_index", "takedown_requested_at"]
        read_only_fields = fields


class CaptionCountsSerializer(Serializer):
    characters = serializers.IntegerField()
    hashtags = serializers.IntegerField()
    mentions = serializers.IntegerField()
    max_characters = serializers.IntegerField()
    max_hashtags = serializers.IntegerField()
    max_mentions = serializers.IntegerField()
    within_limits = serializers.BooleanField()


class SocialPostSerializer(ModelSerializer):
    language = LanguageField(required=False)
    status = PostStatusField(read_only=True)
    assets = serializers.SerializerMethodField()
    caption_counts = serializers.SerializerMethodField()

    class Meta:
        model = SocialPost
        fields = [
            "id", "language", "caption", "hashtags", "status", "scheduled_at", "published_external_id",
            "published_at", "error_log", "takedown_requested_at", "reminder_sent_at", "assets", "caption_counts",
            "created_by", "created_at", "updated_at",
        ]
        read_only_fields = [
            "status", "published_external_id", "published_at", "error_log", "takedown_requested_at",
            "reminder_sent_at", "created_by", "created_at", "updated_at",
        ]

    @extend_schema_field(PostAssetSerializer(many=True))
    def get_assets(self, obj):
        links = sorted(obj.post_assets.all(), key=lambda link: link.order_index)
        return PostAssetSerializer(links, many=True).data

    @extend_schema_field(CaptionCountsSerializer)
    def get_caption_counts(self, obj):
        return count_caption(compose_caption(obj.caption, obj.hashtags)).as_dict()


class PostAssetsInputSerializer(Serializer):
    asset_ids = serializers.ListField(
        child=serializers.UUIDField(), allow_empty=True,
        help_text="The carousel in order (at most 10); replaces the current list.",
    )


class TransitionSerializer(Serializer):
    status = PostStatusField()
    scheduled_at = DateTimeField(required=False, allow_null=True)
    published_external_id = serializers.CharField(max_length=200, required=False, allow_blank=True)
    error_log = serializers.CharField(required=False, allow_blank=True)


class PackAssetSerializer(Serializer):
    order_index = serializers.IntegerField()
    asset = serializers.UUIDField(source="asset.pk")
    filename = serializers.CharField()
    url = serializers.URLField()
    content_type = serializers.CharField(source="asset.content_type")
    size_bytes = serializers.IntegerField(source="asset.size_bytes")
    width = serializers.IntegerField(source="asset.width")
    height = serializers.IntegerField(source="asset.height")


class ManualPackSerializer(Serializer):
    post = serializers.UUIDField(source="post.pk")
    status = PostStatusField(source="post.status")
    language = LanguageField(source="post.language")
    caption = serializers.CharField(help_text="Caption and hashtags, ready to paste.")
    caption_counts = serializers.SerializerMethodField()
    assets = PackAssetSerializer(many=True)
    expires_in = serializers.IntegerField(allow_null=True, help_text="Seconds the URLs stay valid; null: no expiry.")
    expires_at = DateTimeField(allow_null=True)
    url_note = serializers.CharField()
    zip_url = serializers.SerializerMethodField()

    @extend_schema_field(CaptionCountsSerializer)
    def get_caption_counts(self, pack):
        return pack.counts.as_dict()

    @extend_schema_field(OpenApiTypes.URI)
    def get_zip_url(self, pack) -> str:
        from django.urls import reverse

        url = reverse("social-post-pack-zip", args=[pack.post.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
