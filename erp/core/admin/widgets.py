"""Date inputs that are the browser's own pickers (issue 26): the value travels as ISO 8601
(``2026-12-09``), so a typed ``09/12/2026`` can never be read as the 12th of September."""

from django import forms


class DatePickerInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimePickerInput(forms.DateTimeInput):
    """A local date and time (``datetime-local``), read in the current time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
