import django_filters

from erp.commerce.models import GoodsReceipt, InventoryLot, StockBalance, StockMove


class GoodsReceiptFilter(django_filters.FilterSet):
    received_after = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="lt")

    class Meta:
        model = GoodsReceipt
        fields = ["purchase_order", "received_by"]


class InventoryLotFilter(django_filters.FilterSet):
    expires_after = django_filters.DateFilter(field_name="expires_at", lookup_expr="gte")
    expires_before = django_filters.DateFilter(field_name="expires_at", lookup_expr="lte")

    class Meta:
        model = InventoryLot
        fields = ["product", "lot_code"]


class StockBalanceFilter(django_filters.FilterSet):
    include_empty = django_filters.BooleanFilter(
        method="filter_include_empty", help_text="Also list balances at zero (left out by default)."
    )
    product_type = django_filters.CharFilter(field_name="product__type")
    category = django_filters.UUIDFilter(field_name="product__category")

    class Meta:
        model = StockBalance
        fields = ["product", "lot", "location"]

    def filter_include_empty(self, queryset, name, value):
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("include_empty"):
            queryset = queryset.filter(quantity__gt=0)
        return queryset


class StockMoveFilter(django_filters.FilterSet):
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = StockMove
        fields = ["product", "lot", "location", "move_type", "reference_type", "reference_id", "adjustment_kind"]
