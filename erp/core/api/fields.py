"""Serializer fields shared by the API."""

from datetime import UTC, datetime

from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings


class DateTimeField(serializers.DateTimeField):
    """An RFC 3339 date-time, as the schema's ``format: date-time`` promises.

    DRF writes the clinic's local time. Before 1891 Paris time was the mean solar time, 9 min 21 s
    ahead of UTC, and Python writes that offset as ``+00:09:21``, which is not RFC 3339: such
    instants are written in UTC instead.
    """

    def to_representation(self, value):
        output_format = getattr(self, "format", api_settings.DATETIME_FORMAT)
        if not isinstance(value, datetime) or output_format is None or output_format.lower() != ISO_8601:
            return super().to_representation(value)
        value = self.enforce_timezone(value)  # once (DRF's own method converts twice)
        offset = value.utcoffset()
        if offset is not None and offset.total_seconds() % 60:
            return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


class StrictCharField(serializers.CharField):
    """Text only: DRF's CharField also takes a JSON number or boolean and stores its digits."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def register() -> None:
    """Model serializers map date-times and text to these fields (called once, from CoreConfig.ready)."""
    from django.db import models

    mapping = serializers.ModelSerializer.serializer_field_mapping
    mapping[models.DateTimeField] = DateTimeField
    mapping[models.CharField] = StrictCharField
    mapping[models.TextField] = StrictCharField
