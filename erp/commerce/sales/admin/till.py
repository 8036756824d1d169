"""Front-desk screens of Commerce II in the Wagtail admin: the till (buyer, lines, proposed lots,
payments, pay, invoice download) and the fiscal journal check (the sales reports: ``reports_admin``).

They parse the form, call the service in ``billing`` and show its error; the rules live there.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from erp.commerce.models import (
    CreditNote,
    InventoryLot,
    Invoice,
    PaymentMethod,
    PaymentMethodCode,
    Product,
    Sale,
    SaleLine,
    SaleStatus,
)
from erp.commerce.sales import fiscal, invoice_pdf, invoice_selectors
from erp.commerce.sales import selectors as sales_selectors
from erp.commerce.sales import services as billing
from erp.core.exceptions import DomainError
from erp.core.money import format_money
from erp.ops.audit import audit_record

SALE_INDEX = "commerce_sale:index"
SALE_TILL = "commerce_sale:till"
INVOICE_PAGE = "commerce_invoice:page"


def _require(request, *perms: str) -> None:
    if not request.user.has_perms(perms):
        raise PermissionDenied


class SaleCreateForm(forms.Form):
    location = forms.ModelChoiceField(queryset=None, required=False, label=_("Location"))
    sold_to_patient = forms.ModelChoiceField(queryset=None, required=False, label=_("Patient"))
    sold_to_name = forms.CharField(max_length=255, required=False, label=_("Or the buyer's name"))
    # The visit the till was opened from (``?appointment=`` / ``?encounter=``), carried through.
    appointment = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    encounter = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        from erp.clinical.admin.viewsets import patient_chooser_viewset
        from erp.clinical.models import Appointment, Encounter, Patient
        from erp.core.models import ClinicLocation

        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = ClinicLocation.objects.filter(is_active=True)
        self.fields["sold_to_patient"].queryset = Patient.objects.all()
        self.fields["sold_to_patient"].widget = patient_chooser_viewset.widget_class()
        self.fields["appointment"].queryset = Appointment.objects.all()
        self.fields["encounter"].queryset = Encounter.objects.all()


class AddLineForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.filter(is_active=True), label=_("Product or service"))
    quantity = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0.01"), initial=1, label=_("Quantity")
    )
    consumed_on_patient = forms.BooleanField(required=False, label=_("Used on the patient (not returnable)"))


class PaymentMethodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_code_display()  # the method in the staff's language, whatever its stored name


class PaymentRowForm(forms.Form):
    method = PaymentMethodChoiceField(
        queryset=PaymentMethod.objects.filter(is_active=True), to_field_name="code", required=False, label=_("Method")
    )
    amount = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False, label=_("Amount")
    )
    provider_reference = forms.CharField(max_length=255, required=False, label=_("Terminal reference"))


PaymentFormSet = forms.formset_factory(PaymentRowForm, extra=3, max_num=6)


class ScanForm(forms.Form):
    barcode = forms.CharField(max_length=64, label=_("Barcode"))


class SaleNewView(WagtailAdminTemplateMixin, TemplateView):
    """Open a draft for a patient (chooser) or a named buyer, then go to the till."""

    template_name = "commerce/admin/sale_new.html"
    page_title = _("New sale")
    header_icon = "tag"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "commerce.add_sale")
        return super().dispatch(request, *args, **kwargs)

    def _origin(self):
        """The appointment or encounter named in the query (the till opened from the agenda or
        the patient page), read only by someone who may see it."""
        from erp.clinical.models import Appointment, Encounter

        user = self.request.user
        for param, model, perm in (
            ("appointment", Appointment, "clinical.view_appointment"),
            ("encounter", Encounter, "clinical.view_encounter"),
        ):
            raw = self.request.GET.get(param)
            if raw:
                if not user.has_perm(perm):
                    raise PermissionDenied
                try:
                    return get_object_or_404(
                        model.objects.select_related("patient", "location", "practitioner"), pk=raw
                    )
                except DjangoValidationError as error:
                    raise Http404 from error
        return None

    def get_context_data(self, **kwargs):
        from erp.clinical.models import Appointment

        context = super().get_context_data(**kwargs)
        origin = self._origin()
        initial = {}
        if self.request.GET.get("patient"):
            initial["sold_to_patient"] = self.request.GET["patient"]
        if origin is not None:
            initial.update(sold_to_patient=origin.patient_id, location=origin.location_id)
            if isinstance(origin, Appointment):
                initial.update(appointment=origin.pk, encounter=origin.encounter_id)
            else:
                initial["encounter"] = origin.pk
        context["form"] = kwargs.get("form") or SaleCreateForm(initial=initial or None)
        context["origin"] = origin
        return context

    def post(self, request, *args, **kwargs):
        form = SaleCreateForm(request.POST)
        if form.is_valid():
            try:
                sale = billing.sale_create(**form.cleaned_data, actor=request.user)
                return redirect(SALE_TILL, pk=sale.pk)
            except DomainError as error:
                form.add_error(None, error.message)
        return self.render_to_response(self.get_context_data(form=form))


def _lines_with_steps(sale: Sale) -> list[SaleLine]:
    """The sale's lines, each with the quantities its − and + steppers set."""
    lines = list(sale.lines.select_related("product").prefetch_related("lots__lot", "product__lots"))
    for line in lines:
        line.quantity_less = line.quantity - 1
        line.quantity_more = line.quantity + 1
    return lines


