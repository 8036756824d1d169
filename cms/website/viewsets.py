"""Wagtail admin screens of the website: leads, the translation status report, snippets."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.admin.views.generic import EditView, WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Promotion, PublicLead, StaffMember
from .selectors import translation_status
from .services import public_lead_set_status


class PublicLeadEditView(EditView):
    def save_instance(self):
        # Status changes go through the service: it records who handled the lead, and audits it.
        return public_lead_set_status(
            lead=self.object, status=self.form.cleaned_data["status"], actor=self.request.user
        )


class PublicLeadViewSet(ModelViewSet):
    model = PublicLead
    name = "leads"
    url_prefix = "website/leads"
    icon = "mail"
    menu_label = _("Leads")
    menu_order = 100
    list_display = ["__str__", "type", "status", "preferred_language", "country_code", "created_at"]
    list_filter = ["status", "type", "preferred_language"]
    search_fields = ["name", "email", "phone", "message"]
    form_fields = ["status"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "type", "status", "name", "email", "phone", "message", "preferred_language", "country_code", "source",
        "page_url", "spam_reason", "newsletter_consent", "consent_text", "consent_at", "handled_at", "handled_by",
        "created_at",
    ]
    copy_view_enabled = False
    edit_view_class = PublicLeadEditView
    ordering = ["-created_at"]


class TranslationStatusView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "website/admin/translation_status.html"
    page_title = _("Translation status")
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        if not user_has_any_page_permission(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = translation_status()
        if self.request.GET.get("todo"):
            rows = [row for row in rows if row.needs_work]
        context.update(
            rows=rows, languages=[code for code in settings.LANGUAGE_CODES if code != settings.LANGUAGE_CODE],
            only_todo=bool(self.request.GET.get("todo")),
        )
        return context


class StaffMemberViewSet(SnippetViewSet):
    model = StaffMember
    icon = "group"
    menu_label = _("Team")
    list_display = ["name", "role", "order_index", "locale"]
    search_fields = ["name", "role"]


class PromotionViewSet(SnippetViewSet):
    model = Promotion
    icon = "tag"
    menu_label = _("Promotions")
    list_display = ["title", "starts_at", "ends_at", "locale"]
    search_fields = ["title"]


class WebsiteSnippets(SnippetViewSetGroup):
    menu_label = _("Website content")
    menu_icon = "doc-full-inverse"
    menu_order = 250
    items = (StaffMemberViewSet, PromotionViewSet)


class WebsiteAdmin(ViewSetGroup):
    menu_label = _("Website")
    menu_icon = "site"
    menu_order = 260
    items = (PublicLeadViewSet,)
