"""Domain operations of the distribution orders: one transaction each, with an audit row.

The caller's address for the audit rows comes from the request being served
(``erp.ops.audit.AuditRequestMiddleware``): services take plain values, never the request.
Error messages are translated in the caller's language (the portal shows them as they are).
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erp.core.locking import advisory_xact_lock, lock_row
from erp.core.models import User
from erp.core.money import Money
from erp.core.services import email_confirmation_token, user_email_confirm
from erp.distribution.exceptions import (
    InvitationUsed,
    MemberAlreadyLinked,
    OrderNotEditable,
    OrderNothingToReorder,
    OrderTransitionNotAllowed,
    PointOfSaleNotServed,
    ProductInactive,
    ProductNotForDistribution,
)
from erp.distribution.models import (
    TIMESTAMP_OF,
    TRANSITIONS,
    Distributor,
    DistributorMember,
    Order,
    OrderLine,
    OrderStatus,
    PointOfSale,
    PointOfSaleDistributor,
)
from erp.distribution.selectors import reorderable_lines
from erp.distribution.values import Address, Quantity
from erp.ops.audit import audit_record

DISTRIBUTOR_ROLE = "distributor"
# pg_advisory_xact_lock(int4, hashtext(e-mail)): two invitations of one address wait for each other.
INVITATION_LOCK_NAMESPACE = 0x696E7669


def _serves(distributor: Distributor, point_of_sale: PointOfSale) -> bool:
    return PointOfSaleDistributor.objects.filter(distributor=distributor, point_of_sale=point_of_sale).exists()


@transaction.atomic
def distributor_point_of_sale_add(*, distributor: Distributor, point_of_sale: PointOfSale, actor) -> None:
    """The distributor serves the point of sale from now on (a second call changes nothing)."""
    distributor = lock_row(Distributor.objects, pk=distributor.pk)
    _link, created = PointOfSaleDistributor.objects.get_or_create(distributor=distributor, point_of_sale=point_of_sale)
    if created:
        audit_record(
            actor=actor, action="update", entity=distributor,
            metadata={"point_of_sale_added": str(point_of_sale.pk)},
        )


@transaction.atomic
def distributor_point_of_sale_remove(*, distributor: Distributor, point_of_sale: PointOfSale, actor) -> None:
    """The distributor stops serving the point of sale; its past orders stay as they are."""
    distributor = lock_row(Distributor.objects, pk=distributor.pk)
    removed, _count = PointOfSaleDistributor.objects.filter(
        distributor=distributor, point_of_sale=point_of_sale
    ).delete()
    if removed:
        audit_record(
            actor=actor, action="update", entity=distributor,
            metadata={"point_of_sale_removed": str(point_of_sale.pk)},
        )


@transaction.atomic
def distributor_member_invite(
    *, distributor: Distributor, email: str, first_name: str = "", last_name: str = "", language: str = "fr", actor
) -> DistributorMember:
    """Give the person at ``email`` the portal of ``distributor`` and e-mail them the link.

    A new address becomes a user with the distributor role and no password: the invitation's
    link (the signed e-mail confirmation token) confirms the address and lets them choose one.
    An address that already acts for this distributor gets the link again; one that acts for
    another distributor, or belongs to clinic staff, is refused.
    """
    email = User.objects.normalize_email(email).strip().lower()
    lock_row(Distributor.objects, pk=distributor.pk)
    advisory_xact_lock(INVITATION_LOCK_NAMESPACE, email)
    user = lock_row(User.objects, missing_ok=True, email__iexact=email)
    if user is None:
        user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        user.full_clean()
        user.save()
        audit_record(actor=actor, action="create", entity=user, metadata={"invited_for": str(distributor.pk)})
    member = DistributorMember.objects.filter(user=user).first()
    if member is not None and member.distributor_id != distributor.pk:
        raise MemberAlreadyLinked(
            _("%(email)s already acts for another distributor.") % {"email": email}, field="email"
        )
    if member is None and (user.is_superuser or any(name != DISTRIBUTOR_ROLE for name in user.role_names)):
        raise MemberAlreadyLinked(
            _("%(email)s is a clinic staff account; invite another address.") % {"email": email}, field="email"
        )
    user.groups.add(Group.objects.get(name=DISTRIBUTOR_ROLE))
    if member is None:
        member = DistributorMember(user=user, distributor=distributor)
        member.full_clean()
        member.save()
        audit_record(actor=actor, action="create", entity=member)
    from erp.distribution.tasks import distributor_invitation_task

    user_id = str(user.pk)
    transaction.on_commit(lambda: distributor_invitation_task(user_id, language))
    return member


def distributor_invitation_send(*, user: User, language: str = "fr") -> str:
    """E-mail ``user`` their invitation to the portal, in ``language``; returns the link."""
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "distribution_portal:welcome", args=[email_confirmation_token(user)]
    )
    membership = DistributorMember.objects.select_related("distributor").get(user=user)
    hours = settings.EMAIL_CONFIRMATION_MAX_AGE // 3600
    with translation.override(language):
        subject = _("Your access to the %(distributor)s order portal") % {"distributor": membership.distributor}
        body = _(
            "Hello %(name)s,\n\nYou can now order for %(distributor)s on the clinic's distributor portal. "
            "Open this link within %(hours)s hours to confirm your e-mail address and choose your "
            "password:\n\n%(link)s\n\nIf you did not expect this message, ignore it."
        ) % {"name": user.get_short_name(), "distributor": membership.distributor, "hours": hours, "link": link}
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
    return link


@transaction.atomic
def distributor_member_password_choose(*, token: str, password: str) -> User:
    """The invited user sets the first password of their account from the invitation's link (which
    also confirms their address); once a password exists the link cannot set another one."""
    user = user_email_confirm(token=token)
    user = lock_row(User.objects, pk=user.pk)
    if user.has_usable_password():
        raise InvitationUsed(_("A password was already chosen from this invitation; sign in with it."))
    if not DistributorMember.objects.filter(user=user).exists():
        raise InvitationUsed(_("This invitation is no longer valid."), code="invitation_invalid")
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    audit_record(actor=user, action="update", entity=user, metadata={"fields_changed": ["password"]})
    return user


@transaction.atomic
def order_create(
    *,
    distributor: Distributor,
    point_of_sale: PointOfSale,
    currency: str = "EUR",
    delivery_address: Address | None = None,
    lines: list[tuple[object, Quantity]] | tuple = (),
    actor,
) -> Order:
    """A new ``created`` order, only for a point of sale the distributor serves.

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
    audit_record(actor=actor, action="create", entity=order)
    for product, quantity in lines:
        order_line_add(order=order, product=product, quantity=quantity, actor=actor)
    order.refresh_from_db()
    return order


