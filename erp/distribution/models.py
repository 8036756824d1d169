"""B2B distribution orders (spec 004): distributors, points of sale, orders and their lines.

Products are the commerce catalog (``commerce.Product``: external_product_id, category, price,
currency). Users, roles and permissions are the project's user model and Django groups; a
distributor user is linked to its distributor by ``DistributorMember``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from erp.core.models import BaseModel
from erp.core.money import Currency, Money
from erp.distribution.values import Address, Quantity


def amount_field(**kwargs) -> models.DecimalField:
    # decimal(18,2) as in the spec's Entity Framework configuration.
    return models.DecimalField(max_digits=18, decimal_places=2, **kwargs)


class AddressFields(models.Model):
    """The spec's owned Address columns (street, city, postal code)."""

    address_street = models.CharField(_("street"), max_length=200)
    address_city = models.CharField(_("city"), max_length=100)
    address_postal_code = models.CharField(_("postal code"), max_length=20, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def address(self) -> Address:
        return Address(self.address_street, self.address_city, self.address_postal_code)


class Distributor(AddressFields, BaseModel):
    """A company that takes orders for the points of sale it serves."""

    name = models.CharField(_("name"), max_length=200)
    phone_number = models.CharField(_("phone number"), max_length=50, blank=True, default="")
    contact_email = models.EmailField(_("contact e-mail"), max_length=255, blank=True, default="")
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True, default="")
    points_of_sale = models.ManyToManyField(
        "PointOfSale",
        through="PointOfSaleDistributor",
        related_name="distributors",
        blank=True,
        verbose_name=_("points of sale"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("distributor")
        verbose_name_plural = _("distributors")
        permissions = [("manage_distributors", "Can manage distributors and points of sale")]

    def __str__(self) -> str:
        return self.name


class PointOfSale(AddressFields, BaseModel):
    """A shop that receives orders."""

    name = models.CharField(_("name"), max_length=200)
    phone_number = models.CharField(_("phone number"), max_length=50, blank=True, default="")
    contact_email = models.EmailField(_("contact e-mail"), max_length=255, blank=True, default="")
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = _("point of sale")
        verbose_name_plural = _("points of sale")

    def __str__(self) -> str:
        return self.name


class PointOfSaleDistributor(models.Model):
    """The many-to-many link: a distributor serves a point of sale."""

    point_of_sale = models.ForeignKey(
        PointOfSale, on_delete=models.CASCADE, related_name="+", verbose_name=_("point of sale")
    )
    distributor = models.ForeignKey(
        Distributor, on_delete=models.CASCADE, related_name="+", verbose_name=_("distributor")
    )

    class Meta:
        db_table = "point_of_sale_distributors"
        verbose_name = _("point of sale served")
        verbose_name_plural = _("points of sale served")
        constraints = [
            models.UniqueConstraint(fields=["point_of_sale", "distributor"], name="distribution_pos_distributor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id} → {self.point_of_sale_id}"


class DistributorMember(BaseModel):
    """A user who acts for one distributor: everything it sees is scoped to that distributor."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="distributor_membership",
        verbose_name=_("user"),
    )
    distributor = models.ForeignKey(
        Distributor, on_delete=models.RESTRICT, related_name="members", verbose_name=_("distributor")
    )

    class Meta:
        ordering = ["distributor__name"]
        verbose_name = _("distributor member")
        verbose_name_plural = _("distributor members")

    def __str__(self) -> str:
        return f"{self.user} ({self.distributor})"


class OrderStatus(models.TextChoices):
    # An order is feminine in French ("créée"): the context keeps these apart from other "Created".
    CREATED = "created", pgettext_lazy("order status", "Created")
    CONFIRMED = "confirmed", pgettext_lazy("order status", "Confirmed")
    REJECTED = "rejected", pgettext_lazy("order status", "Rejected")
    IN_TRANSIT = "in_transit", pgettext_lazy("order status", "In transit")
    DELIVERED = "delivered", pgettext_lazy("order status", "Delivered")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")


# The reconciled lifecycle of the issue: the target status -> the timestamp its move sets.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    OrderStatus.CREATED: (OrderStatus.CONFIRMED, OrderStatus.REJECTED),
    OrderStatus.CONFIRMED: (OrderStatus.IN_TRANSIT, OrderStatus.CANCELLED),
    OrderStatus.IN_TRANSIT: (OrderStatus.DELIVERED, OrderStatus.CANCELLED),
    OrderStatus.REJECTED: (),
    OrderStatus.DELIVERED: (),
    OrderStatus.CANCELLED: (),
}
TIMESTAMP_OF: dict[str, str] = {
    OrderStatus.CONFIRMED: "confirmed_on_utc",
    OrderStatus.REJECTED: "rejected_on_utc",
    OrderStatus.IN_TRANSIT: "delivery_on_utc",
    OrderStatus.DELIVERED: "delivered_on_utc",
    OrderStatus.CANCELLED: "canceled_on_utc",
}


class Order(BaseModel):
    """An order of a distributor for one of its points of sale, delivered to a frozen address."""

    distributor = models.ForeignKey(
        Distributor, on_delete=models.RESTRICT, related_name="orders", verbose_name=_("distributor")
    )
    point_of_sale = models.ForeignKey(
        PointOfSale, on_delete=models.RESTRICT, related_name="orders", verbose_name=_("point of sale")
    )
    delivery_address_street = models.CharField(_("delivery street"), max_length=200)
    delivery_address_city = models.CharField(_("delivery city"), max_length=100)
    delivery_address_postal_code = models.CharField(_("delivery postal code"), max_length=20, blank=True, default="")
    status = models.CharField(
        max_length=50, choices=OrderStatus.choices, default=OrderStatus.CREATED, verbose_name=_("status")
    )
    price_amount = amount_field(default=0, verbose_name=_("price amount"))
    price_currency = models.CharField(
        max_length=3, choices=Currency.choices, default=Currency.EUR, verbose_name=_("price currency")
    )
    created_on_utc = models.DateTimeField(default=timezone.now, verbose_name=_("created on utc"))
    confirmed_on_utc = models.DateTimeField(null=True, blank=True, verbose_name=_("confirmed on utc"))
    rejected_on_utc = models.DateTimeField(null=True, blank=True, verbose_name=_("rejected on utc"))
    delivery_on_utc = models.DateTimeField(null=True, blank=True, verbose_name=_("delivery on utc"))
    canceled_on_utc = models.DateTimeField(null=True, blank=True, verbose_name=_("canceled on utc"))
    delivered_on_utc = models.DateTimeField(null=True, blank=True, verbose_name=_("delivered on utc"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_column="created_by_user_id",
        editable=False,
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_on_utc"]
        verbose_name = pgettext_lazy("distribution", "order")
        verbose_name_plural = _("orders")
        permissions = [
            ("read_orders", "Can read orders"),
            ("write_orders", "Can create orders, change their lines and cancel them"),
            ("confirm_orders", "Can confirm or reject orders"),
            ("deliver_orders", "Can ship and deliver orders"),
        ]
        indexes = [
            models.Index(fields=["status"], name="dist_order_status"),
            models.Index(fields=["created_on_utc"], name="dist_order_created"),
            models.Index(fields=["distributor", "created_on_utc"], name="dist_order_distributor_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price_amount__gte=0), name="distribution_order_price_gte_0"),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="distribution_order_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(price_currency__in=Currency.values), name="distribution_order_currency_valid"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Order %(number)s (%(status)s)") % {"number": self.short_id, "status": self.get_status_display()}

    @property
    def short_id(self) -> str:
        """The first characters of the id, enough to name the order to a person."""
        return str(self.pk)[:8]

    @property
    def delivery_address(self) -> Address:
        return Address(self.delivery_address_street, self.delivery_address_city, self.delivery_address_postal_code)

    @property
    def price(self) -> Money:
        return Money(self.price_amount, self.price_currency)

    @property
    def allowed_transitions(self) -> list[str]:
        return [str(status) for status in TRANSITIONS[self.status]]


class OrderLine(BaseModel):
    """A product, its quantity and the subtotal frozen when the line was added."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=pgettext_lazy("distribution", "order")
    )
    product = models.ForeignKey(
        "commerce.Product", on_delete=models.RESTRICT, related_name="distribution_lines", verbose_name=_("product")
    )
    quantity_value = models.IntegerField(verbose_name=_("quantity value"))
    quantity_unit = models.CharField(max_length=50, verbose_name=_("quantity unit"))
    sub_total_amount = amount_field(verbose_name=_("sub total amount"))
    sub_total_currency = models.CharField(max_length=3, choices=Currency.choices, verbose_name=_("sub total currency"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity_value__gt=0), name="distribution_orderline_quantity_gt_0"),
            models.CheckConstraint(condition=Q(sub_total_amount__gte=0), name="distribution_orderline_subtotal_gte_0"),
            models.CheckConstraint(
                condition=Q(sub_total_currency__in=Currency.values), name="distribution_orderline_currency_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity_value} {self.quantity_unit} × {self.product}"

    @property
    def quantity(self) -> Quantity:
        return Quantity(self.quantity_value, self.quantity_unit)

    @property
    def sub_total(self) -> Money:
        return Money(self.sub_total_amount, self.sub_total_currency)
