"""Wagtail admin of Commerce II, under a "Sales" menu: sales (opened and worked on the till
screen), invoices, credit notes and payments (read-only), card fee rules, the fiscal journal and
its check, the reports dashboard."""

from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from erp.commerce.models import (
    CardFeeRule,
    CreditNote,
    FiscalClosing,
    FiscalJournalEntry,
    Invoice,
    Payment,
    PaymentMethod,
    Sale,
)
from erp.commerce.sales.admin import fec as fec_admin
from erp.commerce.sales.admin import reports as reports_admin
from erp.commerce.sales.admin import till as sales_admin
from erp.commerce.sales.admin.fiscal import FiscalClosingViewSet, money_column
from erp.core.admin.base import AuditedModelViewSet, PermissionViewSet, ReadOnlyPermissionPolicy


class SalePermissionPolicy(ModelPermissionPolicy):
    """Sales are opened with the New sale screen and worked on the till; never deleted."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Sale, SalePermissionPolicy(Sale))
for _model in (Invoice, CreditNote, Payment, FiscalJournalEntry, FiscalClosing):
    register_permission_policy(_model, ReadOnlyPermissionPolicy(_model))


class SaleIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("sold_to_patient", "location", "invoice")

    def get_edit_url(self, instance):
        """A row opens the sale: its invoice page once paid, the till before."""
        invoice = getattr(instance, "invoice", None) if instance.status != "draft" else None
        if invoice is not None and self.request.user.has_perm("commerce.view_invoice"):
            return reverse(sales_admin.INVOICE_PAGE, args=[invoice.pk])
        return reverse(sales_admin.SALE_TILL, args=[instance.pk])

    def get_list_more_buttons(self, instance):
        return [
            ListingMenuItem(
                _("Open at the till"),
                url=reverse(sales_admin.SALE_TILL, args=[instance.pk]),
                icon_name="tag",
                priority=5,
            ),
            *super().get_list_more_buttons(instance),
        ]


class SaleAddRedirect(generic.CreateView):
    def get(self, request, *args, **kwargs):
        return redirect("commerce_sale:new")

    def post(self, request, *args, **kwargs):
        return redirect("commerce_sale:new")


class SaleEditRedirect(generic.EditView):
    def get(self, request, *args, **kwargs):
        return redirect(sales_admin.SALE_TILL, pk=kwargs["pk"])

    def post(self, request, *args, **kwargs):
        return redirect(sales_admin.SALE_TILL, pk=kwargs["pk"])


class SaleViewSet(ModelViewSet):
    model = Sale
    name = "commerce_sale"
    url_prefix = "commerce/sales"
    icon = "tag"
    menu_label = _("Sales")
    index_view_class = SaleIndexView
    add_view_class = SaleAddRedirect
    edit_view_class = SaleEditRedirect
    list_display = [
        "__str__", "status", money_column(Sale, "total_incl_tax", currency_field="currency"), "sold_at", "location",
    ]  # fmt: skip
    list_filter = ["status", "location"]
    search_fields = ["sold_to_name", "sold_to_patient__last_name", "sold_to_patient__first_name"]
    form_fields = ["location", "sold_to_patient", "sold_to_name"]
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("new/", sales_admin.SaleNewView.as_view(), name="new"),
            path("till/<uuid:pk>/", sales_admin.SaleTillView.as_view(), name="till"),
        ]


class InvoiceIndexView(generic.IndexView):
    def get_edit_url(self, instance):
        """A row opens the invoice page (invoices are never edited)."""
        return reverse(sales_admin.INVOICE_PAGE, args=[instance.pk])


class InvoiceViewSet(ModelViewSet):
    model = Invoice
    index_view_class = InvoiceIndexView
    name = "commerce_invoice"
    url_prefix = "commerce/invoices"
    icon = "doc-full"
    menu_label = _("Invoices")
    list_display = ["invoice_number", "billing_name", "issued_at"]
    search_fields = ["invoice_number", "billing_name"]
    form_fields = ["billing_name"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("download/<uuid:pk>/", sales_admin.DocumentDownloadView.as_view(model=Invoice), name="download"),
            path("page/<uuid:pk>/", sales_admin.InvoicePageView.as_view(), name="page"),
            path("credit/<uuid:pk>/", sales_admin.InvoiceCreditView.as_view(), name="credit"),
        ]


class CreditNoteIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("invoice")

    def get_edit_url(self, instance):
        """A row opens its invoice's page, where the credit note sits with the others."""
        return reverse(sales_admin.INVOICE_PAGE, args=[instance.invoice_id])


