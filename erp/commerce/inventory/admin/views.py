"""Operation screens of the Commerce admin: manage a purchase order, receive goods, expiring lots.

They parse the form, call the service and show its error; the rules live in ``services``.
"""

import uuid
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from erp.commerce.inventory import selectors, services
from erp.commerce.models import (
    AdjustmentKind,
    InventoryLot,
    Product,
    ProductType,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
)
from erp.core.admin.widgets import DatePickerInput
from erp.core.exceptions import DomainError
from erp.core.models import ClinicLocation

PO_INDEX = "commerce_purchaseorder:index"
PO_MANAGE = "commerce_purchaseorder:manage"
PO_RECEIVE = "commerce_purchaseorder:receive"


class AddLineForm(forms.Form):
    product = forms.ModelChoiceField(
        queryset=Product.objects.filter(type=ProductType.PRODUCT, is_active=True), label=_("Product")
    )
    quantity_ordered = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0.01"), label=_("Quantity ordered")
    )
    unit_cost = forms.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"), label=_("Unit cost"))


class ReceiveLineForm(forms.Form):
    line_id = forms.UUIDField(widget=forms.HiddenInput)
    quantity = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False, label=_("Quantity received")
    )
    lot_code = forms.CharField(max_length=100, required=False, label=_("Lot code"))
    expires_at = forms.DateField(required=False, widget=DatePickerInput, label=_("Expires at"))
    unit_cost = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False, label=_("Unit cost")
    )


ReceiveFormSet = forms.formset_factory(ReceiveLineForm, extra=0)


class ReceiveHeaderForm(forms.Form):
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Notes"))


def _require(request, *perms: str) -> None:
    if not request.user.has_perms(perms):
        raise PermissionDenied


