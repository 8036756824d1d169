"""``{{ amount|money:currency }}``: an amount as the reader's language writes it (``60,00 €``)."""

from django import template
from django.utils.translation import get_language

from erp.commerce.money import money_display, quantity_display

register = template.Library()


@register.filter
def money(value, currency: str = "EUR") -> str:
    if value is None or value == "":
        return ""
    return money_display(value, currency or "EUR", (get_language() or "fr")[:2])


@register.filter
def quantity(value) -> str:
    if value is None or value == "":
        return ""
    return quantity_display(value, (get_language() or "fr")[:2])
