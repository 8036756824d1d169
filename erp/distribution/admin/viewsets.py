"""Wagtail admin screens of the distribution orders, under a "Distribution" menu.

Distributors, points of sale and members are edited directly (with audit rows); orders are
created through ``order_create`` and then changed only by the operations of their manage screen
(lines while created, lifecycle moves), never edited or deleted as rows.
"""

from urllib.parse import urlencode

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from erp.commerce.sales.admin.fiscal import money_column
from erp.core.admin.base import AuditedModelViewSet as CoreAuditedModelViewSet
from erp.core.admin.base import PermissionViewSet, ServiceCreateView
from erp.distribution import services
from erp.distribution.admin import views
from erp.distribution.models import Distributor, DistributorMember, Order, PointOfSale

ADDRESS_AND_CONTACT = [
    "name", "phone_number", "address_street", "address_city", "address_postal_code", "contact_email", "contact_phone",
]  # fmt: skip


class AuditedModelViewSet(CoreAuditedModelViewSet):
    copy_view_enabled = False
    inspect_view_enabled = True


class DistributorIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        members = reverse("distribution_distributormember:index") + "?" + urlencode({"distributor": instance.pk})
        invite = reverse("distribution_distributormember:invite") + "?" + urlencode({"distributor": instance.pk})
        return [
            ListingMenuItem(_("Users"), url=members, icon_name="user", priority=1),
            ListingMenuItem(_("Invite a user"), url=invite, icon_name="mail", priority=2),
            *super().get_list_more_buttons(instance),
        ]


class DistributorViewSet(AuditedModelViewSet):
    model = Distributor
    index_view_class = DistributorIndexView
    name = "distribution_distributor"
    url_prefix = "distribution/distributors"
    icon = "group"
    menu_label = _("Distributors")
    list_display = ["name", "address_city", "phone_number", "contact_email"]
    list_filter = ["address_city"]
    search_fields = ["name", "contact_email", "address_city"]
    form_fields = [*ADDRESS_AND_CONTACT, "points_of_sale"]


class PointOfSaleViewSet(AuditedModelViewSet):
    model = PointOfSale
    name = "distribution_pointofsale"
    url_prefix = "distribution/points-of-sale"
    icon = "site"
    menu_label = _("Points of sale")
    list_display = ["name", "address_city", "phone_number", "contact_email"]
    list_filter = ["address_city", "distributors"]
    search_fields = ["name", "contact_email", "address_city"]
    form_fields = ADDRESS_AND_CONTACT


class MemberIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "distributor")

    @cached_property
    def header_buttons(self):
        invite = reverse("distribution_distributormember:invite")
        if distributor := self.request.GET.get("distributor"):
            invite += "?" + urlencode({"distributor": distributor})
        return [HeaderButton(_("Invite a user"), url=invite, icon_name="mail"), *super().header_buttons]


class DistributorMemberViewSet(AuditedModelViewSet):
    model = DistributorMember
    name = "distribution_distributormember"
    url_prefix = "distribution/members"
    icon = "user"
    menu_label = _("Distributor users")
    index_view_class = MemberIndexView
    list_display = ["user", "user__email", "distributor", "user__email_confirmed", "created_at"]
    list_filter = ["distributor"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "distributor__name"]
    form_fields = ["user", "distributor"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("invite/", views.MemberInviteView.as_view(), name="invite"),
        ]


class OrderPermissionPolicy(ModelPermissionPolicy):
    """Orders change only through their operations: no edit or delete of the row."""

    def user_has_permission(self, user, action):
        return action not in ("change", "delete") and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Order, OrderPermissionPolicy(Order))


class OrderIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("distributor", "point_of_sale")

    def get_edit_url(self, instance):
        # An order is never edited as a row: its page is the screen of its lines and operations,
        # which the title of each row opens.
        return reverse(views.ORDER_MANAGE, args=[instance.pk])

    def get_list_more_buttons(self, instance):
        buttons = [
            ListingMenuItem(
                _("Lines and operations"), url=self.get_edit_url(instance), icon_name="list-ul", priority=5
            )
        ]
        if inspect_url := self.get_inspect_url(instance):
            buttons.append(ListingMenuItem(_("Inspect"), url=inspect_url, icon_name="info-circle", priority=20))
        return buttons


class OrderCreateView(ServiceCreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.order_create(
            distributor=data["distributor"],
            point_of_sale=data["point_of_sale"],
            currency=data["price_currency"],
            actor=self.request.user,
        )

    def get_success_url(self):
        return reverse(views.ORDER_MANAGE, args=[self.object.pk])


class OrderViewSet(ModelViewSet):
    model = Order
    name = "distribution_order"
    url_prefix = "distribution/orders"
    icon = "list-ul"
    menu_label = _("Orders")
    index_view_class = OrderIndexView
    add_view_class = OrderCreateView
    list_display = [
        "__str__", "distributor", "point_of_sale", "status",
        money_column(Order, "price_amount", currency_field="price_currency"), "created_on_utc",
    ]  # fmt: skip
    list_filter = ["status", "distributor", "point_of_sale", "created_on_utc"]
    search_fields = ["distributor__name", "point_of_sale__name"]
    form_fields = ["distributor", "point_of_sale", "price_currency"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("manage/<uuid:pk>/", views.OrderManageView.as_view(), name="manage"),
        ]


class OrderQueueViewSet(PermissionViewSet):
    """The orders waiting to be confirmed or rejected, with their lines."""

    name = "distribution_queue"
    url_prefix = "distribution/to-confirm"
    icon = "tasks"
    menu_label = _("Orders to confirm")
    menu_name = name
    menu_permissions = (views.OrderQueueView.permission_required,)

    def get_urlpatterns(self):
        return [path("", views.OrderQueueView.as_view(), name="index")]


class DistributionViewSetGroup(ModelViewSetGroup):
    menu_label = _("Distribution")
    menu_icon = "list-ul"
    menu_order = 350
    items = (OrderQueueViewSet, OrderViewSet, DistributorViewSet, PointOfSaleViewSet, DistributorMemberViewSet)
