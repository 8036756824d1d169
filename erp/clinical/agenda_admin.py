"""Admin screens of the agenda: day and week agenda, appointment page with its status changes,
Calendly deliveries with a replay button, the practitioner's calendar feed. All through services."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from erp.core.exceptions import DomainError
from erp.core.models import ClinicLocation, Practitioner
from erp.ops.audit import audit_reads, audit_record

from . import calendly, selectors, services
from .models import Appointment, AppointmentStatus, CalendlyDelivery, CalendlyOutcome, EncounterType


def _appointment_page(appointment) -> str:
    return reverse("clinical_appointment:inspect", args=[appointment.pk])


class AgendaForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    span = forms.ChoiceField(label=_("Show"), choices=[("day", _("Day")), ("week", _("Week"))], required=False)
    practitioner = forms.ModelChoiceField(
        Practitioner.objects.filter(is_active=True), required=False, label=_("Practitioner")
    )
    location = forms.ModelChoiceField(
        ClinicLocation.objects.filter(is_active=True), required=False, label=_("Location")
    )


class AgendaView(WagtailAdminTemplateMixin, TemplateView):
    """One day or one week (Monday to Sunday) of appointments, per practitioner and/or location."""

    template_name = "clinical/admin/agenda.html"
    page_title = _("Agenda")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("clinical.view_appointment"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AgendaForm(self.request.GET or None)
        values = form.cleaned_data if form.is_valid() else {}
        day = values.get("day") or timezone.localdate()
        span = values.get("span") or "day"
        practitioner = values.get("practitioner")
        if practitioner is None and not self.request.GET:
            practitioner = Practitioner.objects.filter(user=self.request.user).first()
        first = day - datetime.timedelta(days=day.weekday()) if span == "week" else day
        days = [first + datetime.timedelta(days=n) for n in range(7 if span == "week" else 1)]
        start = timezone.make_aware(datetime.datetime.combine(days[0], datetime.time.min))
        end = timezone.make_aware(datetime.datetime.combine(days[-1] + datetime.timedelta(days=1), datetime.time.min))
        appointments = list(
            selectors.agenda(start=start, end=end, practitioner=practitioner, location=values.get("location"))
        )
        audit_reads(actor=self.request.user, records=appointments, request=self.request, via="admin_agenda")
        by_day = {d: [] for d in days}
        for appointment in appointments:
            by_day.setdefault(timezone.localdate(appointment.scheduled_start), []).append(appointment)
        step = datetime.timedelta(days=7 if span == "week" else 1)
        query = self.request.GET.copy()
        query["span"] = span
        query["day"] = (first - step).isoformat()
        previous_query = query.urlencode()
        query["day"] = (first + step).isoformat()
        next_query = query.urlencode()
        own = Practitioner.objects.filter(user=self.request.user).first()
        context.update(
            form=form,
            span=span,
            days=[(d, by_day.get(d, [])) for d in days],
            previous_query=previous_query,
            next_query=next_query,
            practitioner=practitioner,
            location=values.get("location"),
            own_feed=services.calendar_feed_get(practitioner=own) if own is not None else None,
            can_add=self.request.user.has_perm("clinical.add_appointment"),
        )
        if context["own_feed"] is not None:
            context["own_feed_url"] = self.request.build_absolute_uri(
                reverse("clinical-agenda-feed", args=[context["own_feed"].token])
            )
        return context


@require_POST
def calendar_feed_rotate_view(request):
    practitioner = Practitioner.objects.filter(user=request.user).first()
    if practitioner is None or not request.user.has_perm("clinical.view_appointment"):
        raise PermissionDenied
    services.calendar_feed_rotate(practitioner=practitioner, actor=request.user, request=request)
    messages.success(request, _("A new calendar URL was made; the old one no longer works."))
    return redirect(reverse("clinical_agenda:index"))


class AppointmentPageView(generic.InspectView):
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

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit_record(actor=request.user, action="view", entity=self.object, request=request, metadata={"via": "admin"})
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, status = self.request.user, self.object.status
        open_statuses = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED)
        context["can"] = {
            "confirm": user.has_perm("clinical.confirm_appointment") and status == AppointmentStatus.SCHEDULED,
            "attend": user.has_perm("clinical.attend_appointment") and status == AppointmentStatus.CONFIRMED,
            "open_encounter": user.has_perm("clinical.add_encounter"),
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
    common = {"appointment": appointment, "actor": request.user, "request": request}
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
    delivery = calendly.delivery_replay(delivery=delivery, actor=request.user, request=request)
    if delivery.outcome == "failed":
        messages.error(request, _("The replay failed: %(error)s") % {"error": delivery.error})
    else:
        messages.success(request, _("Replayed: %(outcome)s.") % {"outcome": delivery.get_outcome_display()})
    return redirect(reverse("clinical_calendlydelivery:inspect", args=[delivery.pk]))
