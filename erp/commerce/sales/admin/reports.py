"""The sales reports screen of the Sales menu: a date range, a location and days or months, then
each report as a table with its bars (plain HTML/CSS, no script), its totals and its CSV and XLSX
downloads. The figures and labels are ``reports``'; this screen parses the filters and renders."""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from erp.commerce.sales import reports
from erp.core.admin.widgets import DatePickerInput
from erp.core.exceptions import DomainError
from erp.core.models import ClinicLocation

PERMISSION = "commerce.view_sales_reports"
INDEX = "commerce_sales_reports:index"
EXPORT = "commerce_sales_reports:export"


class ReportFilterForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=DatePickerInput)
    until = forms.DateField(label=_("To"), required=False, widget=DatePickerInput)
    location = forms.ModelChoiceField(
        queryset=ClinicLocation.objects.filter(is_active=True),
        required=False,
        label=_("Location"),
        empty_label=_("All locations"),
    )
    period = forms.ChoiceField(
        label=_("Payments"), choices=[("day", _("per day")), ("month", _("per month"))], required=False
    )

    @classmethod
    def from_query(cls, query) -> "ReportFilterForm":
        """Bound to the query string; this month so far when it names no range."""
        data = query.copy()
        if not any(data.get(name) for name in ("since", "until")):
            today = timezone.localdate()
            data.setdefault("since", today.replace(day=1).isoformat())
            data.setdefault("until", today.isoformat())
        data.setdefault("period", "day")
        return cls(data)

    def filters(self) -> reports.ReportFilters:
        """The checked filters; a wrong range becomes an error of the form (``report_filters``)."""
        data = self.cleaned_data
        return reports.report_filters(
            since=data["since"], until=data["until"], location=data["location"], period=data["period"] or "day"
        )


def _form_filters(request) -> tuple[ReportFilterForm, reports.ReportFilters | None]:
    form = ReportFilterForm.from_query(request.GET)
    if not form.is_valid():
        return form, None
    try:
        return form, form.filters()
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return form, None


def _require(request) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _query(filters: reports.ReportFilters) -> str:
    values: dict[str, str] = {"period": filters.period}
    for name in ("since", "until"):
        day: date | None = getattr(filters, name)
        if day:
            values[name] = day.isoformat()
    if filters.location is not None:
        values["location"] = str(filters.location.pk)
    return urlencode(values)


class SalesReportsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "commerce/admin/sales_reports.html"
    page_title = _("Sales reports")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        _require(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, filters = _form_filters(self.request)
        sections = []
        if filters is not None:
            query = _query(filters)
            for name, definition in reports.REPORTS.items():
                report = definition.build(filters)
                totals = report.display_totals()
                sections.append(
                    {
                        "report": report,
                        "title": definition.title,
                        "headings": list(definition.columns),
                        "rows": report.display_rows(),
                        "totals": list(zip(totals, definition.columns, strict=True)) if totals else None,
                        "exports": [
                            (file_format.upper(), f"{reverse(EXPORT, args=[name, file_format])}?{query}")
                            for file_format in reports.FORMATS
                        ],
                    }
                )
        context.update(form=form, sections=sections)
        return context


class SalesReportExportView(View):
    """One report as a CSV or XLSX download, with the screen's filters; audited."""

    def get(self, request, name: str, file_format: str):
        _require(request)
        if name not in reports.REPORTS or file_format not in reports.FORMATS:
            raise Http404
        form, filters = _form_filters(request)
        if filters is None:
            messages.error(request, _("Check the filters: %(errors)s") % {"errors": form.errors.as_text()})
            return redirect(INDEX)
        report = reports.report_build(name=name, filters=filters)
        reports.report_export_audit(report=report, file_format=file_format, actor=request.user, channel="admin")
        return reports.report_download(report, file_format)
