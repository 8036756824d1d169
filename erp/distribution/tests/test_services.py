from decimal import Decimal

import pytest

from erp.core.exceptions import CurrencyMismatch
from erp.distribution import services
from erp.distribution.exceptions import (
    OrderNotEditable,
    OrderTransitionNotAllowed,
    PointOfSaleNotServed,
    ProductInactive,
)
from erp.distribution.models import Order, OrderLine, OrderStatus
from erp.distribution.tests.factories import PointOfSaleFactory, ProductFactory
from erp.distribution.values import Address, Quantity
from erp.ops.models import AuditLog

TIMESTAMPS = ["confirmed_on_utc", "rejected_on_utc", "delivery_on_utc", "canceled_on_utc", "delivered_on_utc"]


def _stamps(order):
    return {name for name in TIMESTAMPS if getattr(order, name) is not None}


def test_order_create_copies_point_of_sale_address_and_sums_lines(distributor, shop, milk, butter, manager):
    order = services.order_create(
        distributor=distributor,
        point_of_sale=shop,
        lines=[(milk, Quantity(4, "unit")), (butter, Quantity(3, "box"))],
        actor=manager,
    )
    assert order.status == OrderStatus.CREATED
    assert order.delivery_address == Address("1 place Bellecour", "Lyon", shop.address_postal_code)
    assert order.price_amount == Decimal("14.30")  # 4 × 1.25 + 3 × 3.10
    assert order.price_currency == "EUR"
    subtotals = sorted(line.sub_total_amount for line in order.lines.all())
    assert subtotals == [Decimal("5.00"), Decimal("9.30")]
    assert _stamps(order) == set()
    assert order.created_by == manager
    assert AuditLog.objects.filter(entity_id=order.pk, action="create").count() == 1


def test_order_create_freezes_delivery_address(distributor, shop, manager):
    order = services.order_create(distributor=distributor, point_of_sale=shop, actor=manager)
    shop.address_street = "99 quai Perrache"
    shop.save()
    order.refresh_from_db()
    assert order.delivery_address_street == "1 place Bellecour"


def test_order_create_with_explicit_address(distributor, shop, manager):
    order = services.order_create(
        distributor=distributor, point_of_sale=shop, delivery_address=Address("Dock 4", "Marseille", "13002"),
        actor=manager,
    )
    assert (order.delivery_address_street, order.delivery_address_city) == ("Dock 4", "Marseille")


def test_order_create_refuses_point_of_sale_not_served(distributor, other_shop, manager):
    with pytest.raises(PointOfSaleNotServed) as exc:
        services.order_create(distributor=distributor, point_of_sale=other_shop, actor=manager)
    assert exc.value.status_code == 422
    assert not Order.objects.exists()


def test_order_create_refused_line_leaves_no_order(distributor, shop, milk, manager):
    dollars = ProductFactory(currency="USD")
    with pytest.raises(CurrencyMismatch):
        services.order_create(
            distributor=distributor, point_of_sale=shop,
            lines=[(milk, Quantity(1, "unit")), (dollars, Quantity(1, "unit"))], actor=manager,
        )
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()


def test_line_add_refuses_other_currency(order, manager):
    pesos = ProductFactory(currency="UYU", unit_price_excl_tax=Decimal("40"))
    with pytest.raises(CurrencyMismatch):
        services.order_line_add(order=order, product=pesos, quantity=Quantity(1, "unit"), actor=manager)
    order.refresh_from_db()
    assert order.lines.count() == 1
    assert order.price_amount == Decimal("5.00")


def test_order_in_other_currency_accepts_its_products(distributor, shop, manager):
    pesos = ProductFactory(currency="UYU", unit_price_excl_tax=Decimal("40"))
    order = services.order_create(
        distributor=distributor, point_of_sale=shop, currency="UYU", lines=[(pesos, Quantity(2, "unit"))],
        actor=manager,
    )
    assert (order.price_amount, order.price_currency) == (Decimal("80.00"), "UYU")
    assert order.lines.get().sub_total_currency == "UYU"


def test_line_add_refuses_inactive_product(order, manager):
    product = ProductFactory(is_active=False)
    with pytest.raises(ProductInactive):
        services.order_line_add(order=order, product=product, quantity=Quantity(1, "unit"), actor=manager)


def test_line_remove_recomputes_price(order, butter, manager):
    line = services.order_line_add(order=order, product=butter, quantity=Quantity(2, "box"), actor=manager)
    order.refresh_from_db()
    assert order.price_amount == Decimal("11.20")
    services.order_line_remove(line=line, actor=manager)
    order.refresh_from_db()
    assert order.price_amount == Decimal("5.00")
    assert order.lines.count() == 1


