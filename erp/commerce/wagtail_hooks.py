from wagtail import hooks

from .sales_viewsets import SalesViewSetGroup
from .viewsets import CommerceViewSetGroup


@hooks.register("register_admin_viewset")
def register_commerce_viewsets():
    return CommerceViewSetGroup()


@hooks.register("register_admin_viewset")
def register_sales_viewsets():
    return SalesViewSetGroup()
