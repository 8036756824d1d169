"""Operation screens of the Social admin: a post's carousel and status, its Manual Publish Pack,
and the takedown list. They parse the form, call the service and show its error."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from erp.core.admin.widgets import DateTimePickerInput
from erp.core.exceptions import DomainError
from erp.social import services
from erp.social.captions import MAX_CHARACTERS, MAX_HASHTAGS, MAX_MENTIONS, compose_caption, count_caption
from erp.social.models import SocialMediaAsset, SocialPost, SocialPostStatus

POST_INDEX = "social_post:index"
POST_EDIT = "social_post:edit"
POST_MANAGE = "social_post:manage"
POST_PACK = "social_post:pack"
POST_PACK_ZIP = "social_post:pack_zip"


def _require(request, *perms: str) -> None:
    if not request.user.has_perms(perms):
        raise PermissionDenied


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=SocialPostStatus.choices, widget=forms.HiddenInput)
    scheduled_at = forms.DateTimeField(required=False, widget=DateTimePickerInput, label=_("Scheduled at"))
    published_external_id = forms.CharField(required=False, max_length=200, label=_("Instagram post id"))
    error_log = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("What went wrong"))


class PostManageView(WagtailAdminTemplateMixin, TemplateView):
    """The post's caption preview and counts, its carousel in order, and its status moves."""

    template_name = "social/admin/post_manage.html"
    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "social.view_socialpost")
        self.post_obj = get_object_or_404(SocialPost, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Post: carousel, status and pack")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(POST_INDEX), "label": _("Posts")},
            {"url": "", "label": str(self.post_obj)},
        ]

    def _links(self):
        return list(self.post_obj.post_assets.select_related("asset").order_by("order_index"))

    def get_context_data(self, **kwargs):
        from erp.social.admin.viewsets import asset_thumbnail

        context = super().get_context_data(**kwargs)
        post = self.post_obj
        links = self._links()
        used = {link.asset_id for link in links}
        caption = compose_caption(post.caption, post.hashtags)
        user = self.request.user
        context.update(
            post=post,
            caption=caption,
            counts=count_caption(caption),
            limits={"characters": MAX_CHARACTERS, "hashtags": MAX_HASHTAGS, "mentions": MAX_MENTIONS},
            carousel=[(link, asset_thumbnail(link.asset, 120)) for link in links],
            carousel_max=services.MAX_CAROUSEL,
            available=SocialMediaAsset.objects.filter(takedown_requested_at__isnull=True).exclude(pk__in=used)[:200],
            can_change=user.has_perm("social.change_socialpost") and post.status != SocialPostStatus.PUBLISHED,
            can_transition=user.has_perm("social.transition_socialpost"),
            allowed=services.TRANSITIONS[post.status],
            transition_form=kwargs.get("transition_form") or TransitionForm(),
            pack_url=reverse(POST_PACK, args=[post.pk])
            if post.status in services.PACK_STATUSES and user.has_perm("social.export_socialpost") else None,
            edit_url=reverse(POST_EDIT, args=[post.pk]),
        )
        return context

    def post(self, request, *args, **kwargs):
        operation = request.POST.get("operation", "")
        try:
            if operation == "transition":
                _require(request, "social.transition_socialpost")
                form = TransitionForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(transition_form=form))
                values = form.cleaned_data
                services.post_transition(
                    post=self.post_obj,
                    to_status=values["status"],
                    scheduled_at=values.get("scheduled_at"),
                    published_external_id=values.get("published_external_id"),
                    error_log=values.get("error_log"),
                    actor=request.user,
                )
                messages.success(request, _("Status changed."))
            elif operation in ("up", "down", "remove", "add"):
                _require(request, "social.change_socialpost")
                ids = [link.asset_id for link in self._links()]
                target = request.POST.get("asset")
                asset = get_object_or_404(SocialMediaAsset, pk=target)
                if operation == "add":
                    ids.append(asset.pk)
                elif asset.pk in ids:
                    index = ids.index(asset.pk)
                    if operation == "remove":
                        ids.pop(index)
                    else:
                        other = index - 1 if operation == "up" else index + 1
                        if 0 <= other < len(ids):
                            ids[index], ids[other] = ids[other], ids[index]
                assets = {a.pk: a for a in SocialMediaAsset.objects.filter(pk__in=ids)}
                services.post_set_assets(post=self.post_obj, assets=[assets[i] for i in ids], actor=request.user)
                messages.success(request, _("Carousel updated."))
            else:
                messages.error(request, _("Unknown operation."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(POST_MANAGE, pk=self.post_obj.pk)


class PostPackView(WagtailAdminTemplateMixin, TemplateView):
    """The Manual Publish Pack: caption to copy, images in order, ZIP download."""

    template_name = "social/admin/post_pack.html"
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "social.view_socialpost", "social.export_socialpost")
        self.post_obj = get_object_or_404(SocialPost, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Manual Publish Pack")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(POST_INDEX), "label": _("Posts")},
            {"url": reverse(POST_MANAGE, args=[self.post_obj.pk]), "label": str(self.post_obj)},
            {"url": "", "label": _("Manual Publish Pack")},
        ]

    def get(self, request, *args, **kwargs):
        try:
            self.pack = services.post_manual_pack(
                post=self.post_obj, actor=request.user, base_url=request.build_absolute_uri("/")
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(POST_MANAGE, pk=self.post_obj.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            pack=self.pack,
            post=self.post_obj,
            zip_url=reverse(POST_PACK_ZIP, args=[self.post_obj.pk]),
            manage_url=reverse(POST_MANAGE, args=[self.post_obj.pk]),
        )
        return context


class PostPackZipView(View):
    def get(self, request, pk):
        _require(request, "social.view_socialpost", "social.export_socialpost")
        post = get_object_or_404(SocialPost, pk=pk)
        try:
            data = services.post_pack_zip(post=post, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(POST_MANAGE, pk=post.pk)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="instagram-post-{post.pk}.zip"'
        return response


class TakedownView(WagtailAdminTemplateMixin, TemplateView):
    """Images and posts withdrawn because a patient revoked the marketing_photos consent."""

    template_name = "social/admin/takedown.html"
    header_icon = "warning"
    page_title = _("To take down")

    def dispatch(self, request, *args, **kwargs):
        _require(request, "social.view_socialpost", "social.view_socialmediaasset")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from erp.social.admin.viewsets import asset_thumbnail

        context = super().get_context_data(**kwargs)
        assets = SocialMediaAsset.objects.filter(takedown_requested_at__isnull=False).order_by("-takedown_requested_at")
        posts = SocialPost.objects.filter(takedown_requested_at__isnull=False).order_by("-takedown_requested_at")
        context.update(
            assets=[(asset, asset_thumbnail(asset)) for asset in assets],
            posts=[(post, reverse(POST_MANAGE, args=[post.pk])) for post in posts],
        )
        return context
