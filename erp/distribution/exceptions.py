"""Domain errors of the distribution orders, each with a stable code."""

from erp.core.exceptions import NotAllowed, Unprocessable


class PointOfSaleNotServed(Unprocessable):
    """The distributor does not serve this point of sale (422)."""

    default_code = "point_of_sale_not_served"


class ProductInactive(Unprocessable):
    """An inactive product cannot be ordered (422)."""

    default_code = "product_inactive"


class OrderNotEditable(NotAllowed):
    """Lines change only while the order is ``created`` (409)."""

    default_code = "order_not_editable"


class OrderTransitionNotAllowed(NotAllowed):
    """The order cannot move to this status from its current one; ``allowed`` lists the legal moves (409)."""

    default_code = "order_transition_not_allowed"


class ProductNotForDistribution(Unprocessable):
    """Only products flagged for distribution are sold to distributors (422)."""

    default_code = "product_not_for_distribution"


class OrderNothingToReorder(Unprocessable):
    """None of the past order's products can be ordered any more (422)."""

    default_code = "order_nothing_to_reorder"


class MemberAlreadyLinked(NotAllowed):
    """The e-mail belongs to a user who already acts for a distributor, or to clinic staff (409)."""

    default_code = "member_already_linked"


class InvitationUsed(NotAllowed):
    """The invitation's link already set a password, or its user no longer acts for a distributor (409)."""

    default_code = "invitation_used"
