"""Read queries scoped to what the user may see.

A user linked to a distributor (``DistributorMember``) sees only that distributor, the points of
sale it serves and its orders; a user who manages distributors sees everything; anyone else sees
nothing. Any id outside that scope is therefore a 404, never someone else's data.
"""

from django.db.models import QuerySet

from erp.distribution.models import Distributor, DistributorMember, Order, OrderLine, PointOfSale


def member_distributor_id(user):
    """The id of the distributor the user acts for, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_distribution_member_cache", False)
    if cached is not False:
        return cached
    distributor_id = (
        DistributorMember.objects.filter(user_id=user.pk).values_list("distributor_id", flat=True).first()
    )
    user._distribution_member_cache = distributor_id
    return distributor_id


def _sees_everything(user) -> bool:
    return bool(
        user.is_authenticated
        and member_distributor_id(user) is None
        and (user.is_superuser or user.has_perm("distribution.manage_distributors"))
    )


def distributors_for(user) -> QuerySet[Distributor]:
    qs = Distributor.objects.all()
    if _sees_everything(user):
        return qs
    distributor_id = member_distributor_id(user)
    return qs.filter(pk=distributor_id) if distributor_id else qs.none()


def points_of_sale_for(user) -> QuerySet[PointOfSale]:
    qs = PointOfSale.objects.all()
    if _sees_everything(user):
        return qs
    distributor_id = member_distributor_id(user)
    return qs.filter(distributors__pk=distributor_id).distinct() if distributor_id else qs.none()


def orders_for(user) -> QuerySet[Order]:
    qs = Order.objects.select_related("distributor", "point_of_sale")
    if _sees_everything(user):
        return qs
    distributor_id = member_distributor_id(user)
    return qs.filter(distributor_id=distributor_id) if distributor_id else qs.none()


def order_lines_for(user, order: Order) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(order__in=orders_for(user), order=order).select_related("product")


def orderable_products(currency: str | None = None) -> QuerySet:
    """The B2B catalogue: active products flagged for distribution (never consultations or
    injectables), in ``currency`` when given; the order's currency is the price's currency."""
    from erp.commerce.models import Product

    qs = Product.objects.filter(is_active=True, for_distribution=True).select_related("category")
    return qs.filter(currency=currency) if currency else qs


def reorderable_lines(order: Order) -> list[OrderLine]:
    """The lines of ``order`` whose product can still be ordered in the order's currency."""
    orderable = orderable_products(order.price_currency).values("pk")
    return list(order.lines.filter(product__in=orderable).select_related("product"))
