"""The distribution API: views parse, resolve ids within the caller's scope, call a service and serialize.

Every queryset goes through ``erp.distribution.selectors``: a distributor user reaching another
distributor's record by id gets a 404.
"""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from erp.commerce.models import Product
from erp.core.api.mixins import AuditedViewSetMixin
from erp.core.api.permissions import RoleAccess, has_perms
from erp.core.api.schema import error_responses
from erp.distribution import selectors, services
from erp.distribution.api import serializers as s
from erp.distribution.models import Distributor, DistributorMember, Order, OrderLine, OrderStatus, PointOfSale
from erp.distribution.order_pdf import order_summary_pdf

MANAGE = "distribution.manage_distributors"
READ_ORDERS = "distribution.read_orders"
WRITE_ORDERS = "distribution.write_orders"
CONFIRM_ORDERS = "distribution.confirm_orders"
DELIVER_ORDERS = "distribution.deliver_orders"


class DirectoryPermission(permissions.BasePermission):
    """Distributors and points of sale: read with read_orders or manage_distributors; write with manage."""

    message = _("Your role does not allow this.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return user.has_perm(MANAGE) or user.has_perm(READ_ORDERS)
        return user.has_perm(MANAGE)


class _DirectoryViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    permission_classes = [RoleAccess, DirectoryPermission]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.user.is_authenticated:
            context["visible_distributor_ids"] = (
                None
                if selectors.member_distributor_id(self.request.user) is None
                else {selectors.member_distributor_id(self.request.user)}
            )
        return context


class DistributorFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")
    city = filters.CharFilter(field_name="address_city", lookup_expr="iexact")

    class Meta:
        model = Distributor
        fields = ["name", "city"]


class DistributorViewSet(_DirectoryViewSet):
    """Distributors, their address and contacts, and the points of sale they serve."""

    serializer_class = s.DistributorSerializer
    filterset_class = DistributorFilter

    def get_queryset(self):
        return selectors.distributors_for(self.request.user).prefetch_related("points_of_sale")

    @extend_schema(request=s.PointOfSaleLinkSerializer, responses={200: s.DistributorSerializer})
    @action(
        detail=True, methods=["post"], url_path="points-of-sale", permission_classes=[RoleAccess, has_perms(MANAGE)]
    )
    def add_point_of_sale(self, request, pk=None):
        """The distributor serves this point of sale (idempotent)."""
        distributor = self.get_object()
        data = s.PointOfSaleLinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        point_of_sale = get_object_or_404(
            selectors.points_of_sale_for(request.user), pk=data.validated_data["point_of_sale"]
        )
        services.distributor_point_of_sale_add(distributor=distributor, point_of_sale=point_of_sale, actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=distributor.pk)).data)

    @extend_schema(request=None, responses={204: OpenApiResponse(description="No longer served.")})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"points-of-sale/(?P<point_of_sale_id>[0-9a-f-]{36})",
        permission_classes=[RoleAccess, has_perms(MANAGE)],
    )
    def remove_point_of_sale(self, request, pk=None, point_of_sale_id=None):
        """The distributor stops serving this point of sale."""
        distributor = self.get_object()
        point_of_sale = get_object_or_404(selectors.points_of_sale_for(request.user), pk=point_of_sale_id)
        services.distributor_point_of_sale_remove(
            distributor=distributor, point_of_sale=point_of_sale, actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PointOfSaleFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")
    city = filters.CharFilter(field_name="address_city", lookup_expr="iexact")
    distributor = filters.UUIDFilter(field_name="distributors__id")

    class Meta:
        model = PointOfSale
        fields = ["name", "city", "distributor"]


class PointOfSaleViewSet(_DirectoryViewSet):
    """Points of sale; a distributor user sees only those its distributor serves."""

    serializer_class = s.PointOfSaleSerializer
    filterset_class = PointOfSaleFilter

    def get_queryset(self):
        return selectors.points_of_sale_for(self.request.user).prefetch_related("distributors")


class DistributorMemberViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    """Which user acts for which distributor (managers only)."""

    serializer_class = s.DistributorMemberSerializer
    queryset = DistributorMember.objects.select_related("user", "distributor")
    permission_classes = [RoleAccess, has_perms(MANAGE)]
    filterset_fields = ["distributor", "user"]
    ordering_fields = ["created_at"]

    @extend_schema(
        request=s.MemberInviteSerializer,
        responses={
            201: s.DistributorMemberSerializer,
            **error_responses({409: "The address acts for another distributor or is staff (`member_already_linked`)."}),
        },
    )
    @action(detail=False, methods=["post"])
    def invite(self, request):
        """Invite a person to the distributor's portal: a user with the distributor role and no
        password, and an e-mail whose link confirms the address and sets the password. Inviting the
        same address for the same distributor again sends the link again."""
        data = s.MemberInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        distributor = get_object_or_404(selectors.distributors_for(request.user), pk=values["distributor"])
        member = services.distributor_member_invite(
            distributor=distributor, email=values["email"], first_name=values["first_name"],
            last_name=values["last_name"], language=values["language"], actor=request.user,
        )
        return Response(s.DistributorMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class ProductFilter(filters.FilterSet):
    category = filters.CharFilter(field_name="category__name", lookup_expr="iexact")

    class Meta:
        model = Product
        fields = ["external_product_id", "category", "is_active", "currency", "for_distribution"]


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """The commerce catalog as spec 004 sees it, found by external id. Writes: the commerce API.

    A distributor user sees the B2B catalogue only (active products flagged for distribution)."""

    serializer_class = s.DistributionProductSerializer
    permission_classes = [RoleAccess, has_perms("commerce.view_product")]
    filterset_class = ProductFilter
    ordering_fields = ["name", "external_product_id", "unit_price_excl_tax", "created_at"]

    def get_queryset(self):
        if selectors.member_distributor_id(self.request.user) is not None:
            return selectors.orderable_products()
        return Product.objects.select_related("category")

    @extend_schema(responses={200: s.DistributionProductSerializer})
    @action(detail=False, methods=["get"], url_path=r"by-external-id/(?P<external_product_id>[^/]+)")
    def by_external_id(self, request, external_product_id=None):
        """The product whose external_product_id is given (404 when none)."""
        product = get_object_or_404(self.get_queryset(), external_product_id=external_product_id)
        return Response(self.get_serializer(product).data)


class OrderFilter(filters.FilterSet):
    created_from = filters.IsoDateTimeFilter(field_name="created_on_utc", lookup_expr="gte")
    created_to = filters.IsoDateTimeFilter(field_name="created_on_utc", lookup_expr="lt")
    status = filters.MultipleChoiceFilter(choices=OrderStatus.choices)

    class Meta:
        model = Order
        fields = ["status", "distributor", "point_of_sale", "created_from", "created_to"]


class OrderPermission(permissions.BasePermission):
    """Reads need read_orders; each operation names its own permission in ``required_perms``."""

    message = _("Your role does not allow this operation on orders.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        needed = view.required_perms.get(view.action, READ_ORDERS)
        return user.has_perm(needed)


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Orders with their lines; created here, then moved through their lifecycle by operations."""

    serializer_class = s.OrderSerializer
    permission_classes = [RoleAccess, OrderPermission]
    filterset_class = OrderFilter
    ordering_fields = ["created_on_utc", "price_amount", "status"]
    ordering = ["-created_on_utc"]
    required_perms = {
        "create": WRITE_ORDERS,
        "reorder": WRITE_ORDERS,
        "add_line": WRITE_ORDERS,
        "remove_line": WRITE_ORDERS,
        "cancel": WRITE_ORDERS,
        "confirm": CONFIRM_ORDERS,
        "reject": CONFIRM_ORDERS,
        "ship": DELIVER_ORDERS,
        "deliver": DELIVER_ORDERS,
    }

    def get_queryset(self):
        return selectors.orders_for(self.request.user).prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product"))
        )

    def _output(self, order, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=order.pk)).data, status=status_code)

    def _product(self, line_data) -> Product:
        if line_data.get("product"):
            return get_object_or_404(Product.objects.all(), pk=line_data["product"])
        return get_object_or_404(Product.objects.all(), external_product_id=line_data["external_product_id"])

    @extend_schema(request=s.OrderCreateSerializer, responses={201: s.OrderSerializer})
    def create(self, request):
        """A new order for a point of sale the distributor serves (422 otherwise), optionally with lines."""
        data = s.OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = request.user
        own = selectors.member_distributor_id(user)
        distributor_id = values.get("distributor") or own
        if distributor_id is None:
            # Whether it is needed depends on the caller (managers name it), not on the request's shape.
            raise ValidationError(
                {"distributor": ["A manager must name the distributor."]}, code="distributor_required"
            )
        distributor = get_object_or_404(selectors.distributors_for(user), pk=distributor_id)
        point_of_sale = get_object_or_404(selectors.points_of_sale_for(user), pk=values["point_of_sale"])
        lines = [(self._product(line), line["quantity"]) for line in values["lines"]]
        order = services.order_create(
            distributor=distributor,
            point_of_sale=point_of_sale,
            currency=values["currency"],
            delivery_address=values.get("delivery_address"),
            lines=lines,
            actor=user,
        )
        return self._output(order, status.HTTP_201_CREATED)

    @extend_schema(request=s.OrderLineInputSerializer, responses={201: s.OrderSerializer})
    @action(detail=True, methods=["post"], url_path="lines")
    def add_line(self, request, pk=None):
        """Add a line while the order is created (409 after); the product's currency must be the order's (422)."""
        order = self.get_object()
        data = s.OrderLineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.order_line_add(
            order=order,
            product=self._product(data.validated_data),
            quantity=data.validated_data["quantity"],
            actor=request.user,
        )
        return self._output(order, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.OrderSerializer})
    @action(detail=True, methods=["delete"], url_path=r"lines/(?P<line_id>[0-9a-f-]{36})")
    def remove_line(self, request, pk=None, line_id=None):
        """Remove a line while the order is created (409 after)."""
        order = self.get_object()
        line = get_object_or_404(OrderLine.objects.filter(order=order), pk=line_id)
        services.order_line_remove(line=line, actor=request.user)
        return self._output(order)

    def _move(self, request, service):
        order = self.get_object()
        service(order=order, actor=request.user)
        return self._output(order)

    @extend_schema(request=None, responses={200: s.OrderSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """created → confirmed."""
        return self._move(request, services.order_confirm)

    @extend_schema(request=None, responses={200: s.OrderSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """created → rejected."""
        return self._move(request, services.order_reject)

    @extend_schema(request=None, responses={200: s.OrderSerializer})
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        """confirmed → in_transit (sets delivery_on_utc)."""
        return self._move(request, services.order_ship)

    @extend_schema(request=None, responses={200: s.OrderSerializer})
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        """in_transit → delivered."""
        return self._move(request, services.order_deliver)

    @extend_schema(request=None, responses={200: s.OrderSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """confirmed or in_transit → cancelled."""
        return self._move(request, services.order_cancel)

    @extend_schema(
        request=None,
        responses={
            201: s.OrderSerializer,
            **error_responses({
                422: "No product of the order can be ordered any more (`order_nothing_to_reorder`), or the "
                "point of sale is no longer served (`point_of_sale_not_served`).",
            }),
        },
    )
    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        """A new created order with the same point of sale, currency and lines at today's prices
        (products no longer offered are left out)."""
        order = services.order_reorder(order=self.get_object(), actor=request.user)
        return self._output(order, status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The printable order summary, in the caller's language."
            ),
        },
    )
    @action(detail=True, methods=["get"], url_path="summary-pdf", url_name="summary-pdf")
    def summary_pdf(self, request, pk=None):
        """The order summary as a PDF (not an invoice)."""
        order = self.get_object()
        document = order_summary_pdf(order, order.distributor)
        response = HttpResponse(document.pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
        return response
