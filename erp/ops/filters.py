"""The audit log's filters, one set for the admin screen, its CSV export and the API.

Each filter is served by an index of ``ops_auditlog`` (actor, patient, entity, action, time).
"""

import uuid

import django_filters
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from erp.ops.models import AuditAction, AuditLog

# A patient search matching more patients than this is too vague to filter by.
PATIENT_SEARCH_LIMIT = 50


def entity_type_choices() -> list[tuple[str, str]]:
    return sorted(
        (model._meta.label_lower, model._meta.label_lower)
        for model in apps.get_models()
        if model._meta.app_label in {"core", "clinical", "commerce", "social", "distribution", "website", "ops"}
    )


def patient_ids_matching(value: str) -> list[uuid.UUID]:
    """A patient id, or the patients whose name, e-mail or phone match ``value`` (merged and
    deleted patients included: their trail stays searchable)."""
    value = (value or "").strip()
    try:
        return [uuid.UUID(value)]
    except ValueError:
        pass
    from erp.clinical.models import Patient
    from erp.clinical.selectors import patient_search

    matches = patient_search(Patient.all_objects.all(), value).values_list("pk", flat=True)
    return list(matches[:PATIENT_SEARCH_LIMIT])


class AuditLogFilterSet(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("email"), label=_("Actor"), help_text=_("The user who acted.")
    )
    system = django_filters.BooleanFilter(
        field_name="actor", lookup_expr="isnull", label=_("System (no actor)"), help_text=_("Entries of tasks.")
    )
    patient = django_filters.CharFilter(
        method="filter_patient",
        label=_("Patient"),
        help_text=_("A patient id, or a name, e-mail or phone to search for."),
    )
    entity_type = django_filters.ChoiceFilter(choices=entity_type_choices, label=_("Entity type"))
    entity_id = django_filters.UUIDFilter(label=_("Entity id"))
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("Action"))
    timestamp = django_filters.DateFromToRangeFilter(
        label=_("Date"), help_text=_("From and to dates, both included (timestamp_after, timestamp_before).")
    )

    class Meta:
        model = AuditLog
        fields = ["actor", "system", "patient", "entity_type", "entity_id", "action", "timestamp"]

    def filter_patient(self, queryset, name, value):
        return queryset.filter(patient_id__in=patient_ids_matching(value))
