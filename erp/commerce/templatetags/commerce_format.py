"""Amounts, rates and quantities in templates, as the active language writes them."""

from django import template

from erp.commerce.money import format_money, format_number, format_percent

register = template.Library()


@register.filter
def money(value, currency: str = "EUR") -> str:
    """``{{ row.gross|money }}`` -> ``60,00 €`` in French; empty for no value."""
    return "" if value is None or value == "" else format_money(value, currency or "EUR")


@register.filter
def percent(value) -> str:
    return "" if value is None or value == "" else format_percent(value)


@register.filter
def number(value) -> str:
    return "" if value is None or value == "" else format_number(value)
