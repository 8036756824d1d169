from wagtail import hooks

from erp.commerce.inventory.admin.viewsets import CommerceViewSetGroup
from erp.commerce.sales.admin.viewsets import SalesViewSetGroup


@hooks.register("register_admin_viewset")
def register_commerce_viewsets():
    return CommerceViewSetGroup()


@hooks.register("register_admin_viewset")
def register_sales_viewsets():
    return SalesViewSetGroup()
