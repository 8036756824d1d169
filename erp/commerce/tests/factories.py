from decimal import Decimal

import factory

from erp.commerce import models
from erp.core.models import ClinicLocation


class ClinicLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicLocation

    name = factory.Sequence(lambda n: f"Site {n}")
    country_code = "FR"


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TaxRate
        django_get_or_create = ("country_code", "name")

    country_code = "FR"
    name = "TVA normale"
    rate_percent = Decimal("20.00")


class ProductCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProductCategory

    name = factory.Sequence(lambda n: f"Category {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Product

    name = factory.Sequence(lambda n: f"Cream {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    type = models.ProductType.PRODUCT
    unit_price_excl_tax = Decimal("25.00")
    tax_rate = factory.SubFactory(TaxRateFactory)


class InjectableFactory(ProductFactory):
    name = factory.Sequence(lambda n: f"Hyaluronic filler {n}")
    track_lots = True
    track_expiry = True


class ServiceFactory(ProductFactory):
    name = factory.Sequence(lambda n: f"Consultation {n}")
    type = models.ProductType.SERVICE
    sku = None
    vat_exempt = True


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Supplier

    name = factory.Sequence(lambda n: f"Supplier {n}")
    country_code = "FR"


class PurchaseOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PurchaseOrder

    supplier = factory.SubFactory(SupplierFactory)
    location = factory.SubFactory(ClinicLocationFactory)


class InventoryLotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InventoryLot

    product = factory.SubFactory(InjectableFactory)
    lot_code = factory.Sequence(lambda n: f"LOT-{n:04d}")