@pytest.mark.parametrize("move", [
    [services.order_confirm],
    [services.order_reject],
    [services.order_confirm, services.order_ship],
    [services.order_confirm, services.order_cancel],
])
def test_lines_are_frozen_after_created(order, butter, manager, move):
    for service in move:
        service(order=order, actor=manager)
    order.refresh_from_db()
    with pytest.raises(OrderNotEditable):
        services.order_line_add(order=order, product=butter, quantity=Quantity(1, "box"), actor=manager)
    with pytest.raises(OrderNotEditable):
        services.order_line_remove(line=order.lines.get(), actor=manager)
    order.refresh_from_db()
    assert order.lines.count() == 1
    assert order.price_amount == Decimal("5.00")


LEGAL_PATHS = [
    ([services.order_confirm], OrderStatus.CONFIRMED, {"confirmed_on_utc"}),
    ([services.order_reject], OrderStatus.REJECTED, {"rejected_on_utc"}),
    ([services.order_confirm, services.order_ship], OrderStatus.IN_TRANSIT, {"confirmed_on_utc", "delivery_on_utc"}),
    (
        [services.order_confirm, services.order_ship, services.order_deliver],
        OrderStatus.DELIVERED,
        {"confirmed_on_utc", "delivery_on_utc", "delivered_on_utc"},
    ),
    ([services.order_confirm, services.order_cancel], OrderStatus.CANCELLED, {"confirmed_on_utc", "canceled_on_utc"}),
    (
        [services.order_confirm, services.order_ship, services.order_cancel],
        OrderStatus.CANCELLED,
        {"confirmed_on_utc", "delivery_on_utc", "canceled_on_utc"},
    ),
]


@pytest.mark.parametrize(("path", "status", "stamps"), LEGAL_PATHS)
def test_legal_transitions_set_their_timestamps(order, manager, path, status, stamps):
    previous = None
    for service in path:
        order = service(order=order, actor=manager)
    order.refresh_from_db()
    assert order.status == status
    assert _stamps(order) == stamps
    ordered = [getattr(order, name) for name in TIMESTAMPS if getattr(order, name)]
    assert all(stamp >= order.created_on_utc for stamp in ordered)
    for name in ("confirmed_on_utc", "delivery_on_utc", "delivered_on_utc"):
        if getattr(order, name):
            assert previous is None or getattr(order, name) >= previous
            previous = getattr(order, name)
    audits = AuditLog.objects.filter(entity_id=order.pk, action="update")
    moves = sorted(a.metadata_json["status_to"] for a in audits if "status_to" in a.metadata_json)
    assert moves == sorted(str(s) for s in _targets(path))


def _targets(path):
    return [
        {
            services.order_confirm: OrderStatus.CONFIRMED,
            services.order_reject: OrderStatus.REJECTED,
            services.order_ship: OrderStatus.IN_TRANSIT,
            services.order_deliver: OrderStatus.DELIVERED,
            services.order_cancel: OrderStatus.CANCELLED,
        }[service]
        for service in path
    ]


ALL_MOVES = {
    OrderStatus.CONFIRMED: services.order_confirm,
    OrderStatus.REJECTED: services.order_reject,
    OrderStatus.IN_TRANSIT: services.order_ship,
    OrderStatus.DELIVERED: services.order_deliver,
    OrderStatus.CANCELLED: services.order_cancel,
}
REACH = {
    OrderStatus.CREATED: [],
    OrderStatus.CONFIRMED: [services.order_confirm],
    OrderStatus.REJECTED: [services.order_reject],
    OrderStatus.IN_TRANSIT: [services.order_confirm, services.order_ship],
    OrderStatus.DELIVERED: [services.order_confirm, services.order_ship, services.order_deliver],
    OrderStatus.CANCELLED: [services.order_confirm, services.order_cancel],
}
ALLOWED = {
    OrderStatus.CREATED: {"confirmed", "rejected"},
    OrderStatus.CONFIRMED: {"in_transit", "cancelled"},
    OrderStatus.IN_TRANSIT: {"delivered", "cancelled"},
    OrderStatus.REJECTED: set(),
    OrderStatus.DELIVERED: set(),
    OrderStatus.CANCELLED: set(),
}
ILLEGAL = [(start, target) for start in REACH for target in ALL_MOVES if target not in ALLOWED[start]]


