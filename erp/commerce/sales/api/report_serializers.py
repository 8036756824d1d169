"""Input and output of the sales reports and the fiscal closings' operations."""

from rest_framework import serializers

from erp.commerce.models import ClosingPeriod
from erp.commerce.sales import reports
from erp.core.api.serializers import Serializer
from erp.core.models import ClinicLocation


class ReportQuerySerializer(Serializer):
    """The filters of a report, and its download format."""

    since = serializers.DateField(required=False, help_text="First day (inclusive).")
    until = serializers.DateField(required=False, help_text="Last day (inclusive).")
    location = serializers.PrimaryKeyRelatedField(
        queryset=ClinicLocation.objects.all(), required=False, help_text="One location (default: all)."
    )
    period = serializers.ChoiceField(
        choices=reports.PERIODS, required=False, help_text="Payments per day or per month (payments report)."
    )
    export = serializers.ChoiceField(
        choices=reports.FORMATS, required=False, help_text="Download the report as a CSV or XLSX file (audited)."
    )


class ReportColumnSerializer(Serializer):
    """A column of a report: its key in the rows, its heading, what it holds."""

    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()


class ReportSerializer(Serializer):
    """A report: its name and title, the filters it was built with, its columns and rows."""

    report = serializers.CharField()
    title = serializers.CharField()
    filters = serializers.DictField(child=serializers.CharField())
    columns = ReportColumnSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="One object per line: each column's value by its key (amounts as strings with two decimals, "
        "days ISO) and, for a code or a yes/no, its label under `<key>_label`.",
    )


class ClosingInputSerializer(Serializer):
    """The period to close: its kind and one of its days."""

    period_type = serializers.ChoiceField(choices=ClosingPeriod.choices, default=ClosingPeriod.DAY)
    day = serializers.DateField(help_text="A day of the period to close (it must have ended).")
