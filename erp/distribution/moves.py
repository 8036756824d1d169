"""The lifecycle moves an order screen offers (admin and portal): the service, the permission it
needs and its button. Whether a move is legal now is the order's status (``TRANSITIONS``)."""

from django.utils.translation import gettext_lazy as _

from erp.distribution import services
from erp.distribution.models import Order, OrderStatus

MOVES = {
    OrderStatus.CONFIRMED: (services.order_confirm, "distribution.confirm_orders", _("Confirm")),
    OrderStatus.REJECTED: (services.order_reject, "distribution.confirm_orders", _("Reject")),
    OrderStatus.IN_TRANSIT: (services.order_ship, "distribution.deliver_orders", _("Ship (in transit)")),
    OrderStatus.DELIVERED: (services.order_deliver, "distribution.deliver_orders", _("Mark as delivered")),
    OrderStatus.CANCELLED: (services.order_cancel, "distribution.write_orders", _("Cancel the order")),
}


def moves_for(user, order: Order) -> list[tuple[str, str]]:
    """The (target status, button label) pairs ``user`` may apply to ``order`` now."""
    return [
        (target, label)
        for target, (_service, perm, label) in MOVES.items()
        if target in order.allowed_transitions and user.has_perm(perm)
    ]


def move_apply(user, order: Order, target: str) -> Order:
    """Apply the move to ``target`` as ``user`` (PermissionDenied without its permission)."""
    from django.core.exceptions import PermissionDenied

    service, perm, _label = MOVES[target]
    if not user.has_perm(perm):
        raise PermissionDenied
    return service(order=order, actor=user)
