"""Date and time pickers of the staff screens; no typed date can be read two ways.

- ``DatePickerInput``/``DateTimePickerInput``: the browser's own pickers; the value travels as
  ISO 8601 (``2026-12-09``), so a typed ``09/12/2026`` can never be read as the 12th of September.
- ``LanguageDateInput``/``LanguageDateTimeInput``: Wagtail's calendar picker, writing dates in the
  order the admin's language reads them.
"""

from django import forms
from django.utils import formats
from wagtail.admin.datetimepicker import to_datetimepicker_format
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput


class DatePickerInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimePickerInput(forms.DateTimeInput):
    """A local date and time (``datetime-local``), read in the current time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def date_input_format() -> str:
    """How the admin's language writes a date, the first way its forms read one (French
    ``%d/%m/%Y``, Russian ``%d.%m.%Y``, English and Armenian ISO ``%Y-%m-%d``)."""
    return formats.get_format("DATE_INPUT_FORMATS")[0]


def datetime_input_format() -> str:
    """The same for a date and time, to the minute."""
    found = formats.get_format("DATETIME_INPUT_FORMATS")
    return next((f for f in found if "%M" in f and "%S" not in f), found[0])


class LanguageDateInput(AdminDateInput):
    """Wagtail's calendar picker, writing dates in the order the admin's language reads them:
    09/12/2026 typed or picked in the French admin is 9 December, both in the field and on the
    server, whatever the browser's own language (a browser's ``type=date`` follows the browser's,
    so an English browser would read it as 12 September)."""

    def get_config(self):
        return {**super().get_config(), "format": to_datetimepicker_format(date_input_format())}

    def format_value(self, value):
        return formats.localize_input(value, date_input_format())


class LanguageDateTimeInput(AdminDateTimeInput):
    """``LanguageDateInput`` with the time, to the minute."""

    def get_config(self):
        return {**super().get_config(), "format": to_datetimepicker_format(datetime_input_format())}

    def format_value(self, value):
        return formats.localize_input(value, datetime_input_format())
