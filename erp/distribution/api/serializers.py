"""Serializers of the distribution API; value objects validate addresses, quantities and money."""

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from erp.commerce.models import Product
from erp.core.api.fields import ListedRows
from erp.core.api.serializers import ModelSerializer, Serializer
from erp.core.exceptions import InvalidValue
from erp.core.models import LanguageChoices
from erp.core.money import Currency
from erp.distribution.models import (
    Distributor,
    DistributorMember,
    Order,
    OrderLine,
    OrderStatus,
    PointOfSale,
)
from erp.distribution.values import Address, Quantity


def _inline_enum(choices) -> dict:
    """An enum component of its own (``status`` and ``currency`` are field names of other apps too),
    described in English whatever language is active when this module is imported."""
    with translation.override("en"):
        described = "\n".join(f"* `{value}` - {label}" for value, label in choices.choices)
    return {"type": "string", "enum": list(choices.values), "description": described}


@extend_schema_field(_inline_enum(OrderStatus), component_name="DistributionOrderStatusEnum")
class OrderStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=OrderStatus.choices, **kwargs)


@extend_schema_field(_inline_enum(Currency), component_name="DistributionCurrencyEnum")
class CurrencyField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Currency.choices, **kwargs)


@extend_schema_field(_inline_enum(LanguageChoices), component_name="DistributionLanguageEnum")
class LanguageField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=LanguageChoices.choices, **kwargs)


def _value(factory, *args):
    try:
        return factory(*args)
    except InvalidValue as exc:
        raise serializers.ValidationError({exc.field or "non_field_errors": [exc.message]}, code=exc.code) from exc


class AddressSerializer(Serializer):
    street = serializers.CharField(max_length=200)
    city = serializers.CharField(max_length=100)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        # A partial update sends the whole address again: Address refuses a missing street or city.
        return _value(Address, attrs.get("street"), attrs.get("city"), attrs.get("postal_code", ""))

    def to_representation(self, instance):
        return {"street": instance.street, "city": instance.city, "postal_code": instance.postal_code}


class MoneySerializer(Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    currency = CurrencyField(read_only=True)

    def to_representation(self, instance):
        return {"amount": f"{instance.amount:.2f}", "currency": instance.currency}


class QuantitySerializer(Serializer):
    value = serializers.IntegerField()
    unit = serializers.CharField(max_length=50)

    def validate(self, attrs):
        return _value(Quantity, attrs["value"], attrs["unit"])

    def to_representation(self, instance):
        return {"value": instance.value, "unit": instance.unit}


class _AddressModelSerializer(ModelSerializer):
    """Distributors and points of sale: the address is read and written as one object."""

    address = AddressSerializer()

    def _flatten(self, validated_data):
        address = validated_data.pop("address", None)
        if address is not None:
            validated_data.update(
                address_street=address.street, address_city=address.city, address_postal_code=address.postal_code
            )
        return validated_data

    def create(self, validated_data):
        return super().create(self._flatten(validated_data))

    def update(self, instance, validated_data):
        return super().update(instance, self._flatten(validated_data))


class DistributorSerializer(_AddressModelSerializer):
    points_of_sale = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Distributor
        fields = [
            "id", "name", "phone_number", "address", "contact_email", "contact_phone", "points_of_sale",
            "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class PointOfSaleSerializer(_AddressModelSerializer):
    distributors = serializers.SerializerMethodField()

    class Meta:
        model = PointOfSale
        fields = [
            "id", "name", "phone_number", "address", "contact_email", "contact_phone", "distributors",
            "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_distributors(self, obj) -> list:
        # Only the distributors the caller may see (a distributor user sees itself only).
        visible = self.context.get("visible_distributor_ids")
        ids = [d.pk for d in obj.distributors.all()]
        return [str(pk) for pk in ids if visible is None or pk in visible]


class PointOfSaleLinkSerializer(Serializer):
    point_of_sale = serializers.UUIDField()


class DistributorMemberSerializer(ModelSerializer):
    class Meta:
        model = DistributorMember
        fields = ["id", "user", "distributor", "created_at"]
        read_only_fields = ["created_at"]


class MemberInviteSerializer(Serializer):
    """Whom to invite to the portal of which distributor, and the language of the e-mail."""

    distributor = serializers.UUIDField()
    email = serializers.EmailField(max_length=255)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    language = LanguageField(default=LanguageChoices.FR, help_text="The language of the invitation e-mail.")


class DistributionProductSerializer(ModelSerializer):
    """A commerce catalog product as spec 004 describes it (writes stay in the commerce API)."""

    category = serializers.CharField(source="category.name", read_only=True, allow_null=True, default=None)
    price = serializers.DecimalField(source="unit_price_excl_tax", max_digits=10, decimal_places=2, read_only=True)

    class Meta:
        model = Product
        ref_name = "DistributionProduct"
        fields = [
            "id", "name", "description", "external_product_id", "category", "price", "currency", "is_active",
            "for_distribution", "created_at", "updated_at",
        ]
        read_only_fields = fields


class OrderLineSerializer(ListedRows, ModelSerializer):
    quantity = QuantitySerializer(read_only=True)
    sub_total = MoneySerializer(read_only=True)
    product_external_id = serializers.CharField(source="product.external_product_id", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = OrderLine
        fields = ["id", "product", "product_external_id", "product_name", "quantity", "sub_total"]
        read_only_fields = fields


class OrderSerializer(ListedRows, ModelSerializer):
    delivery_address = AddressSerializer(read_only=True)
    price = MoneySerializer(read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)
    status = OrderStatusField(read_only=True)
    allowed_transitions = serializers.ListField(child=OrderStatusField(), read_only=True)

    class Meta:
        model = Order
        fields = [
            "id", "distributor", "point_of_sale", "delivery_address", "status", "allowed_transitions", "price",
            "lines", "created_on_utc", "confirmed_on_utc", "rejected_on_utc", "delivery_on_utc",
            "canceled_on_utc", "delivered_on_utc",
        ]
        read_only_fields = fields


class OrderLineInputSerializer(Serializer):
    """A product (by id or external id) and a positive quantity with its unit."""

    product = serializers.UUIDField(required=False)
    external_product_id = serializers.CharField(required=False, max_length=100)
    quantity = QuantitySerializer()

    def validate(self, attrs):
        if bool(attrs.get("product")) == bool(attrs.get("external_product_id")):
            raise serializers.ValidationError(_("Give either product or external_product_id."), code="product_required")
        return attrs


class OrderCreateSerializer(Serializer):
    distributor = serializers.UUIDField(
        required=False, help_text="Required for managers; a distributor user orders for its own distributor."
    )
    point_of_sale = serializers.UUIDField()
    currency = CurrencyField(default=Currency.EUR)
    delivery_address = AddressSerializer(
        required=False, help_text="Defaults to the point of sale's address; copied onto the order."
    )
    lines = OrderLineInputSerializer(many=True, required=False, default=list)
