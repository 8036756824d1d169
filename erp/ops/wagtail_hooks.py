from wagtail import hooks

from .viewsets import audit_log_viewset


@hooks.register("register_admin_viewset")
def register_audit_log_viewset():
    return audit_log_viewset