@transaction.atomic
def order_reorder(*, order: Order, actor) -> Order:
    """A new ``created`` order for the same point of sale and currency with the lines of ``order``
    at today's prices; products no longer offered to distributors (or now priced in another
    currency) are left out, and if none is left nothing is created."""
    lines = [(line.product, line.quantity) for line in reorderable_lines(order)]
    if not lines:
        raise OrderNothingToReorder(_("None of the products of this order can be ordered any more."))
    new_order = order_create(
        distributor=order.distributor, point_of_sale=order.point_of_sale, currency=order.price_currency,
        lines=lines, actor=actor,
    )
    audit_record(actor=actor, action="update", entity=new_order, metadata={"reorder_of": str(order.pk)})
    return new_order


def _lock(order: Order) -> Order:
    return lock_row(Order.objects, pk=order.pk)


def _not_editable(order: Order) -> OrderNotEditable:
    return OrderNotEditable(
        _("Lines can only change while the order is created (it is %(status)s).")
        % {"status": order.get_status_display()}
    )


def _recompute_price(order: Order) -> Money:
    total = Money.zero(order.price_currency)
    for line in order.lines.all():
        total = total + line.sub_total  # refuses a line in another currency
    return total


@transaction.atomic
def order_line_add(*, order: Order, product, quantity: Quantity, actor) -> OrderLine:
    """Add a line while the order is ``created``: subtotal = price × quantity, in the order's
    currency, for an active product offered to distributors."""
    order = _lock(order)
    if order.status != OrderStatus.CREATED:
        raise _not_editable(order)
    if not product.is_active:
        raise ProductInactive(_("The product %(product)s is not active.") % {"product": product}, field="product")
    if not product.for_distribution:
        raise ProductNotForDistribution(
            _("The product %(product)s is not sold to distributors.") % {"product": product}, field="product"
        )
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
        actor=actor, action="update", entity=order,
        metadata={"line_added": str(line.pk), "product": str(product.pk), "quantity": str(quantity)},
    )
    return line


@transaction.atomic
def order_line_remove(*, line: OrderLine, actor) -> Order:
    """Remove a line while the order is ``created``; the order's price is the sum of what is left."""
    order = _lock(line.order)
    if order.status != OrderStatus.CREATED:
        raise _not_editable(order)
    OrderLine.objects.filter(pk=line.pk, order=order).delete()
    order.price_amount = _recompute_price(order).amount
    order.save(update_fields=["price_amount", "updated_at"])
    audit_record(actor=actor, action="update", entity=order, metadata={"line_removed": str(line.pk)})
    return order


def _transition(order: Order, target: str, *, actor) -> Order:
    order = _lock(order)
    if target not in TRANSITIONS[order.status]:
        allowed = order.allowed_transitions
        raise OrderTransitionNotAllowed(
            _("An order %(status)s cannot become %(target)s; allowed: %(allowed)s.")
            % {
                "status": order.get_status_display(),
                "target": dict(OrderStatus.choices).get(target, target),
                "allowed": ", ".join(str(OrderStatus(code).label) for code in allowed) or _("none"),
            },
            extra={"status": order.status, "allowed": allowed},
        )
    previous = order.status
    field = TIMESTAMP_OF[target]
    order.status = target
    setattr(order, field, timezone.now())
    order.save(update_fields=["status", field, "updated_at"])
    audit_record(
        actor=actor, action="update", entity=order, metadata={"status_from": previous, "status_to": target}
    )
    return order


@transaction.atomic
def order_confirm(*, order: Order, actor) -> Order:
    """created → confirmed (sets confirmed_on_utc)."""
    return _transition(order, OrderStatus.CONFIRMED, actor=actor)


@transaction.atomic
def order_reject(*, order: Order, actor) -> Order:
    """created → rejected (sets rejected_on_utc)."""
    return _transition(order, OrderStatus.REJECTED, actor=actor)


@transaction.atomic
def order_ship(*, order: Order, actor) -> Order:
    """confirmed → in_transit (sets delivery_on_utc)."""
    return _transition(order, OrderStatus.IN_TRANSIT, actor=actor)


@transaction.atomic
def order_deliver(*, order: Order, actor) -> Order:
    """in_transit → delivered (sets delivered_on_utc)."""
    return _transition(order, OrderStatus.DELIVERED, actor=actor)


@transaction.atomic
def order_cancel(*, order: Order, actor) -> Order:
    """confirmed or in_transit → cancelled (sets canceled_on_utc)."""
    return _transition(order, OrderStatus.CANCELLED, actor=actor)
