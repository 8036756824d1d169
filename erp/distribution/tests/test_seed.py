import pytest

from erp.distribution import seed
from erp.distribution.models import Distributor, DistributorMember, Order, OrderLine, OrderStatus, PointOfSale


@pytest.mark.django_db
def test_seed_is_idempotent_and_has_every_status():
    lines = []
    seed.seed(lines.append)
    counts = (
        Distributor.objects.count(), PointOfSale.objects.count(), Order.objects.count(), OrderLine.objects.count()
    )
    assert counts[:3] == (2, 4, 6)
    assert set(Order.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    seed.seed(lines.append)
    assert (
        Distributor.objects.count(), PointOfSale.objects.count(), Order.objects.count(), OrderLine.objects.count()
    ) == counts
    member = DistributorMember.objects.get()
    assert member.user.groups.filter(name="distributor").exists()
    assert member.distributor.name == "Pharma Distribution Île-de-France"
