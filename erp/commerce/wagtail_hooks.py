from wagtail import hooks

from .viewsets import CommerceViewSetGroup


@hooks.register("register_admin_viewset")
def register_commerce_viewsets():
    return CommerceViewSetGroup()
