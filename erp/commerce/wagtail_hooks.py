from wagtail import hooks

from erp.commerce.sales_viewsets import SalesViewSetGroup
from erp.commerce.viewsets import CommerceViewSetGroup


@hooks.register("register_admin_viewset")
def register_commerce_viewsets():
    return CommerceViewSetGroup()


@hooks.register("register_admin_viewset")
def register_sales_viewsets():
    return SalesViewSetGroup()
