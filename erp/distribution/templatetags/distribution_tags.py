from decimal import Decimal

from django import template

from erp.core.money import Money, format_money

register = template.Library()


@register.filter
def money(value, currency: str | None = None) -> str:
    """``{{ order.price|money }}`` (a Money) or ``{{ product.unit_price_excl_tax|money:product.currency }}``."""
    if isinstance(value, Money):
        return format_money(value.amount, value.currency)
    if value in (None, ""):
        return ""
    return format_money(Decimal(value), currency or "EUR")


@register.filter
def cents(value) -> int:
    """A price in cents, for the order form's script (it adds whole numbers, never floats)."""
    return int(Decimal(value) * 100)
