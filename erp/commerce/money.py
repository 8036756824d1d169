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


CURRENCY_SYMBOLS = {"EUR": "€"}


def quantity_display(value: Decimal, language: str = "fr") -> str:
    """A quantity or a rate as ``language`` writes it: ``2``, ``1,5``, ``5,5`` in French."""
    from django.utils import formats, translation

    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else (1 if (value * 10) == (value * 10).to_integral_value() else 2)
    with translation.override(language):
        return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def money_display(value: Decimal, currency: str = "EUR", language: str = "fr") -> str:
    """An amount as ``language`` writes it, with its currency: ``1 234,50 €`` in French (narrow
    no-break space between thousands, no-break space before the symbol), ``1,234.50 USD`` in
    English."""
    from django.utils import formats, translation

    with translation.override(language):
        number = formats.number_format(quantize_money(value), 2, use_l10n=True, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return f"{number}\xa0{symbol}"
