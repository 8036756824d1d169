"""Operation screens of the Distribution admin: an order with its lines and lifecycle moves.

They parse the form, call the service and show its error; the rules live in ``services``.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from erp.core.exceptions import DomainError
from erp.distribution import selectors, services
from erp.distribution.models import Distributor, OrderLine, OrderStatus
from erp.distribution.moves import MOVES, move_apply, moves_for
from erp.distribution.values import Quantity

ORDER_INDEX = "distribution_order:index"
ORDER_MANAGE = "distribution_order:manage"
QUEUE_MOVES = (OrderStatus.CONFIRMED, OrderStatus.REJECTED)

class AddLineForm(forms.Form):
    product = forms.ModelChoiceField(queryset=selectors.orderable_products(), label=_("Product"))
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
            moves=moves_for(user, self.order),
        )
        return context

    def post(self, request, *args, **kwargs):
        operation = request.POST.get("operation", "")
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        try:
            if operation == "add_line":
                return self._add_line(request)
            if operation == "remove_line":
                self._require("distribution.write_orders")
                line = get_object_or_404(OrderLine.objects.filter(order=self.order), pk=request.POST.get("line"))
                services.order_line_remove(line=line, actor=request.user)
                messages.success(request, _("Line removed."))
            elif operation in MOVES:
                moved = move_apply(request.user, self.order, operation)
                messages.success(request, _("Order is now %(status)s.") % {"status": moved.get_status_display()})
            else:
                messages.error(request, _("Unknown operation."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(back) if back else redirect(ORDER_MANAGE, pk=self.order.pk)

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
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Line added."))
        return redirect(ORDER_MANAGE, pk=self.order.pk)


class OrderQueueView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """The orders waiting for the clinic, oldest first, each with its lines and Confirm / Reject."""

    permission_required = "distribution.confirm_orders"
    raise_exception = True
    template_name = "distribution/admin/order_queue.html"
    page_title = _("Orders to confirm")
    header_icon = "tasks"
    paginate_by = 25

    def get_breadcrumbs_items(self):
        return [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator
        from django.db.models import Prefetch

        orders = (
            selectors.orders_for(self.request.user)
            .filter(status=OrderStatus.CREATED)
            .order_by("created_on_utc")
            .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("product")))
        )
        page = Paginator(orders, self.paginate_by).get_page(self.request.GET.get("p"))
        queue_moves = [(target, label) for target, (_s, _p, label) in MOVES.items() if target in QUEUE_MOVES]
        return super().get_context_data(
            page=page, queue_url=self.request.get_full_path(), queue_moves=queue_moves, **kwargs
        )


class InviteForm(forms.Form):
    distributor = forms.ModelChoiceField(queryset=Distributor.objects.all(), label=_("Distributor"))
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    language = forms.ChoiceField(
        choices=settings.LANGUAGES, label=_("Language of the e-mail"),
        help_text=_("The invitation is written in this language; the portal follows the user's choice."),
    )


class MemberInviteView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """Invite a person to the portal of a distributor: an e-mail with the confirmation link."""

    permission_required = "distribution.manage_distributors"
    raise_exception = True
    template_name = "distribution/admin/member_invite.html"
    form_class = InviteForm
    page_title = _("Invite a distributor user")
    header_icon = "mail"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("distribution_distributormember:index"), "label": _("Distributor users")},
            {"url": "", "label": self.page_title},
        ]

    def get_initial(self):
        return {"distributor": self.request.GET.get("distributor"), "language": get_language()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            member = services.distributor_member_invite(
                distributor=data["distributor"], email=data["email"], first_name=data["first_name"],
                last_name=data["last_name"], language=data["language"], actor=self.request.user,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The invitation was sent to %(email)s for %(distributor)s.")
            % {"email": member.user.email, "distributor": member.distributor},
        )
        return redirect(reverse("distribution_distributormember:index") + f"?distributor={member.distributor_id}")
