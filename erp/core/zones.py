"""The clock of a clinic location: screens, documents and messages show moments in the location's
own time zone; where no location applies, the clinic's default (``TIME_ZONE``)."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings


def location_zone(location=None) -> ZoneInfo:
    """The time zone of a clinic location; the clinic's default where there is none."""
    name = getattr(location, "timezone", None) or settings.TIME_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)
