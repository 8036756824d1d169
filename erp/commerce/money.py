"""Money arithmetic of the clinic: ``Decimal`` with two places, rounded half up. Never float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize_money(value: Decimal | int | str) -> Decimal:
    """Round an amount to the cent, halves away from zero (``2.345`` -> ``2.35``)."""
    if isinstance(value, float):
        raise TypeError("Money is never a float; pass a Decimal, an int or a string.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def quantize_quantity(value: Decimal | int | str) -> Decimal:
    """Stock quantities are ``decimal(10,2)`` as well, rounded the same way."""
    return quantize_money(value)


def _locale(language: str | None) -> str:
    from django.utils.translation import get_language, to_locale

    return to_locale(language or get_language() or "fr")


def format_money(value: Decimal | int | str, currency: str = "EUR", *, language: str | None = None) -> str:
    """An amount as the language writes it (``60,00 €`` in French, ``€60.00`` in English), by
    Babel's CLDR data; the active language when none is given."""
    from babel.numbers import format_currency

    return format_currency(quantize_money(value), currency, locale=_locale(language))


def format_percent(value: Decimal | int | str, *, language: str | None = None) -> str:
    """A rate given in percent (``5.50`` -> ``5,5 %`` in French)."""
    from babel.numbers import format_percent as babel_percent

    return babel_percent(Decimal(value) / 100, locale=_locale(language), decimal_quantization=False)


def format_number(value: Decimal | int | str, *, language: str | None = None) -> str:
    """A count or a quantity (``2.50`` -> ``2,5`` in French)."""
    from babel.numbers import format_decimal

    return format_decimal(Decimal(value), locale=_locale(language))
