"""The API's filter backend: django-filter, refusing the values it would silently ignore.

django-filter turns an unknown boolean (``?is_active=null``) and an empty value of any non-text
filter (``?product=``) into "no filter", so a typo silently lists everything. Here they are a 400
with the API's error body, as any other invalid filter value.
"""

from datetime import UTC, datetime

from django_filters import filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

BOOLEAN_VALUES = {"true", "false", "True", "False", "1", "0"}


class FilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            errors = {}
            for name, filter_ in filterset.filters.items():
                values = request.query_params.getlist(name)
                if isinstance(filter_, filters.BooleanFilter):
                    if any(value not in BOOLEAN_VALUES for value in values):
                        errors[name] = ["Must be true or false."]
                elif not isinstance(filter_, filters.CharFilter) and "" in values:
                    errors[name] = ["This filter needs a value."]
            if errors:
                raise ValidationError(errors, code="invalid")
            if filterset.is_valid():
                _in_utc(filterset.form.cleaned_data)
        return filterset


def _in_utc(cleaned_data: dict) -> None:
    """Date-times compare in UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 allows."""
    for name, value in cleaned_data.items():
        if isinstance(value, datetime) and value.tzinfo is not None:
            cleaned_data[name] = value.astimezone(UTC)
