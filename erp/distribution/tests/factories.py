from decimal import Decimal

import factory

from erp.commerce import models as commerce
from erp.distribution import models


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = commerce.TaxRate
        django_get_or_create = ("country_code", "name")

    country_code = "FR"
    name = "TVA normale"
    rate_percent = Decimal("20.00")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = commerce.ProductCategory
        django_get_or_create = ("name",)

    name = "Dairy"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = commerce.Product

    name = factory.Sequence(lambda n: f"Milk {n}")
    sku = factory.Sequence(lambda n: f"DIST-{n:05d}")
    external_product_id = factory.Sequence(lambda n: f"EXT-{n:05d}")
    category = factory.SubFactory(CategoryFactory)
    unit_price_excl_tax = Decimal("2.50")
    currency = "EUR"
    for_distribution = True
    tax_rate = factory.SubFactory(TaxRateFactory)


class DistributorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Distributor

    name = factory.Sequence(lambda n: f"Distributor {n}")
    phone_number = "+33 1 40 00 00 00"
    address_street = factory.Sequence(lambda n: f"{n} rue de la Paix")
    address_city = "Paris"
    address_postal_code = "75002"
    contact_email = factory.Sequence(lambda n: f"contact{n}@distributor.test")


class PointOfSaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PointOfSale

    name = factory.Sequence(lambda n: f"Shop {n}")
    address_street = factory.Sequence(lambda n: f"{n} avenue Victor Hugo")
    address_city = "Lyon"
    address_postal_code = "69002"
