"""Amounts, rates and quantities in templates, as the active language writes them."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from erp.core.money import Money, format_money, format_number, format_percent
from erp.core.zones import location_zone

register = template.Library()


@register.filter
def money(value, currency: str | None = None) -> str:
    """``{{ row.gross|money }}`` -> ``60,00 €`` in French, ``{{ product.price|money:product.currency }}``,
    ``{{ order.price|money }}`` (a ``Money``: its own currency); empty for no value."""
    if isinstance(value, Money):
        return format_money(value.amount, value.currency)
    return "" if value is None or value == "" else format_money(value, currency or "EUR")


@register.filter
def percent(value) -> str:
    return "" if value is None or value == "" else format_percent(value)


@register.filter
def number(value) -> str:
    return "" if value is None or value == "" else format_number(value)


@register.filter
def at_location(value, location=None) -> str:
    """``{{ sale.sold_at|at_location:sale.location }}`` -> ``07/12/2026 10:30``: a moment as the
    clock of that location showed it, in the active language's short format."""
    if not value:
        return ""
    return date_format(timezone.localtime(value, location_zone(location)), "SHORT_DATETIME_FORMAT")


@register.filter
def day_at_location(value, location=None) -> str:
    """The calendar day of a moment at that location (``07/12/2026``)."""
    if not value:
        return ""
    return date_format(timezone.localtime(value, location_zone(location)), "SHORT_DATE_FORMAT")
