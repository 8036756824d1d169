"""Admin screens of the agenda: the scheduler (day and week, per practitioner), the appointment
page with its status changes, Calendly deliveries with a replay button, the practitioner's
calendar feed. All through services (the scheduler through the API)."""

import babel
from babel.dates import get_day_names, get_month_names
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from erp.clinical.agenda import calendly, services
from erp.clinical.models import Appointment, AppointmentStatus, CalendlyDelivery, CalendlyOutcome, EncounterType
from erp.core.admin.base import ReadAudited
from erp.core.exceptions import DomainError
from erp.core.models import AppSettings, ClinicLocation, Practitioner


def _appointment_page(appointment) -> str:
    return reverse("clinical_appointment:inspect", args=[appointment.pk])


# The scheduler's colours per status (the legend and the events use the same classes).
STATUS_ORDER = [
    AppointmentStatus.SCHEDULED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.ATTENDED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.CANCELLED,
]


def _opening_hours(request) -> list[dict]:
    """The clinic's opening hours (website settings) as the scheduler shades them: Monday is 0."""
    from wagtail.models import Site

    from cms.website.models import WebsiteSettings

    site = Site.find_for_request(request)
    blocks = (WebsiteSettings.for_site(site).opening_hours or []) if site is not None else []
    return [
        {
            "weekday": int(block.value["weekday"]),
            "opens": block.value["opens"].strftime("%H:%M"),
            "closes": block.value["closes"].strftime("%H:%M"),
        }
        for block in blocks
    ]


def _calendar_names(language: str) -> dict[str, list[str]]:
    """Month names (January first, as a date is written: "8 décembre") and weekday names (Sunday
    first, as JavaScript's ``getDay`` counts) of ``language``."""
    locale = babel.Locale.parse(translation.to_locale(language))
    days = get_day_names("wide", context="format", locale=locale)
    return {
        "month_names": [get_month_names("wide", context="format", locale=locale)[n] for n in range(1, 13)],
        "weekday_names": [days[6], *(days[n] for n in range(6))],  # Babel counts from Monday (0)
    }


