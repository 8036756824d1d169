"""The social API: views parse, call a service and serialize. Marketing and admin only."""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from erp.core.api.mixins import AuditedViewSetMixin
from erp.core.api.parsers import JSONParser
from erp.core.api.permissions import RoleAccess, has_perms
from erp.social import services
from erp.social.api import serializers as s
from erp.social.models import SocialAccount, SocialMediaAsset, SocialPost, SocialPostAsset


class SocialAccountViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    """The Instagram account: name and status only (no token in this version)."""

    serializer_class = s.SocialAccountSerializer
    queryset = SocialAccount.objects.all()
    filterset_fields = ["provider", "status"]
    ordering_fields = ["display_name", "created_at"]


class AssetFilter(filters.FilterSet):
    takedown = filters.BooleanFilter(
        field_name="takedown_requested_at", lookup_expr="isnull", exclude=True,
        help_text="true: only images to take down (their patient revoked the marketing consent).",
    )
    from_clinical_photo = filters.BooleanFilter(field_name="source_photo", lookup_expr="isnull", exclude=True)

    class Meta:
        model = SocialMediaAsset
        fields = ["content_type"]


class SocialMediaAssetViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Images of the marketing bucket, checked against Instagram's limits on upload."""

    serializer_class = s.SocialMediaAssetSerializer
    queryset = SocialMediaAsset.objects.all()
    filterset_class = AssetFilter
    ordering_fields = ["created_at", "size_bytes", "title"]

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.AssetUploadSerializer}, responses={201: s.SocialMediaAssetSerializer}
    )
    def create(self, request):
        """Upload an image: converted to JPEG without metadata, refused outside Instagram's limits (422)."""
        data = s.AssetUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        asset = services.asset_upload(
            upload=data.validated_data["file"], title=data.validated_data.get("title"), actor=request.user,
        )
        return Response(s.SocialMediaAssetSerializer(asset, context={"request": request}).data, status=201)

    def perform_destroy(self, instance):
        services.asset_delete(asset=instance, actor=self.request.user)

    @extend_schema(request=s.AssetFromPhotoSerializer, responses={201: s.SocialMediaAssetSerializer})
    @action(
        detail=False,
        methods=["post"],
        url_path="from-clinical-photo",
        parser_classes=[JSONParser],
        permission_classes=[RoleAccess, has_perms("social.add_socialmediaasset", "social.copy_clinical_photo")],
    )
    def from_clinical_photo(self, request):
        """Copy a clinical photo whose patient granted marketing_photos (409 otherwise)."""
        data = s.AssetFromPhotoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        asset = services.asset_copy_from_clinical_photo(
            photo=data.validated_data["photo"], title=data.validated_data.get("title"), actor=request.user,
        )
        return Response(s.SocialMediaAssetSerializer(asset, context={"request": request}).data, status=201)


class PostFilter(filters.FilterSet):
    takedown = filters.BooleanFilter(field_name="takedown_requested_at", lookup_expr="isnull", exclude=True)
    scheduled_after = filters.IsoDateTimeFilter(field_name="scheduled_at", lookup_expr="gte")
    scheduled_before = filters.IsoDateTimeFilter(field_name="scheduled_at", lookup_expr="lte")

    class Meta:
        model = SocialPost
        fields = ["status", "language"]


EXPIRES_IN = OpenApiParameter(
    "expires_in",
    {"type": "integer", "minimum": services.MIN_PACK_URL_TTL, "maximum": services.MAX_PACK_URL_TTL},
    OpenApiParameter.QUERY,
    required=False,
    description=f"Seconds the image URLs stay valid (default {services.PACK_URL_TTL}, at most "
    f"{services.MAX_PACK_URL_TTL}).",
)


class SocialPostViewSet(viewsets.ModelViewSet):
    """Instagram posts: caption, hashtags, ordered images, status, and the Manual Publish Pack."""

    serializer_class = s.SocialPostSerializer
    queryset = SocialPost.objects.prefetch_related(
        Prefetch("post_assets", queryset=SocialPostAsset.objects.select_related("asset"))
    )
    filterset_class = PostFilter
    ordering_fields = ["created_at", "scheduled_at", "status"]

    def perform_create(self, serializer):
        serializer.instance = services.post_create(data=serializer.validated_data, actor=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.post_update(
            post=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.post_delete(post=instance, actor=self.request.user)

    def _fresh(self, post):
        return self.get_queryset().get(pk=post.pk)

    @extend_schema(request=s.PostAssetsInputSerializer, responses={200: s.SocialPostSerializer})
    @action(detail=True, methods=["put"], permission_classes=[RoleAccess, has_perms("social.change_socialpost")])
    def assets(self, request, pk=None):
        """Set the carousel: the images in order (adds, removes and reorders in one call)."""
        post = self.get_object()
        data = s.PostAssetsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["asset_ids"]
        found = {a.pk: a for a in SocialMediaAsset.objects.filter(pk__in=ids)}
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise ValidationError(
                {"asset_ids": [_("Unknown image: %(ids)s.") % {"ids": ", ".join(missing)}]}, code="does_not_exist"
            )
        services.post_set_assets(post=post, assets=[found[i] for i in ids], actor=request.user)
        return Response(s.SocialPostSerializer(self._fresh(post), context={"request": request}).data)

    @extend_schema(request=s.TransitionSerializer, responses={200: s.SocialPostSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("social.transition_socialpost")])
    def transition(self, request, pk=None):
        """Move the post to another status; a refused move names the allowed ones (409)."""
        post = self.get_object()
        data = s.TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        post = services.post_transition(
            post=post,
            to_status=values["status"],
            scheduled_at=values.get("scheduled_at"),
            published_external_id=values.get("published_external_id"),
            error_log=values.get("error_log"),
            actor=request.user,
        )
        return Response(s.SocialPostSerializer(self._fresh(post), context={"request": request}).data)

    @extend_schema(request=None, parameters=[EXPIRES_IN], responses={200: s.ManualPackSerializer})
    @action(detail=True, methods=["get"], permission_classes=[RoleAccess, has_perms("social.export_socialpost")])
    def pack(self, request, pk=None):
        """The Manual Publish Pack of a ready or scheduled post: caption to paste, image URLs in order."""
        post = self.get_object()
        raw = request.query_params.get("expires_in")
        try:
            expires_in = int(raw) if raw else services.PACK_URL_TTL
        except ValueError:
            raise ValidationError({"expires_in": [_("A whole number of seconds.")]})
        pack = services.post_manual_pack(
            post=post, expires_in=expires_in, actor=request.user, base_url=request.build_absolute_uri("/")
        )
        return Response(s.ManualPackSerializer(pack, context={"request": request}).data)

    @extend_schema(
        request=None,
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="caption.txt + images")},
    )
    @action(
        detail=True, methods=["get"], url_path="pack-zip", url_name="pack-zip",
        permission_classes=[RoleAccess, has_perms("social.export_socialpost")],
    )
    def pack_zip(self, request, pk=None):
        """The pack as a ZIP: ``caption.txt`` and ``01.jpg``, ``02.jpg``... in carousel order."""
        post = self.get_object()
        data = services.post_pack_zip(post=post, actor=request.user)
        response = HttpResponse(data, content_type="application/zip", status=status.HTTP_200_OK)
        response["Content-Disposition"] = f'attachment; filename="instagram-post-{post.pk}.zip"'
        return response
