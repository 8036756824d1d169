"""Domain operations of the distribution orders: one transaction each, with an audit row."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.ops.audit import audit_record

from .exceptions import (
    OrderNotEditable,
    OrderTransitionNotAllowed,
    PointOfSaleNotServed,
    ProductInactive,
)
from .models import (
    TIMESTAMP_OF,
    TRANSITIONS,
    Distributor,
    Order,
    OrderLine,
    OrderStatus,
    PointOfSale,
    PointOfSaleDistributor,
)
from .values import Address, Money, Quantity


def _serves(distributor: Distributor, point_of_sale: PointOfSale) -> bool:
    return PointOfSaleDistributor.objects.filter(distributor=distributor, point_of_sale=point_of_sale).exists()


@transaction.atomic
def distributor_point_of_sale_add(*, distributor: Distributor, point_of_sale: PointOfSale, actor) -> None:
    """The distributor serves the point of sale from now on (a second call changes nothing)."""
    distributor = Distributor.objects.select_for_update().get(pk=distributor.pk)
    _link, created = PointOfSaleDistributor.objects.get_or_create(distributor=distributor, point_of_sale=point_of_sale)
    if created:
        audit_record(
            actor=actor, action="update", entity=distributor,
            metadata={"point_of_sale_added": str(point_of_sale.pk)},
        )


@transaction.atomic
def distributor_point_of_sale_remove(*, distributor: Distributor, point_of_sale: PointOfSale, actor) -> None:
    """The distributor stops serving the point of sale; its past orders stay as they are."""
    distributor = Distributor.objects.select_for_update().get(pk=distributor.pk)
    removed, _ = PointOfSaleDistributor.objects.filter(distributor=distributor, point_of_sale=point_of_sale).delete()
    if removed:
        audit_record(
            actor=actor, action="update", entity=distributor,
            metadata={"point_of_sale_removed": str(point_of_sale.pk)},
        )


@transaction.atomic
def order_create(
    *,
    distributor: Distributor,
    point_of_sale: PointOfSale,
    currency: str = "EUR",
    delivery_address: Address | None = None,
    lines: list[tuple[object, Quantity]] | tuple = (),
    actor,
    request=None,
) -> Order:
    """A new ``created`` order with no lines, only for a point of sale the distributor serves.

    The delivery address is copied onto the order (the point of sale's unless another is given),
    so later changes to the point of sale do not rewrite past orders. ``lines`` are added in the
    same transaction: one refused line leaves no order at all.
    """
    if not _serves(distributor, point_of_sale):
        raise PointOfSaleNotServed(
            _("%(distributor)s does not serve the point of sale %(point_of_sale)s.")
            % {"distributor": distributor, "point_of_sale": point_of_sale},
            field="point_of_sale",
        )
    address = delivery_address or point_of_sale.address
    price = Money.zero(currency)
    order = Order(
        distributor=distributor,
        point_of_sale=point_of_sale,
        delivery_address_street=address.street,
        delivery_address_city=address.city,
        delivery_address_postal_code=address.postal_code,
        status=OrderStatus.CREATED,
        price_amount=price.amount,
        price_currency=price.currency,
        created_on_utc=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    order.full_clean()
    order.save()
    audit_record(actor=actor, action="create", entity=order, request=request)
    for product, quantity in lines:
        order_line_add(order=order, product=product, quantity=quantity, actor=actor, request=request)
    order.refresh_from_db()
    return order


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _recompute_price(order: Order) -> Money:
    total = Money.zero(order.price_currency)
    for line in order.lines.all():
        total = total + line.sub_total  # refuses a line in another currency
    return total


@transaction.atomic
def order_line_add(*, order: Order, product, quantity: Quantity, actor, request=None) -> OrderLine:
    """Add a line while the order is ``created``: subtotal = price × quantity, in the order's currency."""
    order = _lock(order)
    if order.status != OrderStatus.CREATED:
        raise OrderNotEditable(
            _("Lines can only change while the order is created (it is %(status)s).")
            % {"status": order.get_status_display()}
        )
    if not product.is_active:
        raise ProductInactive(_("The product %(product)s is not active.") % {"product": product}, field="product")
    sub_total = Money(product.unit_price_excl_tax, product.currency).times(quantity.value)
    price = order.price + sub_total  # CurrencyMismatch when the product is priced in another currency
    line = OrderLine(
        order=order,
        product=product,
        quantity_value=quantity.value,
        quantity_unit=quantity.unit,
        sub_total_amount=sub_total.amount,
        sub_total_currency=sub_total.currency,
    )
    line.full_clean()
    line.save()
    order.price_amount = price.amount
    order.save(update_fields=["price_amount", "updated_at"])
    audit_record(
        actor=actor, action="update", entity=order, request=request,
        metadata={"line_added": str(line.pk), "product": str(product.pk), "quantity": str(quantity)},
    )
    return line


@transaction.atomic
def order_line_remove(*, line: OrderLine, actor, request=None) -> Order:
    """Remove a line while the order is ``created``; the order's price is the sum of what is left."""
    order = _lock(line.order)
    if order.status != OrderStatus.CREATED:
        raise OrderNotEditable(
            _("Lines can only change while the order is created (it is %(status)s).")
            % {"status": order.get_status_display()}
        )
    OrderLine.objects.filter(pk=line.pk, order=order).delete()
    order.price_amount = _recompute_price(order).amount
    order.save(update_fields=["price_amount", "updated_at"])
    audit_record(
        actor=actor, action="update", entity=order, request=request, metadata={"line_removed": str(line.pk)}
    )
    return order


def _transition(order: Order, target: str, *, actor, request=None) -> Order:
    order = _lock(order)
    if target not in TRANSITIONS[order.status]:
        allowed = order.allowed_transitions
        raise OrderTransitionNotAllowed(
            _("An order %(status)s cannot become %(target)s; allowed: %(allowed)s.")
            % {
                "status": order.get_status_display(),
                "target": dict(OrderStatus.choices).get(target, target),
                "allowed": ", ".join(allowed) or "none",
            },
            extra={"status": order.status, "allowed": allowed},
        )
    previous = order.status
    field = TIMESTAMP_OF[target]
    order.status = target
    setattr(order, field, timezone.now())
    order.save(update_fields=["status", field, "updated_at"])
    audit_record(
        actor=actor, action="update", entity=order, request=request,
        metadata={"status_from": previous, "status_to": target},
    )
    return order


@transaction.atomic
def order_confirm(*, order: Order, actor, request=None) -> Order:
    """created → confirmed (sets confirmed_on_utc)."""
    return _transition(order, OrderStatus.CONFIRMED, actor=actor, request=request)


@transaction.atomic
def order_reject(*, order: Order, actor, request=None) -> Order:
    """created → rejected (sets rejected_on_utc)."""
    return _transition(order, OrderStatus.REJECTED, actor=actor, request=request)


@transaction.atomic
def order_ship(*, order: Order, actor, request=None) -> Order:
    """confirmed → in_transit (sets delivery_on_utc)."""
    return _transition(order, OrderStatus.IN_TRANSIT, actor=actor, request=request)


@transaction.atomic
def order_deliver(*, order: Order, actor, request=None) -> Order:
    """in_transit → delivered (sets delivered_on_utc)."""
    return _transition(order, OrderStatus.DELIVERED, actor=actor, request=request)


@transaction.atomic
def order_cancel(*, order: Order, actor, request=None) -> Order:
    """confirmed or in_transit → cancelled (sets canceled_on_utc)."""
    return _transition(order, OrderStatus.CANCELLED, actor=actor, request=request)
