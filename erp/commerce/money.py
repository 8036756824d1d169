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
