from wagtail import hooks

from erp.messaging.admin.viewsets import MessagingViewSetGroup


@hooks.register("register_admin_viewset")
def register_messaging_viewsets():
    return MessagingViewSetGroup()
