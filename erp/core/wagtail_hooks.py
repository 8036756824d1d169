from wagtail import hooks

from .viewsets import CoreViewSetGroup


@hooks.register("register_admin_viewset")
def register_core_viewsets():
    return CoreViewSetGroup()
