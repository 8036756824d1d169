"""Wagtail admin screens of the social publishing, under a "Social" menu.

Assets are uploaded and posts written through the services (the same checks as the API); a
post's own page shows the caption counts and the carousel, sets the order, moves the status and
opens the Manual Publish Pack. "To take down" lists what a consent revocation withdrew.
"""

from django import forms
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

from erp.core.admin.base import AuditedModelViewSet, PermissionViewSet, ServiceCreateView, ServiceEditView
from erp.core.storage import bucket
from erp.social import services
from erp.social.admin import views
from erp.social.captions import compose_caption, count_caption
from erp.social.models import SocialAccount, SocialMediaAsset, SocialPost

# --- Accounts -----------------------------------------------------------------------------------


class SocialAccountViewSet(AuditedModelViewSet):
    model = SocialAccount
    name = "social_account"
    url_prefix = "social/accounts"
    icon = "user"
    menu_label = _("Instagram account")
    list_display = ["__str__", "provider", "status", "updated_at"]
    list_filter = ["status"]
    form_fields = ["provider", "display_name", "status"]
    copy_view_enabled = False


# --- Assets -------------------------------------------------------------------------------------


def asset_thumbnail(asset: SocialMediaAsset, height: int = 60):
    url = bucket(SocialMediaAsset.BUCKET).url(asset.object_key)
    return format_html('<img src="{}" alt="" style="height:{}px;width:auto;border-radius:4px">', url, height)


class AssetUploadForm(forms.ModelForm):
    file = forms.FileField(
        label=_("Image"),
        help_text=_("JPEG, PNG, WebP or HEIC; at most 8 MB, 320 to 1440 px wide, aspect ratio 4:5 to 1.91:1. "
                    "Converted to JPEG; location and camera data are removed."),
    )

    class Meta:
        model = SocialMediaAsset
        fields = ["title"]


class AssetCreateView(ServiceCreateView):
    def get_form_class(self):
        return AssetUploadForm

    def save_instance(self):
        data = self.form.cleaned_data
        return services.asset_upload(upload=data["file"], title=data.get("title"), actor=self.request.user)


class SocialMediaAssetViewSet(AuditedModelViewSet):
    model = SocialMediaAsset
    name = "social_asset"
    url_prefix = "social/assets"
    icon = "image"
    menu_label = _("Images")
    add_view_class = AssetCreateView
    delete_service = staticmethod(services.asset_delete)
    list_display = [
        Column("preview", label=_("Preview"), accessor=asset_thumbnail),
        "__str__",
        "width",
        "height",
        "size_bytes",
        "takedown_requested_at",
        "created_at",
    ]
    list_filter = ["content_type"]
    search_fields = ["title", "object_key"]
    form_fields = ["title"]
    copy_view_enabled = False


# --- Posts --------------------------------------------------------------------------------------

POST_FIELDS = ["language", "caption", "hashtags", "scheduled_at"]


class PostIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        extra = [
            ListingMenuItem(
                _("Carousel, status and pack"),
                url=reverse(views.POST_MANAGE, args=[instance.pk]),
                icon_name="list-ul",
                priority=5,
            )
        ]
        if instance.status in services.PACK_STATUSES:
            extra.append(
                ListingMenuItem(
                    _("Manual Publish Pack"),
                    url=reverse(views.POST_PACK, args=[instance.pk]),
                    icon_name="download",
                    priority=6,
                )
            )
        return [*extra, *buttons]


class CaptionPreviewMixin:
    """The editor shows the caption counts live (the same rules as the server)."""

    template_name = "social/admin/post_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        post = getattr(self, "object", None)
        if post is not None and post.pk:
            context["counts"] = count_caption(compose_caption(post.caption, post.hashtags))
            context["carousel"] = [
                (link.order_index, asset_thumbnail(link.asset, 120))
                for link in post.post_assets.select_related("asset").order_by("order_index")
            ]
            context["manage_url"] = reverse(views.POST_MANAGE, args=[post.pk])
        context["limits"] = {"characters": 2200, "hashtags": 30, "mentions": 20}
        return context


class PostCreateView(CaptionPreviewMixin, ServiceCreateView):
    def get_success_url(self):
        return reverse(views.POST_MANAGE, args=[self.object.pk])


class PostEditView(CaptionPreviewMixin, ServiceEditView):
    def save_instance(self):
        data = {name: self.form.cleaned_data.get(name) for name in POST_FIELDS}
        return services.post_update(post=self.object, data=data, actor=self.request.user)


class SocialPostViewSet(AuditedModelViewSet):
    model = SocialPost
    name = "social_post"
    url_prefix = "social/posts"
    icon = "comment"
    menu_label = _("Posts")
    index_view_class = PostIndexView
    add_view_class = PostCreateView
    edit_view_class = PostEditView
    create_service = staticmethod(services.post_create)
    delete_service = staticmethod(services.post_delete)
    list_display = ["__str__", "language", "status", "scheduled_at", "published_external_id", "takedown_requested_at"]
    list_filter = ["status", "language"]
    search_fields = ["caption", "hashtags"]
    form_fields = POST_FIELDS
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("manage/<uuid:pk>/", views.PostManageView.as_view(), name="manage"),
            path("pack/<uuid:pk>/", views.PostPackView.as_view(), name="pack"),
            path("pack/<uuid:pk>/zip/", views.PostPackZipView.as_view(), name="pack_zip"),
        ]


# --- Takedown list ------------------------------------------------------------------------------


class TakedownViewSet(PermissionViewSet):
    name = "social_takedown"
    url_prefix = "social/takedown"
    icon = "warning"
    menu_label = _("To take down")
    menu_permissions = ("social.view_socialpost",)

    def get_urlpatterns(self):
        return [path("", views.TakedownView.as_view(), name="index")]


class SocialViewSetGroup(ModelViewSetGroup):
    menu_label = _("Social")
    menu_icon = "comment"
    menu_order = 500
    items = (SocialPostViewSet, SocialMediaAssetViewSet, SocialAccountViewSet, TakedownViewSet)
