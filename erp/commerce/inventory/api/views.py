"""Commerce I API: catalog and suppliers (CRUD), purchase orders and their operations (order,
cancel, receive), goods receipts, lots, stock on hand, the stock ledger and adjustments."""

import uuid

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from erp.commerce.inventory import selectors, services
from erp.commerce.inventory.api import filters as commerce_filters
from erp.commerce.inventory.api import serializers as s
from erp.commerce.models import (
    GoodsReceipt,
    InventoryLot,
    Product,
    ProductCategory,
    PurchaseOrder,
    PurchaseOrderLine,
    StockBalance,
    StockMove,
    Supplier,
    TaxRate,
)
from erp.core.api.mixins import AuditedViewSetMixin
from erp.core.api.permissions import RoleAccess, has_perms
from erp.core.exceptions import InvalidInput

SEARCHABLE = [*api_settings.DEFAULT_FILTER_BACKENDS, filters.SearchFilter]


class TaxRateViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    """Tax rates per country."""

    serializer_class = s.TaxRateSerializer
    queryset = TaxRate.objects.all()
    filterset_fields = ["country_code", "is_active", "rate_percent"]
    ordering_fields = ["country_code", "rate_percent", "name", "created_at"]


class ProductCategoryViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    """Product categories."""

    serializer_class = s.ProductCategorySerializer
    queryset = ProductCategory.objects.all()
    filter_backends = SEARCHABLE
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]


class ProductViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    """Products and services of the catalog."""

    serializer_class = s.ProductSerializer
    queryset = Product.objects.select_related("category", "tax_rate")
    filter_backends = SEARCHABLE
    filterset_fields = ["type", "category", "tax_rate", "is_active", "track_lots", "track_expiry", "vat_exempt"]
    search_fields = ["name", "sku", "barcode"]
    ordering_fields = ["name", "sku", "unit_price_excl_tax", "created_at"]


class SupplierViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    """Suppliers."""

    serializer_class = s.SupplierSerializer
    queryset = Supplier.objects.all()
    filter_backends = SEARCHABLE
    filterset_fields = ["is_active", "country_code", "city"]
    search_fields = ["name", "legal_name", "vat_number", "email"]
    ordering_fields = ["name", "created_at"]


class PurchaseOrderViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Purchase orders. A draft is edited, then ordered, received (in one or more receipts) or
    cancelled; orders are never deleted."""

    serializer_class = s.PurchaseOrderSerializer
    queryset = PurchaseOrder.objects.select_related("supplier", "location").prefetch_related("lines__product")
    filterset_fields = ["status", "supplier", "location", "currency"]
    ordering_fields = ["created_at", "ordered_at", "expected_at", "status"]

    def perform_create(self, serializer):
        serializer.instance = services.purchase_order_create(**serializer.validated_data, actor=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.purchase_order_update(
            purchase_order=serializer.instance, changes=serializer.validated_data, actor=self.request.user
        )

    def _fresh(self, order):
        return self.get_queryset().get(pk=order.pk)

    @extend_schema(request=None, responses={200: s.PurchaseOrderSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("commerce.change_purchaseorder")])
    def order(self, request, pk=None):
        """Send the draft to the supplier (draft -> ordered)."""
        order = services.purchase_order_order(purchase_order=self.get_object(), actor=request.user)
        return Response(s.PurchaseOrderSerializer(self._fresh(order)).data)

    @extend_schema(request=None, responses={200: s.PurchaseOrderSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("commerce.change_purchaseorder")])
    def cancel(self, request, pk=None):
        """Cancel a draft or ordered order."""
        order = services.purchase_order_cancel(purchase_order=self.get_object(), actor=request.user)
        return Response(s.PurchaseOrderSerializer(self._fresh(order)).data)

    @extend_schema(request=s.ReceiveInputSerializer, responses={201: s.GoodsReceiptSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("commerce.add_goodsreceipt")])
    def receive(self, request, pk=None):
        """Receive goods against the order: one receipt, its lots and stock moves, or nothing."""
        payload = s.ReceiveInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        receipt = services.goods_receipt_receive(
            purchase_order=self.get_object(),
            lines=[services.ReceiptLineInput(**line) for line in data["lines"]],
            received_at=data.get("received_at"),
            notes=data.get("notes"),
            actor=request.user,
        )
        receipt = GoodsReceipt.objects.prefetch_related("lines__lot").get(pk=receipt.pk)
        return Response(s.GoodsReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


class PurchaseOrderLineViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Lines of purchase orders: added to and removed from drafts only (products, not services)."""

    serializer_class = s.PurchaseOrderLineSerializer
    queryset = PurchaseOrderLine.objects.select_related("product")
    filterset_fields = ["purchase_order", "product"]
    ordering_fields = ["created_at", "quantity_ordered", "unit_cost"]

    def perform_create(self, serializer):
        serializer.instance = services.purchase_order_line_add(**serializer.validated_data, actor=self.request.user)

    def perform_destroy(self, instance):
        services.purchase_order_line_remove(line=instance, actor=self.request.user)