class CreditNoteViewSet(ModelViewSet):
    model = CreditNote
    index_view_class = CreditNoteIndexView
    name = "commerce_creditnote"
    url_prefix = "commerce/credit-notes"
    icon = "doc-empty"
    menu_label = _("Credit notes")
    list_display = [
        "credit_note_number", "billing_name", "issued_at", "invoice",
        money_column(CreditNote, "total_incl_tax", currency_field="currency"),
    ]  # fmt: skip
    search_fields = ["credit_note_number", "billing_name"]
    form_fields = ["billing_name"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("download/<uuid:pk>/", sales_admin.DocumentDownloadView.as_view(model=CreditNote), name="download"),
        ]


class PaymentViewSet(ModelViewSet):
    model = Payment
    name = "commerce_payment"
    url_prefix = "commerce/payments"
    icon = "pick"
    menu_label = _("Payments")
    list_display = [
        "paid_at", "payment_method", "kind", *(money_column(Payment, name, currency_field="currency")
                                               for name in ("amount_gross", "fee_amount", "amount_net")), "sale",
    ]  # fmt: skip
    list_filter = ["payment_method", "kind"]
    form_fields = ["provider_reference"]
    inspect_view_enabled = True
    copy_view_enabled = False


class PaymentMethodViewSet(AuditedModelViewSet):
    model = PaymentMethod
    name = "commerce_paymentmethod"
    url_prefix = "commerce/payment-methods"
    icon = "list-ul"
    menu_label = _("Payment methods")
    list_display = ["code", "name", "is_active"]
    form_fields = ["code", "name", "is_active"]
    copy_view_enabled = False


class CardFeeRuleViewSet(AuditedModelViewSet):
    model = CardFeeRule
    name = "commerce_cardfeerule"
    url_prefix = "commerce/card-fee-rules"
    icon = "percent"
    menu_label = _("Card fee rules")
    list_display = [
        "provider", "country_code", "fee_percent",
        money_column(CardFeeRule, "fee_fixed_amount", currency_field="currency"), "effective_from", "effective_to",
    ]  # fmt: skip
    list_filter = ["provider", "is_active"]
    form_fields = [
        "provider", "country_code", "fee_percent", "fee_fixed_amount", "currency", "effective_from", "effective_to",
        "is_active",
    ]  # fmt: skip
    copy_view_enabled = False


class FiscalJournalViewSet(ModelViewSet):
    model = FiscalJournalEntry
    name = "commerce_fiscaljournalentry"
    url_prefix = "commerce/fiscal-journal"
    icon = "lock"
    menu_label = _("Fiscal journal")
    list_display = [
        "sequence", "event_type", "occurred_at", "document_number",
        money_column(FiscalJournalEntry, "amount_incl_tax"), "hash",
    ]  # fmt: skip
    list_filter = ["event_type"]
    exclude_form_fields = []  # every field is non-editable: the journal is append-only
    inspect_view_enabled = True
    copy_view_enabled = False


class NewSaleViewSet(PermissionViewSet):
    name = "commerce_new_sale"
    url_prefix = "commerce/new-sale"
    icon = "plus"
    menu_label = _("New sale")
    menu_permissions = ("commerce.add_sale",)

    def get_urlpatterns(self):
        return [path("", sales_admin.SaleNewView.as_view(), name="index")]


class FiscalCheckViewSet(PermissionViewSet):
    name = "commerce_fiscal_check"
    url_prefix = "commerce/fiscal-check"
    icon = "lock"
    menu_label = _("Fiscal journal check")
    menu_permissions = ("commerce.verify_fiscal_journal",)

    def get_urlpatterns(self):
        return [path("", sales_admin.FiscalJournalCheckView.as_view(), name="index")]


class SalesReportsViewSet(PermissionViewSet):
    name = "commerce_sales_reports"
    url_prefix = "commerce/sales-reports"
    icon = "table"
    menu_label = _("Sales reports")
    menu_permissions = ("commerce.view_sales_reports",)

    def get_urlpatterns(self):
        return [
            path("", reports_admin.SalesReportsView.as_view(), name="index"),
            path(
                "export/<slug:name>/<str:file_format>/",
                reports_admin.SalesReportExportView.as_view(),
                name="export",
            ),
        ]


class FecExportViewSet(PermissionViewSet):
    name = "commerce_fec_export"
    url_prefix = "commerce/fec"
    icon = "download"
    menu_label = _("FEC export")
    menu_permissions = ("commerce.view_sales_reports",)

    def get_urlpatterns(self):
        return [path("", fec_admin.FecExportView.as_view(), name="index")]


class SalesViewSetGroup(ModelViewSetGroup):
    menu_label = _("Sales")
    menu_icon = "tag"
    menu_order = 290
    items = (
        NewSaleViewSet,
        SaleViewSet,
        InvoiceViewSet,
        CreditNoteViewSet,
        PaymentViewSet,
        PaymentMethodViewSet,
        CardFeeRuleViewSet,
        FiscalJournalViewSet,
        FiscalClosingViewSet,
        FiscalCheckViewSet,
        SalesReportsViewSet,
        FecExportViewSet,
    )
