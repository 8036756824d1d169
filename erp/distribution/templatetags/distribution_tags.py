from decimal import Decimal

from django import template

from erp.commerce.templatetags.commerce_format import money

register = template.Library()
register.filter("money", money)


@register.filter
def cents(value) -> int:
    """A price in cents, for the order form's script (it adds whole numbers, never floats)."""
    return int(Decimal(value) * 100)
