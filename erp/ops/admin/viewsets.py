"""The audit screen of the Wagtail admin: administrators only, read-only, filterable, exportable.

The CSV export streams the filtered entries (UTF-8, formulas neutralised by ``erp.core.csv``) and
is itself audited as an ``export`` entry.
"""

import json
import uuid

import django_filters
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from erp.core.csv import csv_response
from erp.core.roles import ADMIN
from erp.ops.audit import audit_record
from erp.ops.filters import AuditLogFilterSet
from erp.ops.models import AuditAction, AuditLog

EXPORT_COLUMNS = [
    ("sequence", _("Sequence")),
    ("timestamp", _("Time (UTC)")),
    ("actor", _("Actor")),
    ("action", _("Action")),
    ("entity_type", _("Entity type")),
    ("entity_id", _("Entity id")),
    ("patient_id", _("Patient id")),
    ("ip", _("IP")),
    ("user_agent", _("User agent")),
    ("fields_changed", _("Changed fields")),
    ("metadata", _("Details")),
    ("hash", _("Hash")),
]


class AdminRoleReadOnlyPolicy(ModelPermissionPolicy):
    """Members of the admin role may list and inspect; nobody adds, edits or deletes."""

    def user_has_permission(self, user, action):
        return action in ("view",) and bool(user.is_active and user.is_authenticated and user.has_role(ADMIN))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions, **kwargs):
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        return users.filter(groups__name=ADMIN) | users.filter(is_superuser=True)


register_permission_policy(AuditLog, AdminRoleReadOnlyPolicy(AuditLog))


class AfterBeforeDateRange(DateRangePickerWidget):
    """Wagtail's date range picker, with the parameter names the API uses."""

    suffixes = ["after", "before"]


class AuditLogAdminFilterSet(WagtailFilterSet, AuditLogFilterSet):
    timestamp = django_filters.DateFromToRangeFilter(label=_("Date"), widget=AfterBeforeDateRange)

    class Meta(AuditLogFilterSet.Meta):
        pass


def export_row(entry: AuditLog) -> list:
    """One entry as the export's cells (``erp.core.csv`` writes and neutralises them)."""
    metadata = {k: v for k, v in (entry.metadata_json or {}).items() if k != "fields_changed"}
    return [
        entry.sequence,
        entry.timestamp.isoformat(),
        entry.actor.email if entry.actor_id else "system",
        entry.action,
        entry.entity_type,
        entry.entity_id,
        entry.patient_id,
        entry.ip,
        entry.user_agent,
        " ".join(entry.fields_changed),
        json.dumps(metadata, ensure_ascii=False, sort_keys=True) if metadata else "",
        entry.hash,
    ]


class AuditLogIndexView(generic.IndexView):
    FORMATS = ("csv",)  # one export path, audited; Wagtail's XLSX export is not offered
    default_ordering = "-sequence"
    paginate_by = 50

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("actor")

    @property
    def header_more_buttons(self):
        return [Button(_("Export CSV"), url=self.csv_export_url, icon_name="download", priority=90)]

    @property
    def csv_export_url(self):
        params = self.request.GET.copy()
        params.pop("p", None)
        params["export"] = "csv"
        return self.request.path + "?" + params.urlencode()

    def render_to_response(self, context, **response_kwargs):
        if self.is_export:
            return self.export_csv(context["object_list"])
        return super().render_to_response(context, **response_kwargs)

    def export_csv(self, queryset):
        filters = {k: v for k, v in self.request.GET.items() if k not in ("export", "p") and v}
        export_id = uuid.uuid4()
        with transaction.atomic():
            audit_record(
                actor=self.request.user,
                action=AuditAction.EXPORT,
                entity_type=AuditLog._meta.label_lower,
                entity_id=export_id,
                metadata={"format": "csv", "filters": filters, "rows": queryset.count()},
            )
        return csv_response(
            header=[label for _name, label in EXPORT_COLUMNS],
            rows=(export_row(entry) for entry in queryset.iterator(chunk_size=1000)),
            filename=f"audit-log-{export_id.hex[:8]}.csv",
            stream=True,
        )


class ChangedFieldsColumn(Column):
    def get_value(self, instance):
        return ", ".join(instance.fields_changed)


def entity_label(entity_type: str) -> str:
    """The record's kind as staff read it (``Consultation``), its ``app.model`` code otherwise."""
    from django.apps import apps
    from django.utils.text import capfirst

    try:
        return capfirst(apps.get_model(entity_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return entity_type


class EntityColumn(Column):
    def get_value(self, instance):
        return f"{entity_label(instance.entity_type)} {instance.entity_id}"


class ActorColumn(Column):
    def get_value(self, instance):
        return instance.actor.email if instance.actor_id else (instance.metadata_json or {}).get("task") or _("system")


class AuditLogViewSet(ModelViewSet):
    model = AuditLog
    name = "audit_log"
    url_prefix = "ops/audit-log"
    icon = "history"
    menu_label = _("Audit log")
    menu_order = 950
    add_to_admin_menu = True
    index_view_class = AuditLogIndexView
    filterset_class = AuditLogAdminFilterSet
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    # Every column is non-editable: the add and edit forms are empty, and the policy refuses them.
    exclude_form_fields = []
    list_display = [
        Column("sequence", label=_("#")),
        DateColumn("timestamp", label=_("Time")),
        ActorColumn("actor", label=_("Actor")),
        Column("action", label=_("Action"), accessor="get_action_display"),
        EntityColumn("entity", label=_("Entity")),
        Column("ip", label=_("IP")),
        Column("user_agent", label=_("User agent")),
        ChangedFieldsColumn("fields_changed", label=_("Changed fields")),
    ]
    inspect_view_fields = [
        "sequence",
        "timestamp",
        "actor",
        "action",
        "entity_type",
        "entity_id",
        "patient_id",
        "ip",
        "user_agent",
        "metadata_json",
        "prev_hash",
        "hash",
    ]

    def get_urlpatterns(self):
        # Read-only: no add, edit, delete, history or usage screens at all.
        return [url for url in super().get_urlpatterns() if url.name in ("index", "index_results", "inspect")]


audit_log_viewset = AuditLogViewSet()
