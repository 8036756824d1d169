"""Amounts as the reader's language writes them (Babel's CLDR data): ``1 234,50 €`` in French,
``€1,234.50`` in English, ``1 234,50 US$`` in French for dollars. The amount is never a float."""

from decimal import Decimal

from babel.numbers import format_currency
from django.utils import translation


def format_money(amount: Decimal, currency: str, language: str | None = None) -> str:
    """``amount`` in ``currency`` (ISO 4217) for ``language`` (default: the active language)."""
    if isinstance(amount, float):
        raise TypeError("Money is never a float; pass a Decimal.")
    locale = translation.to_locale(language or translation.get_language() or "fr")
    return format_currency(Decimal(amount), currency, locale=locale)
