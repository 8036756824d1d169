"""Wagtail admin screens of Commerce I, grouped under a "Commerce" menu.

Catalog and suppliers are edited directly; purchase orders are written through the services
(create, edit while draft, lines, order, cancel, receive); lots, receipts, the ledger and the
stock on hand are read-only here.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from erp.commerce.inventory import services
from erp.commerce.inventory.admin import views
from erp.commerce.models import (
    GoodsReceipt,
    InventoryLot,
    Product,
    ProductCategory,
    PurchaseOrder,
    StockBalance,
    StockMove,
    Supplier,
    TaxRate,
)
from erp.commerce.sales.admin.fiscal import money_column
from erp.core.admin.base import (
    AuditedModelViewSet,
    PermissionViewSet,
    ReadOnlyPermissionPolicy,
    ServiceCreateView,
    ServiceEditView,
)

for _model in (StockBalance, StockMove, InventoryLot, GoodsReceipt):
    register_permission_policy(_model, ReadOnlyPermissionPolicy(_model))


class TaxRateViewSet(AuditedModelViewSet):
    model = TaxRate
    name = "commerce_taxrate"
    url_prefix = "commerce/tax-rates"
    icon = "percent"
    menu_label = _("Tax rates")
    list_display = ["name", "country_code", "rate_percent", "is_active"]
    list_filter = ["country_code", "is_active"]
    form_fields = ["country_code", "name", "rate_percent", "is_active"]
    copy_view_enabled = False


class ProductCategoryViewSet(AuditedModelViewSet):
    model = ProductCategory
    name = "commerce_productcategory"
    url_prefix = "commerce/categories"
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["name"]
    search_fields = ["name"]
    form_fields = ["name"]
    copy_view_enabled = False


class ProductViewSet(AuditedModelViewSet):
    model = Product
    name = "commerce_product"
    url_prefix = "commerce/products"
    icon = "tag"
    menu_label = _("Products and services")
    list_display = [
        "name", "sku", "type", "category", money_column(Product, "unit_price_excl_tax", currency_field="currency"),
        "tax_rate", "is_active",
    ]  # fmt: skip
    list_filter = ["type", "category", "is_active", "track_lots", "vat_exempt", "for_distribution", "sold_at_counter"]
    search_fields = ["name", "sku", "barcode"]
    form_fields = [
        "name", "type", "sku", "barcode", "category", "description", "unit_price_excl_tax", "tax_rate",
        "track_lots", "track_expiry", "vat_exempt", "vat_exemption_mention", "is_active",
        "for_distribution", "external_product_id", "currency",  # spec 004's catalogue
        "sold_at_counter",  # issue 26: offered at the till
    ]  # fmt: skip
    inspect_view_enabled = True


class SupplierViewSet(AuditedModelViewSet):
    model = Supplier
    name = "commerce_supplier"
    url_prefix = "commerce/suppliers"
    icon = "group"
    menu_label = _("Suppliers")
    list_display = ["name", "city", "email", "phone", "is_active"]
    list_filter = ["is_active", "country_code"]
    search_fields = ["name", "legal_name", "vat_number", "email"]
    form_fields = [
        "name", "legal_name", "vat_number", "email", "phone", "address_line1", "city", "postal_code",
        "country_code", "notes", "is_active",
    ]  # fmt: skip
    inspect_view_enabled = True
    copy_view_enabled = False


PO_FIELDS = ["supplier", "location", "expected_at", "reference", "currency", "notes"]


class PurchaseOrderIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        return [
            ListingMenuItem(
                _("Lines and operations"),
                url=reverse(views.PO_MANAGE, args=[instance.pk]),
                icon_name="list-ul",
                priority=5,
            ),
            *buttons,
        ]


class PurchaseOrderCreateView(ServiceCreateView):
    def save_instance(self):
        data = {name: self.form.cleaned_data.get(name) for name in PO_FIELDS}
        return services.purchase_order_create(**data, actor=self.request.user)

    def get_success_url(self):
        return reverse(views.PO_MANAGE, args=[self.object.pk])


class PurchaseOrderEditView(ServiceEditView):
    def save_instance(self):
        changes = {name: self.form.cleaned_data.get(name) for name in PO_FIELDS}
        return services.purchase_order_update(purchase_order=self.object, changes=changes, actor=self.request.user)

    def service_refused(self, form, error):
        """A refusal (the order is no longer a draft) is shown on the order's page, not on a form it can
        no longer use."""
        messages.error(self.request, error.message)
        return redirect(views.PO_MANAGE, pk=self.object.pk)


class PurchaseOrderDeletePolicy(ModelPermissionPolicy):
    """Purchase orders are cancelled, never deleted."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(PurchaseOrder, PurchaseOrderDeletePolicy(PurchaseOrder))


