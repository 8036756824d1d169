"""Clinical screens: times in the location's own time zone, ages."""

from datetime import date, datetime

from django import template
from django.conf import settings
from django.templatetags.tz import do_timezone
from django.utils import timezone

register = template.Library()


def location_timezone(location) -> str:
    """The time zone a time at ``location`` is shown in; the clinic's (Europe/Paris) without one."""
    return getattr(location, "timezone", None) or settings.TIME_ZONE


@register.filter
def at_location(value: datetime | None, location=None):
    """``{{ appointment.scheduled_start|at_location:appointment.location|date:"DATETIME_FORMAT" }}``:
    the wall-clock time of the location, not the viewer's (``date`` does not convert it again)."""
    if not value:
        return value
    return do_timezone(value, location_timezone(location))


@register.filter
def age(birth_date: date | None) -> int | None:
    """Full years at today's date in the clinic."""
    if not birth_date:
        return None
    today = timezone.localdate()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