class AgendaView(WagtailAdminTemplateMixin, TemplateView):
    """The scheduler: a day or week time grid, one column per practitioner, for one location.

    The page carries the configuration (locations and their time zones, opening hours, labels in
    the admin's language); the grid itself reads and writes through the API (frontend/src/agenda).
    """

    template_name = "clinical/admin/agenda.html"
    page_title = _("Agenda")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("clinical.view_appointment"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        locations = list(ClinicLocation.objects.filter(is_active=True).order_by("name"))
        app_settings = AppSettings.load()
        chosen = self.request.GET.get("location")
        location = next((loc for loc in locations if str(loc.pk) == chosen), None)
        if location is None:
            location = app_settings.default_location if app_settings.default_location in locations else None
        if location is None and locations:
            location = locations[0]
        day = parse_date(self.request.GET.get("day") or "")
        view = "week" if self.request.GET.get("span") == "week" else "day"
        context["config"] = {
            "locations": [{"id": str(loc.pk), "name": loc.name, "timezone": loc.timezone} for loc in locations],
            "location": str(location.pk) if location else "",
            "default_timezone": app_settings.timezone,
            "day": day.isoformat() if day else None,
            "view": view,
            "opening_hours": _opening_hours(self.request),
            "appointment_url": reverse("clinical_appointment:inspect", args=[PLACEHOLDER]),
            "appointment_url_placeholder": PLACEHOLDER,
            "csrf_token": get_token(self.request),
            "can_add": user.has_perm("clinical.add_appointment"),
            "can_change": user.has_perm("clinical.change_appointment"),
            "can_add_patient": user.has_perm("clinical.add_patient"),
            "locale": get_language() or "fr",
            # The grid's dates in words from the server's CLDR data (Babel): a browser may lack a
            # language's names (Chromium writes "M12" and "Tue" for Armenian).
            **_calendar_names(get_language() or "fr"),
            "statuses": {status.value: status.label for status in STATUS_ORDER},
            "labels": {
                "today": _("Today"),
                "day": _("Day"),
                "week": _("Week"),
                "previous": _("Previous"),
                "next": _("Next"),
                "calendly": _("Calendly"),
                "no_patient": _("No patient"),
                "no_practitioner": _("No practitioner"),
                "loading_failed": _("The agenda could not be loaded; reload the page."),
                "booked": _("Appointment booked."),
                "moved": _("Appointment moved."),
                "choose_patient": _("Choose a patient or create a new one."),
                "no_match": _("No patient found."),
                "confirm_past": _("Tick the box to book in the past."),
                "end_after_start": _("The end must be after the start."),
                "error": _("The request failed; nothing was changed."),
            },
        }
        context["statuses"] = [(status.value, status.label) for status in STATUS_ORDER]
        context["encounter_types"] = EncounterType.choices
        context["location"] = location
        context["locations"] = locations
        context["bundle_missing"] = not finders.find("clinical/agenda/agenda.js")
        own = Practitioner.objects.filter(user=user).first()
        context["own_feed"] = services.calendar_feed_get(practitioner=own) if own is not None else None
        if context["own_feed"] is not None:
            context["own_feed_url"] = self.request.build_absolute_uri(
                reverse("clinical-agenda-feed", args=[context["own_feed"].token])
            )
        return context


# A UUID-shaped stand-in the scheduler replaces with an appointment's id.
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


@require_POST
def calendar_feed_rotate_view(request):
    practitioner = Practitioner.objects.filter(user=request.user).first()
    if practitioner is None or not request.user.has_perm("clinical.view_appointment"):
        raise PermissionDenied
    services.calendar_feed_rotate(practitioner=practitioner, actor=request.user)
    messages.success(request, _("A new calendar URL was made; the old one no longer works."))
    return redirect(reverse("clinical_agenda:index"))


class AppointmentPageView(ReadAudited, generic.InspectView):
    template_name = "clinical/admin/appointment_page.html"
    fields = [
        "patient",
        "practitioner",
        "location",
        "source",
        "status",
        "scheduled_start",
        "scheduled_end",
        "notes",
        "cancellation_reason",
        "no_show_reason",
        "encounter",
        "rescheduled_from",
        "external_id",
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, status = self.request.user, self.object.status
        open_statuses = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED)
        context["can"] = {
            "confirm": user.has_perm("clinical.confirm_appointment") and status == AppointmentStatus.SCHEDULED,
            "attend": user.has_perm("clinical.attend_appointment") and status == AppointmentStatus.CONFIRMED,
            "open_encounter": user.has_perm("clinical.add_encounter"),
            "sell": user.has_perm("commerce.add_sale") and bool(self.object.patient_id),
            "cancel": user.has_perm("clinical.cancel_appointment") and status in open_statuses,
            "no_show": user.has_perm("clinical.no_show_appointment")
            and status in open_statuses
            and self.object.scheduled_start <= timezone.now(),
        }
        context["encounter_types"] = EncounterType.choices
        return context


TRANSITION_PERMS = {
    "confirm": "clinical.confirm_appointment",
    "attend": "clinical.attend_appointment",
    "cancel": "clinical.cancel_appointment",
    "no_show": "clinical.no_show_appointment",
}


@require_POST
def appointment_transition_view(request, pk):
    operation = request.POST.get("operation")
    if operation not in TRANSITION_PERMS or not request.user.has_perm(TRANSITION_PERMS[operation]):
        raise PermissionDenied
    appointment = get_object_or_404(Appointment, pk=pk)
    common = {"appointment": appointment, "actor": request.user}
    try:
        if operation == "confirm":
            services.appointment_confirm(**common)
        elif operation == "attend":
            open_encounter = bool(request.POST.get("open_encounter"))
            if open_encounter and not request.user.has_perm("clinical.add_encounter"):
                raise PermissionDenied
            encounter_type = request.POST.get("encounter_type") or EncounterType.MEDICAL_CONSULT
            if encounter_type not in EncounterType.values:
                encounter_type = EncounterType.MEDICAL_CONSULT
            services.appointment_attend(**common, open_encounter=open_encounter, encounter_type=encounter_type)
        elif operation == "cancel":
            services.appointment_cancel(**common, reason=request.POST.get("reason", ""))
        else:
            services.appointment_mark_no_show(**common, reason=request.POST.get("reason") or None)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Appointment updated."))
    # The dashboard's one-click buttons come back to the dashboard.
    target = request.POST.get("next") or ""
    safe = {"allowed_hosts": {request.get_host()}, "require_https": request.is_secure()}
    if not url_has_allowed_host_and_scheme(target, **safe):
        target = _appointment_page(appointment)
    return redirect(target)


class CalendlyDeliveryPageView(generic.InspectView):
    template_name = "clinical/admin/calendly_delivery_page.html"
    fields = ["event_type", "received_at", "outcome", "error", "processed_at", "attempts", "appointment", "dedup_key"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        import json

        delivery = self.object
        if delivery.payload is None and delivery.raw_body is not None:
            # A refused body, shown as received: undecodable bytes and NULs escaped, cut short.
            raw = bytes(delivery.raw_body).decode("utf-8", "backslashreplace").replace("\x00", "\\x00")
            context["payload_text"] = raw[:20000]
        else:
            context["payload_text"] = json.dumps(delivery.payload, indent=2, ensure_ascii=False)
        context["can_replay"] = self.request.user.has_perm("clinical.replay_calendlydelivery") and (
            delivery.outcome != CalendlyOutcome.INVALID
        )
        return context


@require_POST
def calendly_delivery_replay_view(request, pk):
    if not request.user.has_perm("clinical.replay_calendlydelivery"):
        raise PermissionDenied
    delivery = get_object_or_404(CalendlyDelivery, pk=pk)
    delivery = calendly.delivery_replay(delivery=delivery, actor=request.user)
    if delivery.outcome == "failed":
        messages.error(request, _("The replay failed: %(error)s") % {"error": delivery.error})
    else:
        messages.success(request, _("Replayed: %(outcome)s.") % {"outcome": delivery.get_outcome_display()})
    return redirect(reverse("clinical_calendlydelivery:inspect", args=[delivery.pk]))
