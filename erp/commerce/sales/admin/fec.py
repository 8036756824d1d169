"""The FEC export screen of the Sales menu: a year or a date range, then the download."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from erp.commerce.exceptions import FecForeignCurrency, FecPeriodInvalid
from erp.commerce.sales.api.fec import fec_response
from erp.commerce.sales.fec import fec_check, fec_export_audit, fec_period
from erp.core.admin.widgets import DatePickerInput


class FecExportForm(forms.Form):
    year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=9999, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DatePickerInput)
    date_to = forms.DateField(label=_("To (closing date)"), required=False, widget=DatePickerInput)


class FecExportView(WagtailAdminTemplateMixin, FormView):
    """Parses the form and streams the file; the rules and the audit are ``erp.commerce.sales.fec``'s."""

    template_name = "commerce/admin/fec_export.html"
    form_class = FecExportForm
    page_title = _("FEC export")
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("commerce.view_sales_reports"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"year": timezone.localdate().year - 1}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            period = fec_period(
                year=data["year"] if not (data["date_from"] or data["date_to"]) else None,
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
            fec_check(period)
        except (FecPeriodInvalid, FecForeignCurrency) as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        fec_export_audit(period=period, actor=self.request.user, channel="admin")
        return fec_response(period)
