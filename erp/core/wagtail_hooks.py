from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from erp.core.admin import second_factor as otp_views
from erp.core.admin.viewsets import CoreViewSetGroup
from erp.core.otp import confirmed_device


@hooks.register("register_admin_viewset")
def register_core_viewsets():
    return CoreViewSetGroup()


@hooks.register("register_admin_urls")
def register_second_factor_urls():
    return [path("two-factor/", include((otp_views.urlpatterns, "core_otp"), namespace="core_otp"))]


@hooks.register("register_account_menu_item")
def second_factor_account_item(request):
    active = confirmed_device(request.user) is not None
    return {
        "url": reverse("core_otp:enrol"),
        "label": _("Two-factor authentication"),
        "help_text": _("On: replace your authenticator app.") if active else _("Add an authenticator app."),
    }


@hooks.register("construct_settings_menu")
def hide_refused_settings(request, menu_items):
    """Show a settings item only when the access matrix lets the user open it (Wagtail shows
    "Users" to anyone who may view users, e.g. the distribution manager, whom the matrix refuses)."""
    from django.urls import Resolver404, resolve

    from erp.core import access

    def allowed(item) -> bool:
        try:
            match = resolve(item.url.split("?", 1)[0])
        except Resolver404:
            return True
        return access.permits(request.user, match.view_name, "GET")

    menu_items[:] = [item for item in menu_items if allowed(item)]
