"""Wagtail admin screens of the website: leads, the translation status report, snippets."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import truncatechars
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView, WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.website.models import Promotion, PublicLead, StaffMember
from cms.website.selectors import translation_status
from cms.website.services import public_lead_convert_to_patient, public_lead_set_status
from erp.core.admin.base import ServiceEditView

CONVERT_PERMISSIONS = ("clinical.add_patient", "website.change_publiclead")
# The one-click status changes a lead offers from each status: (target status, button label).
LEAD_NEXT_STATUSES = {
    PublicLead.Status.NEW: [(PublicLead.Status.HANDLED, _("Mark as handled")), (PublicLead.Status.SPAM, _("Spam"))],
    PublicLead.Status.HANDLED: [(PublicLead.Status.NEW, _("Reopen"))],
    PublicLead.Status.SPAM: [(PublicLead.Status.NEW, _("Not spam"))],
}


def lead_booking_url(patient_pk) -> str:
    """Where "Book appointment" goes: the appointment form with the patient already chosen."""
    return f"{reverse('clinical_appointment:add')}?patient={patient_pk}"


def lead_page_link(page_url: str) -> str | None:
    """The page a lead was sent from, as a link only when it is a web address (it comes from the
    visitor's browser: a ``javascript:`` URL must stay text)."""
    scheme = urlsplit(page_url or "").scheme.lower()
    if scheme in ("http", "https") or (not scheme and page_url.startswith("/") and not page_url.startswith("//")):
        return page_url
    return None


class PublicLeadIndexView(IndexView):
    """The inbox: new leads first, then the newest."""

    page_title = _("Leads")  # the model has no plural name of its own
    default_ordering = ("inbox_rank", "-created_at")

    def get_base_queryset(self):
        rank = Case(When(status=PublicLead.Status.NEW, then=Value(0)), default=Value(1), output_field=IntegerField())
        return super().get_base_queryset().annotate(inbox_rank=rank)

    def get_valid_orderings(self):
        return [*super().get_valid_orderings(), self.default_ordering]


class PublicLeadEditView(ServiceEditView):
    def save_instance(self):
        # Status changes go through the service: it records who handled the lead, and audits it.
        return public_lead_set_status(
            lead=self.object, status=self.form.cleaned_data["status"], actor=self.request.user
        )


class PublicLeadInspectView(InspectView):
    """A lead opens on its message, how to reach the person and where they wrote from, with its
    actions: create the patient, book, change the status in one click."""

    template_name = "website/admin/lead_inspect.html"

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        lead = self.object
        if lead.patient_id and self.request.user.has_perm("clinical.view_patient"):
            url = reverse("clinical_patient:inspect", args=[lead.patient_id])
            buttons.append(Button(_("Open the patient"), url=url, icon_name="user", priority=5))
        elif not lead.patient_id and self.request.user.has_perms(CONVERT_PERMISSIONS):
            url = reverse("leads:convert", args=[lead.pk])
            buttons.append(Button(_("Create a patient"), url=url, icon_name="user", priority=5))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, lead = self.request.user, self.object
        can_change = user.has_perm("website.change_publiclead")
        workable = lead.status != PublicLead.Status.SPAM
        context.update(
            lead=lead,
            next_statuses=LEAD_NEXT_STATUSES.get(lead.status, []) if can_change else [],
            can_convert=workable and not lead.patient_id and user.has_perms(CONVERT_PERMISSIONS),
            can_open_patient=bool(lead.patient_id) and user.has_perm("clinical.view_patient"),
            can_book=workable and user.has_perm("clinical.add_appointment"),
            booking_url=lead_booking_url(lead.patient_id) if lead.patient_id else None,
            page_link=lead_page_link(lead.page_url),
        )
        return context


@require_POST
def public_lead_status_view(request, pk):
    """One click on a status button: through the service (who handled it, the audit row)."""
    if not request.user.has_perm("website.change_publiclead"):
        raise PermissionDenied
    lead = get_object_or_404(PublicLead, pk=pk)
    status = request.POST.get("status")
    if status not in [target for target, _label in LEAD_NEXT_STATUSES.get(lead.status, [])]:
        messages.error(request, _("This lead cannot take that status."))
    else:
        lead = public_lead_set_status(lead=lead, status=status, actor=request.user)
        messages.success(request, _("Lead marked “%(status)s”.") % {"status": lead.get_status_display()})
    return redirect(reverse("leads:inspect", args=[lead.pk]))


class PublicLeadConvertView(WagtailAdminTemplateMixin, TemplateView):
    """Reception turns a lead into a (low-confidence) patient record: confirm, then create."""

    template_name = "website/admin/lead_convert.html"
    page_title = _("Create a patient from a lead")
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perms(CONVERT_PERMISSIONS):
            raise PermissionDenied
        self.lead = get_object_or_404(PublicLead, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "lead": self.lead}

    def post(self, request, *args, **kwargs):
        from erp.core.exceptions import DomainError

        try:
            patient = public_lead_convert_to_patient(lead=self.lead, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(reverse("leads:inspect", args=[self.lead.pk]))
        messages.success(request, _("Patient record created from the lead."))
        if request.POST.get("then") == "book" and request.user.has_perm("clinical.add_appointment"):
            return redirect(lead_booking_url(patient.pk))
        return redirect(reverse("clinical_patient:inspect", args=[patient.pk]))


class PublicLeadViewSet(ModelViewSet):
    model = PublicLead
    name = "leads"
    url_prefix = "website/leads"
    icon = "mail"
    menu_label = _("Leads")
    menu_order = 100
    list_display = [
        TitleColumn("__str__", label=_("Lead"), url_name="leads:inspect"),
        StatusTagColumn(
            "status", accessor="get_status_display", label=_("Status"), primary=lambda lead: lead.status == "new"
        ),
        Column("message", label=_("Message"), accessor=lambda lead: truncatechars(lead.message or "", 90)),
        "preferred_language",
        "created_at",
    ]
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
    index_view_class = PublicLeadIndexView
    edit_view_class = PublicLeadEditView
    inspect_view_class = PublicLeadInspectView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("convert/<uuid:pk>/", PublicLeadConvertView.as_view(), name="convert"),
            path("status/<uuid:pk>/", public_lead_status_view, name="set_status"),
        ]


class TranslationStatusView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "website/admin/translation_status.html"
    page_title = _("Translation status")
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        if not user_has_any_page_permission(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        # The slim header shows the breadcrumbs and hides the title: without this last item the
        # report's visible heading would be the admin home's ("Home"), not its own.
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

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
