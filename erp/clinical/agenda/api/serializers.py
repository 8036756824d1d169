"""Serializers of the agenda's API."""

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from erp.clinical import models
from erp.clinical.api.serializers import AUDIT_FIELDS
from erp.clinical.exceptions import AgendaRangeRefused
from erp.core.api.fields import DateTimeField
from erp.core.api.serializers import ModelSerializer, Serializer
from erp.core.models import ClinicLocation, Practitioner
from erp.messaging.api.serializers import NoShowByReminderSerializer


class AppointmentSerializer(ModelSerializer):
    class Meta:
        model = models.Appointment
        fields = [
            "id",
            "patient",
            "practitioner",
            "location",
            "encounter",
            "source",
            "external_id",
            "status",
            "scheduled_start",
            "scheduled_end",
            "encounter_type",
            "notes",
            "cancellation_reason",
            "no_show_reason",
            "rescheduled_from",
            "status_changed_at",
            "row_version",
            *AUDIT_FIELDS,
        ]
        read_only_fields = [
            "id",
            "encounter",
            "source",
            "external_id",
            "status",
            "cancellation_reason",
            "no_show_reason",
            "rescheduled_from",
            "status_changed_at",
            "row_version",
            *AUDIT_FIELDS,
        ]


class AgendaQuerySerializer(Serializer):
    # Six weeks at most: the scheduler shows a day or a week.
    MAX_SPAN = datetime.timedelta(days=42)

    start = DateTimeField(help_text="First instant shown (UTC, ISO 8601), included.")
    end = DateTimeField(help_text="Last instant shown (UTC, ISO 8601), excluded.")
    location = serializers.PrimaryKeyRelatedField(
        queryset=ClinicLocation.objects.all(), required=False, help_text="Only this location's appointments."
    )

    def validate(self, attrs):
        if attrs["end"] <= attrs["start"]:
            raise AgendaRangeRefused(_("The end must be after the start."), field="end")
        if attrs["end"] - attrs["start"] > self.MAX_SPAN:
            raise AgendaRangeRefused(_("Ask for six weeks at most."), field="end")
        return attrs


class AgendaPractitionerSerializer(Serializer):
    id = serializers.UUIDField()
    display_name = serializers.CharField()


class AgendaAppointmentSerializer(ModelSerializer):
    """An appointment as the scheduler draws it: with the names and labels it shows."""

    patient_name = serializers.CharField(source="patient.full_name", allow_null=True, default=None)
    practitioner_name = serializers.CharField(source="practitioner.display_name", allow_null=True, default=None)
    status_label = serializers.CharField(source="get_status_display")
    source_label = serializers.CharField(source="get_source_display")
    encounter_type_label = serializers.CharField(source="get_encounter_type_display", allow_null=True)

    class Meta:
        model = models.Appointment
        fields = [
            "id",
            "patient",
            "patient_name",
            "practitioner",
            "practitioner_name",
            "location",
            "status",
            "status_label",
            "source",
            "source_label",
            "encounter_type",
            "encounter_type_label",
            "scheduled_start",
            "scheduled_end",
            "row_version",
        ]
        read_only_fields = fields


class AgendaSerializer(Serializer):
    practitioners = AgendaPractitionerSerializer(many=True, help_text="The columns: active practitioners.")
    appointments = AgendaAppointmentSerializer(many=True, help_text="Appointments starting in [start, end).")


class AppointmentCancelSerializer(Serializer):
    reason = serializers.CharField(max_length=2000)


class AppointmentNoShowSerializer(Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


@extend_schema_field({"type": "string", "enum": list(models.EncounterType.values)})
class EncounterTypeField(serializers.CharField):
    pass


class AppointmentAttendSerializer(Serializer):
    open_encounter = serializers.BooleanField(default=False, help_text="Open a draft encounter linked to it.")
    # A plain string (checked below): a second ChoiceField on EncounterType would give the schema
    # two names for one enum. The schema still lists the allowed values.
    encounter_type = EncounterTypeField(
        default=models.EncounterType.MEDICAL_CONSULT,
        help_text=f"Type of the encounter opened: {', '.join(models.EncounterType.values)}.",
    )

    def validate_encounter_type(self, value):
        if value not in models.EncounterType.values:
            raise serializers.ValidationError(
                _("Choose one of %(values)s.") % {"values": ", ".join(models.EncounterType.values)}
            )
        return value


class NoShowRateSerializer(Serializer):
    practitioner = serializers.UUIDField(allow_null=True)
    practitioner_name = serializers.CharField(allow_null=True)
    month = serializers.DateField()
    due = serializers.IntegerField(help_text="Appointments not cancelled whose start has passed.")
    no_shows = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    by_reminder = NoShowByReminderSerializer(
        many=True, help_text="The same appointments by the channel of the reminder they got (none: no reminder)."
    )


class CalendlyDeliverySerializer(ModelSerializer):
    class Meta:
        model = models.CalendlyDelivery
        fields = [
            "id",
            "event_type",
            "payload",
            "received_at",
            "outcome",
            "error",
            "processed_at",
            "attempts",
            "dedup_key",
            "appointment",
        ]
        read_only_fields = fields


class CalendlyReceiptSerializer(Serializer):
    delivery = serializers.UUIDField()
    outcome = serializers.ChoiceField(choices=models.CalendlyOutcome.choices)
    appointment = serializers.UUIDField(allow_null=True)


class CalendarFeedSerializer(Serializer):
    practitioner = serializers.UUIDField()
    url = serializers.URLField(help_text="Subscribe to this URL from a phone calendar; keep it secret.")
    rotated_at = DateTimeField(allow_null=True)


class CalendarFeedRotateSerializer(Serializer):
    practitioner = serializers.UUIDField(required=False, help_text="Another practitioner's feed (admin only).")


class NoShowRateQuerySerializer(Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    practitioner = serializers.PrimaryKeyRelatedField(
        queryset=Practitioner.objects.all(), required=False, allow_null=True
    )
