"""The distributor portal: server-rendered screens for the users who act for one distributor.

Every record is read through ``erp.distribution.selectors`` with the signed-in user, so another
distributor's ids are a 404; every change calls a service of ``erp.distribution.services``.
Who may open a screen at all is the access matrix (``distribution_portal:*``: distributors).
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from erp.core.exceptions import DomainError
from erp.core.models import User
from erp.core.money import Currency
from erp.core.services import user_email_confirm
from erp.distribution import selectors, services
from erp.distribution.models import Distributor, OrderLine, OrderStatus
from erp.distribution.moves import MOVES, move_apply, moves_for
from erp.distribution.order_pdf import order_summary_pdf
from erp.distribution.portal.forms import UNIT, OrderForm, OrderHistoryFilter, PortalLoginForm
from erp.distribution.values import Quantity

HISTORY_PAGE_SIZE = 20
RECENT_ORDERS = 5

# The core confirmation link's refusals, in the reader's language.
LINK_ERRORS = {
    "confirmation_expired": gettext_lazy(
        "This invitation has expired; ask your contact at the clinic for a new one."
    ),
    "confirmation_invalid": gettext_lazy("This invitation link is not valid."),
}


@method_decorator(never_cache, name="dispatch")
class PortalMixin:
    """A screen of a signed-in distributor user: ``self.distributor`` is theirs."""

    def dispatch(self, request, *args, **kwargs):
        distributor_id = selectors.member_distributor_id(request.user)
        if distributor_id is None:
            raise PermissionDenied(_("This account does not act for a distributor."))
        self.distributor = get_object_or_404(Distributor, pk=distributor_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(distributor=self.distributor, **kwargs)


class PortalView(PortalMixin, TemplateView):
    pass


class HomeView(PortalView):
    """The points of sale the distributor serves, each with its "new order" link, and recent orders."""

    template_name = "distribution/portal/home.html"
    nav = "home"

    def get_context_data(self, **kwargs):
        orders = selectors.orders_for(self.request.user)
        counts = dict(orders.order_by().values_list("status").annotate(count=Count("pk")))
        return super().get_context_data(
            points_of_sale=selectors.points_of_sale_for(self.request.user),
            recent_orders=orders.annotate(line_count=Count("lines"))[:RECENT_ORDERS],
            waiting=counts.get(OrderStatus.CREATED, 0),
            on_the_way=counts.get(OrderStatus.CONFIRMED, 0) + counts.get(OrderStatus.IN_TRANSIT, 0),
            **kwargs,
        )


def _currency(value: str | None) -> str:
    return value if value in Currency.values else Currency.EUR


class CatalogueView(PortalView):
    """The products offered to distributors, with their price in the chosen currency."""

    template_name = "distribution/portal/catalogue.html"
    nav = "catalogue"

    def get_context_data(self, **kwargs):
        currency = _currency(self.request.GET.get("currency"))
        products = selectors.orderable_products(currency)
        query = self.request.GET.get("q", "").strip()
        if query:
            products = products.filter(name__icontains=query)
        return super().get_context_data(
            products=products, currency=currency, currencies=Currency.values, query=query, **kwargs
        )


class OrderCreateView(PortalMixin, FormView):
    """A new order: choose the point of sale and currency, set quantities with the steppers, submit.

    ``?from=<order id>`` fills the quantities of a past order ("order again"); products that can
    no longer be ordered are left out and named.
    """

    template_name = "distribution/portal/order_form.html"
    form_class = OrderForm
    nav = "new"

    def dispatch(self, request, *args, **kwargs):
        self.source = None
        return super().dispatch(request, *args, **kwargs)

    def _source(self):
        source_id = self.request.GET.get("from")
        if source_id and self.source is None:
            self.source = get_object_or_404(selectors.orders_for(self.request.user), pk=source_id)
        return self.source

    def _chosen(self, name: str) -> str | None:
        return (self.request.POST if self.request.method == "POST" else self.request.GET).get(name)

    def currency(self) -> str:
        source = self._source()
        return _currency(self._chosen("currency") or (source.price_currency if source else None))

    def post(self, request, *args, **kwargs):
        if request.POST.get("refresh"):
            # "Show the prices" in another currency: the same screen, the other currency's products.
            return self.render_to_response(self.get_context_data(form=self.get_form_class()(**self._unbound())))
        return super().post(request, *args, **kwargs)

    def _unbound(self) -> dict:
        kwargs = self.get_form_kwargs()
        kwargs.pop("data", None)
        kwargs.pop("files", None)
        kwargs["initial"] = {**kwargs["initial"], "point_of_sale": self.request.POST.get("point_of_sale")}
        return kwargs

    def get_initial(self):
        initial = {"currency": self.currency()}
        source = self._source()
        if source is not None:
            initial["point_of_sale"] = source.point_of_sale_id
            for line in selectors.reorderable_lines(source):
                key = OrderForm.quantity_field(line.product)
                initial[key] = initial.get(key, 0) + line.quantity_value
        elif self.request.GET.get("point_of_sale"):
            initial["point_of_sale"] = self.request.GET["point_of_sale"]
        return initial

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, products=selectors.orderable_products(self.currency()))
        return kwargs

    def get_context_data(self, **kwargs):
        source = self._source()
        left_out = []
        if source is not None:
            kept = {line.pk for line in selectors.reorderable_lines(source)}
            left_out = [line.product.name for line in source.lines.select_related("product") if line.pk not in kept]
        return super().get_context_data(source=source, left_out=left_out, **kwargs)

    def form_valid(self, form):
        try:
            order = services.order_create(
                distributor=self.distributor,
                point_of_sale=form.cleaned_data["point_of_sale"],
                currency=form.cleaned_data["currency"],
                lines=[(product, Quantity(count, UNIT)) for product, count in form.lines()],
                actor=self.request.user,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Your order was sent to the clinic. It will be confirmed shortly."))
        return redirect("distribution_portal:order", pk=order.pk)


class OrderListView(PortalView):
    """The order history, newest first, filtered by status, point of sale and dates."""

    template_name = "distribution/portal/order_list.html"
    nav = "orders"

    def get_context_data(self, **kwargs):
        orders = (
            selectors.orders_for(self.request.user)
            .annotate(line_count=Count("lines"))
            .order_by("-created_on_utc", "-pk")
        )
        filters = OrderHistoryFilter(self.request.GET or None, queryset=orders, request=self.request)
        page = Paginator(filters.qs, HISTORY_PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filters=filters, page=page, query=query.urlencode(), **kwargs)


class OrderDetailView(PortalView):
    """One order: its lines, total, status history, and the moves and actions allowed now."""

    template_name = "distribution/portal/order_detail.html"
    nav = "orders"

    def dispatch(self, request, *args, **kwargs):
        self.order = get_object_or_404(selectors.orders_for(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        order = self.order
        steps = [
            (_("Placed"), order.created_on_utc),
            (pgettext("order status", "Confirmed"), order.confirmed_on_utc),
            (pgettext("order status", "Rejected"), order.rejected_on_utc),
            (pgettext("order status", "In transit"), order.delivery_on_utc),
            (pgettext("order status", "Delivered"), order.delivered_on_utc),
            (pgettext("order status", "Cancelled"), order.canceled_on_utc),
        ]
        return super().get_context_data(
            order=order,
            lines=OrderLine.objects.filter(order=order).select_related("product"),
            steps=[(label, moment) for label, moment in steps if moment],
            moves=moves_for(self.request.user, order),
            can_reorder=self.request.user.has_perm("distribution.write_orders"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        target = request.POST.get("operation", "")
        if target not in MOVES:
            messages.error(request, _("Unknown operation."))
            return redirect("distribution_portal:order", pk=self.order.pk)
        try:
            moved = move_apply(request.user, self.order, target)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The order is now %(status)s.") % {"status": moved.get_status_display()})
        return redirect("distribution_portal:order", pk=self.order.pk)


class OrderSummaryPdfView(OrderDetailView):
    """The printable order summary (weasyprint), downloaded as a PDF."""

    def get(self, request, *args, **kwargs):
        document = order_summary_pdf(self.order, self.distributor)
        response = HttpResponse(document.pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
        return response

    def post(self, request, *args, **kwargs):
        return self.http_method_not_allowed(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "distribution/portal/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("distribution_portal:home")


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("distribution_portal:login")


@method_decorator(never_cache, name="dispatch")
class WelcomeView(FormView):
    """The invitation's link: confirms the address, then the invited user chooses a password."""

    template_name = "distribution/portal/welcome.html"
    form_class = SetPasswordForm

    def dispatch(self, request, *args, **kwargs):
        self.token = kwargs["token"]
        self.invited = None
        try:
            self.invited = user_email_confirm(token=self.token)
        except DomainError as error:
            link_error = LINK_ERRORS.get(error.code, LINK_ERRORS["confirmation_invalid"])
            return self.render_to_response({"link_error": link_error}, status=400)
        if self.invited.has_usable_password():
            messages.info(request, _("Your address is confirmed. Sign in with your password."))
            return redirect("distribution_portal:login")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.invited}

    def get_context_data(self, **kwargs):
        return super().get_context_data(invited=self.invited, **kwargs)

    def form_valid(self, form):
        try:
            user = services.distributor_member_password_choose(
                token=self.token, password=form.cleaned_data["new_password1"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        login(self.request, User.objects.get(pk=user.pk), backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Welcome! Your password is set."))
        return redirect(reverse("distribution_portal:home"))