class SaleTillView(WagtailAdminTemplateMixin, TemplateView):
    """One sale at the front desk: lines with their proposed lots, payments, pay, invoice."""

    template_name = "commerce/admin/sale_till.html"
    header_icon = "tag"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "commerce.view_sale")
        self.sale = get_object_or_404(
            Sale.objects.select_related(
                "location",
                "sold_to_patient",
                "referral_source",
                "appointment__practitioner",
                "appointment__location",
                "encounter__practitioner",
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{_('Sale')} — {self.sale.buyer_name}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(SALE_INDEX), "label": _("Sales")},
            {"url": "", "label": self.sale.buyer_name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sale = self.sale
        user = self.request.user
        draft = sale.status == SaleStatus.DRAFT
        invoice = Invoice.objects.filter(sale=sale).first()
        can_edit = draft and user.has_perm("commerce.change_sale")
        context.update(
            sale=sale,
            products=sales_selectors.counter_products(location=sale.location) if can_edit else [],
            scan_form=kwargs.get("scan_form") or ScanForm(),
            cash_code=PaymentMethodCode.CASH.value,
            lines=(lines := _lines_with_steps(sale)),
            has_lots=any(line.product.track_lots for line in lines),
            payments=sale.payments.select_related("payment_method"),
            invoice=invoice,
            credit_notes=CreditNote.objects.filter(sale=sale).order_by("issued_at", "sequence_number"),
            add_line_form=kwargs.get("add_line_form") or AddLineForm(),
            payment_formset=kwargs.get("payment_formset") or PaymentFormSet(prefix="pay"),
            can_edit=can_edit,
            can_pay=draft and user.has_perm("commerce.pay_sale"),
            can_cancel=draft and user.has_perm("commerce.cancel_sale"),
            can_open_invoice=invoice is not None and user.has_perm("commerce.view_invoice"),
            can_download=invoice is not None and user.has_perm("commerce.download_invoice"),
        )
        return context

    def post(self, request, *args, **kwargs):
        operation = request.POST.get("operation")
        sale = self.sale
        try:
            if operation == "add_line":
                _require(request, "commerce.change_sale")
                form = AddLineForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(add_line_form=form))
                billing.sale_line_add(sale=sale, **form.cleaned_data, actor=request.user)
            elif operation == "add_product":  # a click in the product chooser: one more of it
                _require(request, "commerce.change_sale")
                product = get_object_or_404(Product, pk=request.POST.get("product"))
                billing.sale_line_add(sale=sale, product=product, quantity=Decimal("1"), actor=request.user)
            elif operation == "scan":
                _require(request, "commerce.change_sale")
                form = ScanForm(request.POST)
                if form.is_valid():
                    line = billing.sale_scan(sale=sale, barcode=form.cleaned_data["barcode"], actor=request.user)
                    messages.success(request, _("Added: %(line)s.") % {"line": line.description_snapshot})
                else:
                    messages.error(request, _("Scan or type a barcode."))
            elif operation == "set_quantity":  # the − / + steppers of a line
                _require(request, "commerce.change_sale")
                line = get_object_or_404(SaleLine, pk=request.POST.get("line"), sale=sale)
                quantity = Decimal(request.POST.get("quantity", ""))
                billing.sale_line_update(line=line, quantity=quantity, actor=request.user)
            elif operation == "remove_line":
                _require(request, "commerce.change_sale")
                line = get_object_or_404(SaleLine, pk=request.POST.get("line"), sale=sale)
                billing.sale_line_remove(line=line, actor=request.user)
            elif operation == "set_lots":
                _require(request, "commerce.change_sale")
                line = get_object_or_404(SaleLine, pk=request.POST.get("line"), sale=sale)
                allocations = []
                for lot in InventoryLot.objects.filter(product=line.product_id):
                    raw = (request.POST.get(f"lot_{lot.pk}") or "").strip()
                    if raw and Decimal(raw) > 0:
                        allocations.append((lot, Decimal(raw)))
                billing.sale_line_lots_set(line=line, allocations=allocations, actor=request.user)
                messages.success(request, _("Lots updated."))
            elif operation == "pay":
                _require(request, "commerce.pay_sale")
                formset = PaymentFormSet(request.POST, prefix="pay")
                if not formset.is_valid():
                    return self.render_to_response(self.get_context_data(payment_formset=formset))
                payments = [
                    billing.PaymentInput(
                        method=row["method"].code,
                        amount=row["amount"],
                        provider_reference=row.get("provider_reference") or None,
                    )
                    for row in formset.cleaned_data
                    if row.get("method") and row.get("amount")
                ]
                invoice = billing.sale_pay(sale=sale, payments=payments, actor=request.user)
                messages.success(request, _("Paid. Invoice %(number)s issued.") % {"number": invoice.invoice_number})
                if request.user.has_perms(["commerce.view_invoice", "commerce.download_invoice"]):
                    # The invoice page opens and its PDF downloads at once (``FA-000004.pdf``).
                    return redirect(reverse(INVOICE_PAGE, args=[invoice.pk]) + "?print=1")
            elif operation == "cancel":
                _require(request, "commerce.cancel_sale")
                billing.sale_cancel(sale=sale, actor=request.user)
                messages.success(request, _("The sale was cancelled."))
            else:
                messages.error(request, _("Unknown operation."))
        except DomainError as error:
            messages.error(request, error.message)
        except (ArithmeticError, ValueError):
            messages.error(request, _("Enter quantities as numbers."))
        return redirect(SALE_TILL, pk=sale.pk)


class DocumentDownloadView(View):
    """Redirect to a short-lived signed URL of an invoice or credit note PDF, saved under its
    number (``FA-000004.pdf``); audited."""

    model = Invoice

    def get(self, request, pk):
        _require(request, "commerce.download_invoice")
        obj = get_object_or_404(self.model, pk=pk)
        url = invoice_pdf.billed_download_url(obj, actor=request.user)
        audit_record(actor=request.user, action="view", entity=obj, metadata={"download": str(obj)})
        return HttpResponseRedirect(url)


class InvoicePageView(WagtailAdminTemplateMixin, TemplateView):
    """An invoice: its lines with what is credited of them, payments and refunds, credit notes,
    the PDFs, and the "Credit" action for accounting. Viewing it is audited (buyer's details)."""

    template_name = "commerce/admin/invoice_page.html"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "commerce.view_invoice")
        self.invoice = get_object_or_404(
            Invoice.objects.select_related(
                "sale__location",
                "sale__sold_to_patient",
                "sale__appointment__practitioner",
                "sale__appointment__location",
                "sale__encounter__location",
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Invoice %(number)s") % {"number": self.invoice.invoice_number}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("commerce_invoice:index"), "label": _("Invoices")},
            {"url": "", "label": self.invoice.invoice_number},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        invoice = invoice_selectors.invoice_detail(
            self.invoice, with_credit_notes=user.has_perm("commerce.view_creditnote")
        )
        audit_record(actor=user, action="view", entity=invoice, metadata={"via": "invoice_page"})
        context.update(
            invoice=invoice,
            sale=invoice.sale,
            can_credit=invoice.sale.status == SaleStatus.PAID
            and not invoice.fully_credited
            and user.has_perm("commerce.refund_sale"),
            can_download=user.has_perm("commerce.download_invoice"),
            print=self.request.GET.get("print") == "1",  # just paid at the till: the PDF downloads
        )
        return context


class CreditForm(forms.Form):
    """The reason and, per line of the invoice, the quantity credited and whether it came back."""

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.TextInput(attrs={"placeholder": _("e.g. product returned")})
    )

    def __init__(self, *args, lines, fill: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"quantity_{line.pk}"] = forms.DecimalField(
                label=_("Quantity to credit"),
                max_digits=10,
                decimal_places=2,
                min_value=Decimal("0"),
                required=False,
                initial=line.creditable_quantity if fill else Decimal("0"),
            )
            self.fields[f"returned_{line.pk}"] = forms.BooleanField(
                label=_("Back to stock"),
                required=False,
                initial=line.returnable,
                disabled=not line.returnable,
            )

    def rows(self):
        for line in self.lines:
            yield line, self[f"quantity_{line.pk}"], self[f"returned_{line.pk}"]

    def credit_lines(self) -> list[billing.CreditLineInput]:
        return [
            billing.CreditLineInput(
                sale_line_id=line.pk,
                quantity=self.cleaned_data[f"quantity_{line.pk}"],
                return_to_stock=bool(self.cleaned_data.get(f"returned_{line.pk}")) and line.returnable,
            )
            for line in self.lines
            if self.cleaned_data.get(f"quantity_{line.pk}")
        ]


class InvoiceCreditView(InvoicePageView):
    """Credit some lines of an invoice: pick quantities (and whether the goods came back), give a
    reason; the service issues the credit note. Quantities already credited are refused there."""

    template_name = "commerce/admin/invoice_credit.html"
    header_icon = "doc-empty"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "commerce.view_invoice", "commerce.refund_sale")
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Credit invoice %(number)s") % {"number": self.invoice.invoice_number}

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        items[-1] = {"url": reverse(INVOICE_PAGE, args=[self.invoice.pk]), "label": self.invoice.invoice_number}
        return [*items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = context["invoice"].page_lines
        for line in lines:
            line.returnable = billing.line_returnable(line)
        context["form"] = kwargs.get("form") or CreditForm(lines=lines, fill=self.request.GET.get("all") == "1")
        return context

    def post(self, request, *args, **kwargs):
        lines = invoice_selectors.invoice_detail(self.invoice, with_credit_notes=False).page_lines
        for line in lines:
            line.returnable = billing.line_returnable(line)
        form = CreditForm(request.POST, lines=lines)
        if form.is_valid():
            try:
                credit = billing.sale_refund(
                    sale=self.invoice.sale,
                    reason=form.cleaned_data["reason"],
                    lines=form.credit_lines(),
                    actor=request.user,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Credit note %(number)s issued for %(total)s.")
                    % {"number": credit.credit_note_number, "total": format_money(credit.total_incl_tax)},
                )
                return redirect(INVOICE_PAGE, pk=self.invoice.pk)
        return self.render_to_response(self.get_context_data(form=form))


class FiscalJournalCheckView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "commerce/admin/fiscal_check.html"
    page_title = _("Fiscal journal check")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "commerce.verify_fiscal_journal")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = fiscal.fiscal_journal_verify()
        return context
