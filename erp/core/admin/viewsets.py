"""Wagtail admin screens of the core app: clinic sites, practitioners, clinic-wide settings."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from erp.core.admin.base import AuditedModelViewSet
from erp.core.models import AppSettings, ClinicLocation, Practitioner


class SingleRowPermissionPolicy(ModelPermissionPolicy):
    """The settings row exists once: it can be edited, never added or deleted."""

    def user_has_permission(self, user, action):
        return action not in ("add", "delete") and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(AppSettings, SingleRowPermissionPolicy(AppSettings))


class ClinicLocationViewSet(AuditedModelViewSet):
    model = ClinicLocation
    url_prefix = "clinic/locations"
    icon = "site"
    menu_label = _("Locations")
    list_display = ["name", "city", "postal_code", "country_code", "is_active"]
    list_filter = ["is_active", "country_code"]
    search_fields = ["name", "city"]
    form_fields = ["name", "address_line1", "city", "postal_code", "country_code", "timezone", "is_active"]
    inspect_view_enabled = True
    copy_view_enabled = False


class PractitionerViewSet(AuditedModelViewSet):
    model = Practitioner
    url_prefix = "clinic/practitioners"
    icon = "user"
    menu_label = _("Practitioners")
    list_display = ["display_name", "specialty", "user", "is_active"]
    list_filter = ["is_active", "specialty"]
    search_fields = ["display_name", "user__email"]
    form_fields = ["user", "display_name", "specialty", "is_active"]
    inspect_view_enabled = True
    copy_view_enabled = False


class AppSettingsViewSet(AuditedModelViewSet):
    model = AppSettings
    url_prefix = "clinic/settings"
    icon = "cogs"
    menu_label = _("Clinic settings")
    list_display = ["default_country_code", "default_currency", "default_language", "timezone", "updated_at"]
    form_fields = [
        "default_country_code", "default_currency", "default_language", "enabled_languages", "timezone",
        "default_location",
    ]
    copy_view_enabled = False


class CoreViewSetGroup(ModelViewSetGroup):
    menu_label = _("Clinic")
    menu_icon = "home"
    menu_order = 900
    items = (ClinicLocationViewSet, PractitionerViewSet, AppSettingsViewSet)