class PurchaseOrderManageView(WagtailAdminTemplateMixin, TemplateView):
    """The order with its lines: add or remove lines (draft), order, cancel, go to receiving."""

    template_name = "commerce/admin/purchase_order_manage.html"
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "commerce.view_purchaseorder")
        self.order = get_object_or_404(PurchaseOrder.objects.select_related("supplier", "location"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{_('Purchase order')} {self.order}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(PO_INDEX), "label": _("Purchase orders")},
            {"url": "", "label": str(self.order)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.order
        user = self.request.user
        can_change = user.has_perm("commerce.change_purchaseorder")
        context.update(
            order=order,
            lines=order.lines.select_related("product").order_by("created_at", "id"),
            receipts=order.goods_receipts.prefetch_related("lines__product", "lines__lot"),
            add_line_form=kwargs.get("add_line_form") or AddLineForm(),
            can_edit_lines=can_change and order.status == PurchaseOrderStatus.DRAFT,
            can_order=can_change and order.status == PurchaseOrderStatus.DRAFT,
            can_cancel=can_change and order.status in (PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.ORDERED),
            can_receive=user.has_perm("commerce.add_goodsreceipt")
            and order.status in (PurchaseOrderStatus.ORDERED, PurchaseOrderStatus.PARTIALLY_RECEIVED),
            receive_url=reverse(PO_RECEIVE, args=[order.pk]),
        )
        return context

    def post(self, request, *args, **kwargs):
        _require(request, "commerce.change_purchaseorder")
        operation = request.POST.get("operation")
        try:
            if operation == "add_line":
                form = AddLineForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(add_line_form=form))
                services.purchase_order_line_add(purchase_order=self.order, **form.cleaned_data, actor=request.user)
                messages.success(request, _("Line added."))
            elif operation == "remove_line":
                line = get_object_or_404(PurchaseOrderLine, pk=request.POST.get("line"), purchase_order=self.order)
                services.purchase_order_line_remove(line=line, actor=request.user)
                messages.success(request, _("Line removed."))
            elif operation == "order":
                services.purchase_order_order(purchase_order=self.order, actor=request.user)
                messages.success(request, _("The order was sent to the supplier."))
            elif operation == "cancel":
                services.purchase_order_cancel(purchase_order=self.order, actor=request.user)
                messages.success(request, _("The order was cancelled."))
            else:
                messages.error(request, _("Unknown operation."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(PO_MANAGE, pk=self.order.pk)


class PurchaseOrderReceiveView(WagtailAdminTemplateMixin, TemplateView):
    """Receive goods against an order: one row per line with what remains to be received."""

    template_name = "commerce/admin/purchase_order_receive.html"
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "commerce.view_purchaseorder", "commerce.add_goodsreceipt")
        self.order = get_object_or_404(PurchaseOrder.objects.select_related("supplier", "location"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{_('Receive goods')} — {self.order}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(PO_INDEX), "label": _("Purchase orders")},
            {"url": reverse(PO_MANAGE, args=[self.order.pk]), "label": str(self.order)},
            {"url": "", "label": _("Receive")},
        ]

    def open_lines(self):
        lines = self.order.lines.select_related("product").order_by("created_at", "id")
        return [line for line in lines if line.quantity_remaining > 0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = self.open_lines()
        formset = kwargs.get("formset") or ReceiveFormSet(
            initial=[
                {"line_id": line.pk, "quantity": line.quantity_remaining, "unit_cost": line.unit_cost} for line in lines
            ]
        )
        context.update(
            order=self.order,
            rows=list(zip(lines, formset.forms, strict=False)),
            formset=formset,
            header_form=kwargs.get("header_form") or ReceiveHeaderForm(),
            manage_url=reverse(PO_MANAGE, args=[self.order.pk]),
        )
        return context

    def post(self, request, *args, **kwargs):
        formset = ReceiveFormSet(request.POST)
        header_form = ReceiveHeaderForm(request.POST)
        if not (formset.is_valid() and header_form.is_valid()):
            return self.render_to_response(self.get_context_data(formset=formset, header_form=header_form))
        items = [
            services.ReceiptLineInput(
                purchase_order_line=data["line_id"],
                quantity=data["quantity"],
                lot_code=data.get("lot_code") or None,
                expires_at=data.get("expires_at"),
                unit_cost=data.get("unit_cost"),
            )
            for data in formset.cleaned_data
            if data.get("quantity")
        ]
        try:
            services.goods_receipt_receive(
                purchase_order=self.order,
                lines=items,
                notes=header_form.cleaned_data.get("notes") or None,
                actor=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
            return self.render_to_response(self.get_context_data(formset=formset, header_form=header_form))
        messages.success(request, _("Goods received: the stock is updated."))
        return redirect(PO_MANAGE, pk=self.order.pk)


class ExpiringLotsView(WagtailAdminTemplateMixin, TemplateView):
    """Lots in stock that expire within N days (default 60), and expired lots still in stock."""

    template_name = "commerce/admin/expiring_lots.html"
    page_title = _("Expiring lots")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "commerce.view_inventorylot")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            days = max(0, min(int(self.request.GET.get("days", 60)), 3650))
        except ValueError:
            days = 60
        context.update(
            days=days,
            expiring=selectors.lots_expiring(within_days=days),
            expired=selectors.lots_expired(),
        )
        return context


class StockValuationView(WagtailAdminTemplateMixin, TemplateView):
    """Stock on hand valued at weighted average purchase cost (see ``selectors.stock_valuation``)."""

    template_name = "commerce/admin/stock_valuation.html"
    page_title = _("Stock valuation")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "commerce.view_stockbalance", "commerce.view_purchaseorder")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        locations = ClinicLocation.objects.filter(is_active=True).order_by("name")
        location = locations.filter(pk=self.request.GET.get("location")).first() if self._valid_location() else None
        context.update(locations=locations, location=location, valuation=selectors.stock_valuation(location=location))
        return context

    def _valid_location(self) -> bool:
        try:
            uuid.UUID(self.request.GET.get("location", ""))
        except ValueError:
            return False
        return True


class StockAdjustForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.filter(type=ProductType.PRODUCT), label=_("Product"))
    lot = forms.ModelChoiceField(
        queryset=InventoryLot.objects.select_related("product"), required=False, label=_("Lot")
    )
    location = forms.ModelChoiceField(queryset=ClinicLocation.objects.all(), required=False, label=_("Location"))
    kind = forms.ChoiceField(choices=AdjustmentKind.choices, label=_("Kind"))
    quantity = forms.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        label=_("Quantity"),
        help_text=_("Breakage / expiry write-off: quantity removed. Other: signed change."),
    )
    counted_quantity = forms.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        label=_("Counted quantity"),
        help_text=_("Count: quantity found."),
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"))


class StockAdjustView(WagtailAdminTemplateMixin, TemplateView):
    """Adjust the stock (count, breakage, expiry write-off) through ``services.stock_adjust``."""

    template_name = "commerce/admin/stock_adjust.html"
    page_title = _("Adjust stock")
    header_icon = "edit"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "commerce.adjust_stock")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or StockAdjustForm(initial=self.request.GET.dict())
        return context

    def post(self, request, *args, **kwargs):
        form = StockAdjustForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            result = services.stock_adjust(**form.cleaned_data, actor=request.user)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.render_to_response(self.get_context_data(form=form))
        if result.move is None:
            messages.info(request, _("The count matches the stock: nothing to adjust."))
        else:
            messages.success(
                request, _("Stock adjusted: %(quantity)s on hand.") % {"quantity": result.quantity_on_hand}
            )
        return redirect("commerce_stock_adjust:index")
