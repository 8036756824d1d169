from decimal import Decimal

import pytest

from erp.commerce.inventory import services
from erp.commerce.tests.factories import ClinicLocationFactory, InjectableFactory, ProductFactory, SupplierFactory


@pytest.fixture
def no_pdf_on_commit(settings):
    """The invoice PDF is not rendered after each commit (tests of many concurrent sales)."""
    settings.COMMERCE_RENDER_PDF_ON_COMMIT = False


@pytest.fixture
def buyer(make_user):
    return make_user("accounting", "buyer@clinic.test")


@pytest.fixture
def location(db):
    return ClinicLocationFactory(name="Paris")


@pytest.fixture
def cream(db):
    return ProductFactory(name="Cicaplast cream", unit_price_excl_tax=Decimal("18.00"))


@pytest.fixture
def filler(db):
    return InjectableFactory(name="Filler 1ml")


@pytest.fixture
def ordered_po(db, buyer, location, cream, filler):
    """An ordered purchase order: 10 creams at 6.00 and 4 fillers at 90.00."""
    order = services.purchase_order_create(supplier=SupplierFactory(), location=location, actor=buyer)
    services.purchase_order_line_add(
        purchase_order=order, product=cream, quantity_ordered=Decimal("10"), unit_cost=Decimal("6.00"), actor=buyer
    )
    services.purchase_order_line_add(
        purchase_order=order, product=filler, quantity_ordered=Decimal("4"), unit_cost=Decimal("90.00"), actor=buyer
    )
    return services.purchase_order_order(purchase_order=order, actor=buyer)