@pytest.mark.parametrize(("start", "target"), ILLEGAL)
def test_illegal_transitions_are_refused_with_allowed_moves(order, manager, start, target):
    for service in REACH[start]:
        order = service(order=order, actor=manager)
    order.refresh_from_db()
    before = {name: getattr(order, name) for name in TIMESTAMPS}
    with pytest.raises(OrderTransitionNotAllowed) as exc:
        ALL_MOVES[target](order=order, actor=manager)
    assert exc.value.status_code == 409
    assert exc.value.code == "order_transition_not_allowed"
    assert set(exc.value.extra["allowed"]) == ALLOWED[start]
    order.refresh_from_db()
    assert order.status == start
    assert {name: getattr(order, name) for name in TIMESTAMPS} == before


def test_transition_uses_the_current_row_not_a_stale_copy(order, manager):
    stale = Order.objects.get(pk=order.pk)
    services.order_reject(order=order, actor=manager)
    with pytest.raises(OrderTransitionNotAllowed):
        services.order_confirm(order=stale, actor=manager)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.REJECTED


def test_point_of_sale_link_add_and_remove_are_idempotent(distributor, manager):
    pos = PointOfSaleFactory()
    services.distributor_point_of_sale_add(distributor=distributor, point_of_sale=pos, actor=manager)
    services.distributor_point_of_sale_add(distributor=distributor, point_of_sale=pos, actor=manager)
    assert list(distributor.points_of_sale.filter(pk=pos.pk)) == [pos]
    services.order_create(distributor=distributor, point_of_sale=pos, actor=manager)
    services.distributor_point_of_sale_remove(distributor=distributor, point_of_sale=pos, actor=manager)
    services.distributor_point_of_sale_remove(distributor=distributor, point_of_sale=pos, actor=manager)
    assert not distributor.points_of_sale.filter(pk=pos.pk).exists()
    assert Order.objects.filter(point_of_sale=pos).count() == 1  # past orders stay
    with pytest.raises(PointOfSaleNotServed):
        services.order_create(distributor=distributor, point_of_sale=pos, actor=manager)


# --- Issue 27: the B2B catalogue, reorder, invitations ------------------------------------------


def test_line_add_refuses_a_product_not_for_distribution(order, manager):
    from erp.distribution.exceptions import ProductNotForDistribution

    consultation = ProductFactory(name="Consultation", for_distribution=False)
    with pytest.raises(ProductNotForDistribution):
        services.order_line_add(order=order, product=consultation, quantity=Quantity(1, "unit"), actor=manager)
    assert order.lines.count() == 1


def test_order_reorder_copies_lines_at_todays_prices_and_leaves_out_withdrawn_products(order, butter, manager):
    services.order_line_add(order=order, product=butter, quantity=Quantity(2, "unit"), actor=manager)
    butter.is_active = False
    butter.save()
    milk = order.lines.get(product__name="Milk 1L").product
    milk.unit_price_excl_tax = Decimal("1.50")
    milk.save()
    services.order_confirm(order=order, actor=manager)
    again = services.order_reorder(order=order, actor=manager)
    assert again.pk != order.pk and again.status == OrderStatus.CREATED
    assert [(line.product_id, line.quantity_value) for line in again.lines.all()] == [(milk.pk, 4)]
    assert again.price_amount == Decimal("6.00")
    assert AuditLog.objects.filter(entity_id=again.pk, metadata_json__reorder_of=str(order.pk)).exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED and order.price_amount == Decimal("11.20")


def test_order_reorder_with_nothing_orderable_creates_nothing(order, manager):
    from erp.distribution.exceptions import OrderNothingToReorder

    order.lines.get().product.__class__.objects.update(for_distribution=False)
    with pytest.raises(OrderNothingToReorder):
        services.order_reorder(order=order, actor=manager)
    assert Order.objects.count() == 1


def test_member_invite_creates_the_user_once_and_resends(distributor, manager, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = services.distributor_member_invite(distributor=distributor, email="Ana@Norte.test", actor=manager)
    assert len(callbacks) == 1 and len(mail.outbox) == 1  # the e-mail waits for the commit
    with django_capture_on_commit_callbacks(execute=True):
        second = services.distributor_member_invite(distributor=distributor, email="ana@norte.test", actor=manager)
    assert first.pk == second.pk and len(mail.outbox) == 2
    assert AuditLog.objects.filter(entity_id=first.pk, action="create").count() == 1


def test_member_invite_refuses_staff_and_other_distributors(distributor, other_distributor, manager, make_user):
    from erp.distribution.exceptions import MemberAlreadyLinked

    with pytest.raises(MemberAlreadyLinked):
        services.distributor_member_invite(distributor=distributor, email=manager.email, actor=manager)
    services.distributor_member_invite(distributor=distributor, email="ana@norte.test", actor=manager)
    with pytest.raises(MemberAlreadyLinked):
        services.distributor_member_invite(distributor=other_distributor, email="ana@norte.test", actor=manager)
    assert not manager.groups.filter(name="distributor").exists()
