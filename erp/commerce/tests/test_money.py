from decimal import Decimal

import pytest

from erp.core.money import quantize_money


@pytest.mark.parametrize(
    "value, expected",
    [("2.345", "2.35"), ("2.344", "2.34"), ("-2.345", "-2.35"), ("0.005", "0.01"), (3, "3.00"), ("10.5", "10.50")],
)
def test_quantize_money_rounds_half_up_to_the_cent(value, expected):
    assert quantize_money(value) == Decimal(expected)
    assert str(quantize_money(value)) == expected


def test_quantize_money_refuses_floats():
    with pytest.raises(TypeError):
        quantize_money(0.1)
