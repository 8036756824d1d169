"""Fiscal closings in the Sales menu: the day, month and year closings with their totals, running
grand total and hash; "Close yesterday" for accounting when the nightly task missed it (the
service closes every period left open, in order); the Z-report PDF of each closed day.

The screens parse and render; the rules are ``fiscal``'s and the Z-report ``zreport``'s."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton

from erp.commerce.models import ClosingPeriod, FiscalClosing
from erp.commerce.models.fiscal import period_label
from erp.commerce.sales import fiscal, zreport
from erp.core.exceptions import DomainError
from erp.core.money import format_money

CLOSE_PERMISSION = "commerce.close_fiscal_period"
INDEX = "commerce_fiscalclosing:index"


def nowrap(text: str) -> str:
    return text.replace(" ", "\xa0")


class MoneyColumn(Column):
    """An amount as the language writes it (``60,00 €``), right-aligned, sortable by its field; in
    the currency named by the row's ``currency_field`` when given, else euros."""

    def __init__(self, name, label, *, currency_field: str | None = None, **kwargs):
        self.currency_field = currency_field
        super().__init__(name, label=label, sort_key=name, classname="w-text-right", **kwargs)

    def get_value(self, instance):
        value = getattr(instance, self.name)
        if value is None:
            return ""
        currency = getattr(instance, self.currency_field, None) if self.currency_field else None
        return nowrap(format_money(value, currency or "EUR"))


def money_column(model, field: str, *, currency_field: str | None = None) -> MoneyColumn:
    """A ``MoneyColumn`` labelled with the field's own (translated) name."""
    return MoneyColumn(field, capfirst(model._meta.get_field(field).verbose_name), currency_field=currency_field)


class HashColumn(Column):
    """The first characters of a SHA-256 fingerprint; the whole of it on hover and on the
    closing's page."""

    cell_template_name = "commerce/admin/tables/hash_cell.html"


class ZReportColumn(Column):
    """A link to the Z-report PDF of a day closing (a month or a year has none)."""

    cell_template_name = "commerce/admin/tables/z_report_cell.html"

    def get_value(self, instance):
        if instance.period_type != ClosingPeriod.DAY:
            return ""
        return reverse("commerce_fiscalclosing:z_report", args=[instance.pk])


class FiscalClosingIndexView(generic.IndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm(CLOSE_PERMISSION):
            buttons.append(
                HeaderButton(_("Close yesterday"), url=reverse("commerce_fiscalclosing:close_due"), icon_name="lock")
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.period_type == ClosingPeriod.DAY:
            buttons.append(
                ListingMenuItem(
                    _("Z-report (PDF)"),
                    url=reverse("commerce_fiscalclosing:z_report", args=[instance.pk]),
                    icon_name="download",
                    priority=5,
                )
            )
        return buttons


MONEY_FIELDS = (
    "sales_total_incl_tax",
    "credit_notes_total_incl_tax",
    "period_total_incl_tax",
    "tax_total",
    "payments_total",
    "grand_total_incl_tax",
)


class FiscalClosingInspectView(generic.InspectView):
    """A closing in words: each figure labelled and written as an amount, the fingerprints in
    full, the Z-report of a day one click away."""

    labels = {
        "period_type": _("Kind"),
        "period_start": _("First day"),
        "period_end": _("Last day"),
        "entries_count": _("Journal entries"),
        "sales_total_incl_tax": _("Sales incl. VAT"),
        "credit_notes_total_incl_tax": _("Credit notes incl. VAT"),
        "period_total_incl_tax": _("Total of the period incl. VAT"),
        "tax_total": _("of which VAT"),
        "payments_total": _("Payments received (net of refunds)"),
        "grand_total_incl_tax": _("Perpetual grand total incl. VAT"),
        "last_entry_sequence": _("Last journal entry"),
        "last_entry_hash": _("Fingerprint of the last entry"),
        "previous_hash": _("Fingerprint of the previous closing"),
        "hash": _("Fingerprint of this closing (SHA-256)"),
        "created_at": _("Closed on"),
    }

    def get_field_label(self, field_name, field):
        return self.labels.get(field_name) or super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        if field_name in MONEY_FIELDS:
            return format_money(getattr(self.object, field_name))
        return super().get_field_display_value(field_name, field)

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.object.period_type == ClosingPeriod.DAY:
            url = reverse("commerce_fiscalclosing:z_report", args=[self.object.pk])
            buttons.append(HeaderButton(_("Z-report (PDF)"), url=url, icon_name="download"))
        return buttons


class FiscalCloseDueView(WagtailAdminTemplateMixin, TemplateView):
    """Lists the periods still open that have ended, then closes them all on confirmation."""

    template_name = "commerce/admin/fiscal_close_due.html"
    page_title = _("Close yesterday")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(CLOSE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(INDEX), "label": FiscalClosing._meta.verbose_name_plural.capitalize()},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["due"] = [
            {"kind": ClosingPeriod(period_type).label, "label": period_label(period_type, start)}
            for period_type, start, _end in fiscal.fiscal_periods_due()
        ]
        return context

    def post(self, request, *args, **kwargs):
        try:
            closings = fiscal.fiscal_close_due(actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("commerce_fiscalclosing:close_due")
        if not closings:
            messages.info(request, gettext("Nothing to close: every period up to yesterday is already closed."))
        else:
            messages.success(
                request,
                gettext("Closed: %(periods)s.")
                % {"periods": ", ".join(f"{c.period_label} ({c.get_period_type_display().lower()})" for c in closings)},
            )
        return redirect(INDEX)


class ZReportView(View):
    """The Z-report PDF of a closed day; audited."""

    def get(self, request, pk):
        if not request.user.has_perm("commerce.view_fiscalclosing"):
            raise PermissionDenied
        closing = get_object_or_404(FiscalClosing, pk=pk)
        try:
            report, pdf = zreport.z_report_download(closing=closing, actor=request.user, channel="admin")
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(INDEX)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
        return response


class FiscalClosingViewSet(ModelViewSet):
    model = FiscalClosing
    name = "commerce_fiscalclosing"
    url_prefix = "commerce/fiscal-closings"
    icon = "date"
    menu_label = _("Fiscal closings")
    index_view_class = FiscalClosingIndexView
    inspect_view_class = FiscalClosingInspectView
    inspect_view_fields = [
        "period_type", "period_start", "period_end", "entries_count", *MONEY_FIELDS, "last_entry_sequence",
        "last_entry_hash", "previous_hash", "hash", "created_at",
    ]  # fmt: skip
    list_display = [
        # One line per closing: the period's words do not wrap.
        Column("period", label=_("Period"), sort_key="period_start", accessor=lambda c: nowrap(c.period_label)),
        Column("get_period_type_display", label=_("Kind")),
        MoneyColumn("sales_total_incl_tax", _("Sales incl. VAT")),
        MoneyColumn("credit_notes_total_incl_tax", _("Credit notes")),
        MoneyColumn("period_total_incl_tax", _("Total of the period")),
        MoneyColumn("tax_total", _("of which VAT")),
        MoneyColumn("grand_total_incl_tax", _("Grand total")),
        ZReportColumn("z_report", label=_("Z-report")),
        HashColumn("hash", label=_("Fingerprint")),
    ]
    list_filter = ["period_type"]
    exclude_form_fields = []  # every field is non-editable: closings are append-only
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("close-due/", FiscalCloseDueView.as_view(), name="close_due"),
            path("z-report/<uuid:pk>/", ZReportView.as_view(), name="z_report"),
        ]
