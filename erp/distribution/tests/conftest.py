from decimal import Decimal

import pytest

from erp.distribution import services
from erp.distribution.models import PointOfSaleDistributor
from erp.distribution.tests.factories import DistributorFactory, PointOfSaleFactory, ProductFactory
from erp.distribution.values import Quantity


@pytest.fixture
def manager(make_user):
    return make_user("distribution_manager", "manager@distribution.test")


@pytest.fixture
def distributor(db):
    return DistributorFactory(name="Norte")


@pytest.fixture
def other_distributor(db):
    return DistributorFactory(name="Sur")


@pytest.fixture
def shop(distributor):
    pos = PointOfSaleFactory(name="Shop Centro", address_street="1 place Bellecour", address_city="Lyon")
    PointOfSaleDistributor.objects.create(point_of_sale=pos, distributor=distributor)
    return pos


@pytest.fixture
def other_shop(other_distributor):
    pos = PointOfSaleFactory(name="Shop Sur")
    PointOfSaleDistributor.objects.create(point_of_sale=pos, distributor=other_distributor)
    return pos


@pytest.fixture
def milk(db):
    return ProductFactory(name="Milk 1L", external_product_id="MILK-1L", unit_price_excl_tax=Decimal("1.25"))


@pytest.fixture
def butter(db):
    return ProductFactory(name="Butter", external_product_id="BUTTER-250", unit_price_excl_tax=Decimal("3.10"))


@pytest.fixture
def order(distributor, shop, milk, manager):
    return services.order_create(
        distributor=distributor, point_of_sale=shop, lines=[(milk, Quantity(4, "unit"))], actor=manager
    )