class GoodsReceiptViewSet(viewsets.ReadOnlyModelViewSet):
    """Goods receipts (made by ``purchase-orders/{id}/receive/``) with their lines."""

    serializer_class = s.GoodsReceiptSerializer
    queryset = GoodsReceipt.objects.prefetch_related("lines__lot")
    filterset_class = commerce_filters.GoodsReceiptFilter
    ordering_fields = ["received_at", "created_at"]


WITHIN_DAYS = OpenApiParameter("within_days", OpenApiTypes.INT, description="Horizon in days (default 30).")
LOCATION = OpenApiParameter("location", OpenApiTypes.UUID, description="Only the stock of this site.")


def _location_param(request) -> uuid.UUID | None:
    location_id = request.query_params.get("location")
    if not location_id:
        return None
    try:
        return uuid.UUID(location_id)
    except ValueError:
        raise InvalidInput(_("location must be the id (UUID) of a clinic location."), field="location")


class InventoryLotViewSet(viewsets.ReadOnlyModelViewSet):
    """Lots (created by goods receipts), and the lots in stock that expire soon or have expired."""

    serializer_class = s.InventoryLotSerializer
    queryset = InventoryLot.objects.select_related("product")
    filterset_class = commerce_filters.InventoryLotFilter
    ordering_fields = ["expires_at", "lot_code", "created_at"]

    @extend_schema(parameters=[WITHIN_DAYS, LOCATION], responses={200: s.LotWithStockSerializer(many=True)})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def expiring(self, request):
        """Lots in stock expiring between today and today + ``within_days``."""
        try:
            within_days = int(request.query_params.get("within_days", 30))
        except ValueError:
            within_days = -1
        if not 0 <= within_days <= 3650:
            return Response(
                {"code": "invalid", "detail": "within_days must be a number of days between 0 and 3650."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        lots = selectors.lots_expiring(within_days=within_days, location=_location_param(request))
        return Response(s.LotWithStockSerializer(lots, many=True).data)

    @extend_schema(parameters=[LOCATION], responses={200: s.LotWithStockSerializer(many=True)})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def expired(self, request):
        """Lots still in stock whose expiry date has passed (they cannot be sold)."""
        lots = selectors.lots_expired(location=_location_param(request))
        return Response(s.LotWithStockSerializer(lots, many=True).data)


class StockBalanceViewSet(viewsets.ReadOnlyModelViewSet):
    """Stock on hand by product, lot and location (read from the balances, never the ledger)."""

    serializer_class = s.StockBalanceSerializer
    queryset = StockBalance.objects.select_related("product", "lot", "location")
    filterset_class = commerce_filters.StockBalanceFilter
    ordering_fields = ["quantity", "updated_at", "product__name", "lot__expires_at"]

    @extend_schema(parameters=[LOCATION], responses={200: s.ValuationSerializer})
    @action(
        detail=False,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        permission_classes=[RoleAccess, has_perms("commerce.view_stockbalance", "commerce.view_purchaseorder")],
    )
    def valuation(self, request):
        """Stock on hand valued at weighted average purchase cost, per product."""
        return Response(s.ValuationSerializer(selectors.stock_valuation(location=_location_param(request))).data)


class StockMoveViewSet(viewsets.ReadOnlyModelViewSet):
    """The stock ledger (append-only), and stock adjustments."""

    serializer_class = s.StockMoveSerializer
    queryset = StockMove.objects.all()
    filterset_class = commerce_filters.StockMoveFilter
    ordering_fields = ["occurred_at", "created_at", "quantity"]

    @extend_schema(request=s.StockAdjustInputSerializer, responses={200: s.StockAdjustResultSerializer})
    @action(detail=False, methods=["post"], permission_classes=[RoleAccess, has_perms("commerce.adjust_stock")])
    def adjust(self, request):
        """Adjust the stock (count, breakage, expiry write-off, other) with a reason."""
        payload = s.StockAdjustInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        result = services.stock_adjust(kind=data.pop("adjustment_kind"), **data, actor=request.user)
        return Response(s.StockAdjustResultSerializer(result).data)
