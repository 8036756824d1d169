"""Value objects of spec 004: Address and Quantity (immutable, validated on creation); its Money is
``erp.core.money.Money``."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from erp.core.exceptions import InvalidValue


@dataclass(frozen=True)
class Address:
    """A postal address: street and city required, postal code optional."""

    street: str
    city: str
    postal_code: str = ""

    def __post_init__(self):
        street = (self.street or "").strip()
        city = (self.city or "").strip()
        if not street:
            raise InvalidValue(_("Street cannot be empty."), code="address_street_required", field="street")
        if not city:
            raise InvalidValue(_("City cannot be empty."), code="address_city_required", field="city")
        object.__setattr__(self, "street", street)
        object.__setattr__(self, "city", city)
        object.__setattr__(self, "postal_code", (self.postal_code or "").strip())

    def __str__(self) -> str:
        return ", ".join(part for part in (self.street, f"{self.postal_code} {self.city}".strip()) if part)


@dataclass(frozen=True)
class Quantity:
    """A positive whole quantity with its unit (e.g. 12 "unit", 3 "box")."""

    value: int
    unit: str

    def __post_init__(self):
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise InvalidValue(_("Quantity must be a whole number."), code="quantity_invalid", field="quantity_value")
        if self.value <= 0:
            raise InvalidValue(_("Quantity must be positive."), code="quantity_not_positive", field="quantity_value")
        unit = (self.unit or "").strip()
        if not unit:
            raise InvalidValue(_("Unit cannot be empty."), code="quantity_unit_required", field="quantity_unit")
        object.__setattr__(self, "unit", unit)

    def __str__(self) -> str:
        return f"{self.value} {self.unit}"