class PurchaseOrderViewSet(ModelViewSet):
    model = PurchaseOrder
    name = "commerce_purchaseorder"
    url_prefix = "commerce/purchase-orders"
    icon = "list-ul"
    menu_label = _("Purchase orders")
    index_view_class = PurchaseOrderIndexView
    add_view_class = PurchaseOrderCreateView
    edit_view_class = PurchaseOrderEditView
    list_display = ["__str__", "supplier", "location", "status", "ordered_at", "expected_at"]
    list_filter = ["status", "supplier", "location"]
    search_fields = ["reference", "supplier__name"]
    form_fields = PO_FIELDS
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("manage/<uuid:pk>/", views.PurchaseOrderManageView.as_view(), name="manage"),
            path("receive/<uuid:pk>/", views.PurchaseOrderReceiveView.as_view(), name="receive"),
        ]


class InventoryLotViewSet(ModelViewSet):
    model = InventoryLot
    name = "commerce_inventorylot"
    url_prefix = "commerce/lots"
    icon = "pick"
    menu_label = _("Lots")
    list_display = ["lot_code", "product", "expires_at", "created_at"]
    list_filter = ["product", "expires_at"]
    search_fields = ["lot_code", "product__name"]
    form_fields = ["product", "lot_code", "expires_at"]
    inspect_view_enabled = True
    copy_view_enabled = False


class StockOnHandIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(quantity__gt=0).select_related("product", "lot", "location")


class StockOnHandViewSet(ModelViewSet):
    model = StockBalance
    name = "commerce_stockbalance"
    url_prefix = "commerce/stock-on-hand"
    icon = "table"
    menu_label = _("Stock on hand")
    index_view_class = StockOnHandIndexView
    list_display = [
        Column("product", label=_("Product"), accessor="product"),
        Column("lot", label=_("Lot"), accessor="lot"),
        Column("location", label=_("Location"), accessor="location"),
        Column("quantity", label=_("Quantity"), accessor="quantity"),
        "updated_at",
    ]
    list_filter = ["location", "product"]
    form_fields = ["product", "lot", "location", "quantity"]
    copy_view_enabled = False


class StockMoveViewSet(ModelViewSet):
    model = StockMove
    name = "commerce_stockmove"
    url_prefix = "commerce/stock-moves"
    icon = "history"
    menu_label = _("Stock moves")
    list_display = ["occurred_at", "move_type", "product", "lot", "location", "quantity", "unit_cost", "reference_type"]
    list_filter = ["move_type", "reference_type", "location"]
    form_fields = ["product", "lot", "location", "move_type", "quantity"]
    inspect_view_enabled = True
    copy_view_enabled = False


class ExpiringLotsViewSet(PermissionViewSet):
    name = "commerce_expiring_lots"
    url_prefix = "commerce/expiring-lots"
    icon = "warning"
    menu_label = _("Expiring lots")
    menu_permissions = ("commerce.view_inventorylot",)

    def get_urlpatterns(self):
        return [path("", views.ExpiringLotsView.as_view(), name="index")]


class StockValuationViewSet(PermissionViewSet):
    name = "commerce_stock_valuation"
    url_prefix = "commerce/stock-valuation"
    icon = "table"
    menu_label = _("Stock valuation")
    menu_permissions = ("commerce.view_stockbalance", "commerce.view_purchaseorder")

    def get_urlpatterns(self):
        return [path("", views.StockValuationView.as_view(), name="index")]


class StockAdjustViewSet(PermissionViewSet):
    name = "commerce_stock_adjust"
    url_prefix = "commerce/stock-adjust"
    icon = "edit"
    menu_label = _("Adjust stock")
    menu_permissions = ("commerce.adjust_stock",)

    def get_urlpatterns(self):
        return [path("", views.StockAdjustView.as_view(), name="index")]


class CommerceViewSetGroup(ModelViewSetGroup):
    menu_label = _("Commerce")
    menu_icon = "tag"
    menu_order = 300
    items = (
        ProductViewSet,
        ProductCategoryViewSet,
        TaxRateViewSet,
        SupplierViewSet,
        PurchaseOrderViewSet,
        InventoryLotViewSet,
        StockOnHandViewSet,
        ExpiringLotsViewSet,
        StockValuationViewSet,
        StockAdjustViewSet,
        StockMoveViewSet,
    )
