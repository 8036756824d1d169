"""Operation screens of the Distribution admin: an order with its lines and lifecycle moves.

They parse the form, call the service and show its error; the rules live in ``services``.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from erp.commerce.models import Product
from erp.core.exceptions import DomainError

from . import selectors, services
from .models import OrderLine, OrderStatus
from .values import Quantity

ORDER_INDEX = "distribution_order:index"
ORDER_MANAGE = "distribution_order:manage"

# Each move: the service and the permission it needs.
MOVES = {
    OrderStatus.CONFIRMED: (services.order_confirm, "distribution.confirm_orders", _("Confirm")),
    OrderStatus.REJECTED: (services.order_reject, "distribution.confirm_orders", _("Reject")),
    OrderStatus.IN_TRANSIT: (services.order_ship, "distribution.deliver_orders", _("Ship (in transit)")),
    OrderStatus.DELIVERED: (services.order_deliver, "distribution.deliver_orders", _("Mark as delivered")),
    OrderStatus.CANCELLED: (services.order_cancel, "distribution.write_orders", _("Cancel")),
}


class AddLineForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.filter(is_active=True), label=_("Product"))
    quantity_value = forms.IntegerField(min_value=1, label=_("Quantity"))
    quantity_unit = forms.CharField(max_length=50, initial="unit", label=_("Unit"))


class OrderManageView(WagtailAdminTemplateMixin, TemplateView):
    """The order, its lines (added or removed while created) and the moves its status allows."""

    template_name = "distribution/admin/order_manage.html"
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("distribution.read_orders"):
            raise PermissionDenied
        self.order = get_object_or_404(selectors.orders_for(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.order} — {self.order.distributor} → {self.order.point_of_sale}"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse(ORDER_INDEX), "label": _("Orders")},
            {"url": "", "label": str(self.order)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        editable = self.order.status == OrderStatus.CREATED and user.has_perm("distribution.write_orders")
        context.update(
            order=self.order,
            lines=self.order.lines.select_related("product"),
            editable=editable,
            line_form=kwargs.get("line_form") or (AddLineForm() if editable else None),
            moves=[
                (target, label)
                for target, (_service, perm, label) in MOVES.items()
                if target in self.order.allowed_transitions and user.has_perm(perm)
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        operation = request.POST.get("operation", "")
        try:
            if operation == "add_line":
                return self._add_line(request)
            if operation == "remove_line":
                self._require("distribution.write_orders")
                line = get_object_or_404(OrderLine.objects.filter(order=self.order), pk=request.POST.get("line"))
                services.order_line_remove(line=line, actor=request.user, request=request)
                messages.success(request, _("Line removed."))
            elif operation in MOVES:
                service, perm, _label = MOVES[operation]
                self._require(perm)
                services_result = service(order=self.order, actor=request.user, request=request)
                messages.success(request, _("Order is now %(status)s.") % {
                    "status": services_result.get_status_display()
                })
            else:
                messages.error(request, _("Unknown operation."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(ORDER_MANAGE, pk=self.order.pk)

    def _require(self, perm: str) -> None:
        if not self.request.user.has_perm(perm):
            raise PermissionDenied

    def _add_line(self, request):
        self._require("distribution.write_orders")
        form = AddLineForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(line_form=form))
        try:
            quantity = Quantity(form.cleaned_data["quantity_value"], form.cleaned_data["quantity_unit"])
            services.order_line_add(
                order=self.order, product=form.cleaned_data["product"], quantity=quantity, actor=request.user,
                request=request,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Line added."))
        return redirect(ORDER_MANAGE, pk=self.order.pk)
