"""API of the agenda: appointments, Calendly deliveries and webhook, the calendar feeds."""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from erp.clinical import models
from erp.clinical.agenda import calendly, selectors, services
from erp.clinical.agenda.api import serializers
from erp.core.api.mixins import ReadAuditMixin, VersionedViewSetMixin
from erp.core.api.parsers import JSONParser
from erp.core.api.permissions import RoleAccess, has_perms
from erp.core.models import Practitioner
from erp.messaging.selectors import no_show_rate_by_reminder
from erp.ops.audit import audit_reads


class AppointmentFilter(filters.FilterSet):
    start_from = filters.IsoDateTimeFilter(field_name="scheduled_start", lookup_expr="gte", label="Starts at or after")
    start_to = filters.IsoDateTimeFilter(field_name="scheduled_start", lookup_expr="lt", label="Starts before")
    date_from = filters.DateFilter(field_name="scheduled_start__date", lookup_expr="gte", label="From this day")
    date_to = filters.DateFilter(field_name="scheduled_start__date", lookup_expr="lte", label="To this day (included)")

    class Meta:
        model = models.Appointment
        fields = ["practitioner", "location", "patient", "status", "source"]


NO_SHOW_RATE_PARAMETERS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="First day (included)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Last day (included)."),
    OpenApiParameter("practitioner", OpenApiTypes.UUID),
]


class AppointmentViewSet(ReadAuditMixin, VersionedViewSetMixin, viewsets.ModelViewSet):
    """Appointments: scheduled -> confirmed -> attended; scheduled/confirmed -> cancelled or no_show.

    Manual bookings may not overlap another appointment of the practitioner (409 with the slot).
    """

    serializer_class = serializers.AppointmentSerializer
    queryset = models.Appointment.objects.select_related("patient", "practitioner", "location")
    filterset_class = AppointmentFilter
    ordering_fields = ["scheduled_start", "scheduled_end", "created_at", "status"]
    ordering = ["scheduled_start", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.appointment_create(data=serializer.validated_data, actor=self.request.user)
        self._etag_instance = serializer.instance

    def perform_update(self, serializer):
        serializer.instance = services.appointment_update(
            appointment=serializer.instance,
            data=serializer.validated_data,
            actor=self.request.user,
        )
        self._etag_instance = serializer.instance

    def perform_destroy(self, instance):
        services.appointment_delete(appointment=instance, actor=self.request.user)

    def _done(self, appointment):
        self._etag_instance = appointment
        return Response(serializers.AppointmentSerializer(appointment).data)

    @extend_schema(request=None, responses={200: serializers.AppointmentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("clinical.confirm_appointment")])
    def confirm(self, request, pk=None):
        """scheduled -> confirmed."""
        return self._done(services.appointment_confirm(appointment=self.get_object(), actor=request.user))

    @extend_schema(request=serializers.AppointmentAttendSerializer, responses={200: serializers.AppointmentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("clinical.attend_appointment")])
    def attend(self, request, pk=None):
        """confirmed -> attended; ``open_encounter`` opens a draft encounter linked to it."""
        appointment = self.get_object()
        data = serializers.AppointmentAttendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["open_encounter"] and not request.user.has_perm("clinical.add_encounter"):
            raise PermissionDenied(_("Your role may not open encounters."))
        return self._done(
            services.appointment_attend(appointment=appointment, **data.validated_data, actor=request.user)
        )

    @extend_schema(request=serializers.AppointmentCancelSerializer, responses={200: serializers.AppointmentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("clinical.cancel_appointment")])
    def cancel(self, request, pk=None):
        """scheduled or confirmed -> cancelled (reason required)."""
        appointment = self.get_object()
        data = serializers.AppointmentCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            services.appointment_cancel(
                appointment=appointment, reason=data.validated_data["reason"], actor=request.user
            )
        )

    @extend_schema(request=serializers.AppointmentNoShowSerializer, responses={200: serializers.AppointmentSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="no-show",
        permission_classes=[RoleAccess, has_perms("clinical.no_show_appointment")],
    )
    def no_show(self, request, pk=None):
        """scheduled or confirmed -> no_show, once the start time has passed (reason optional)."""
        appointment = self.get_object()
        data = serializers.AppointmentNoShowSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            services.appointment_mark_no_show(
                appointment=appointment, reason=data.validated_data.get("reason"), actor=request.user
            )
        )

    @extend_schema(
        request=None,
        parameters=[serializers.AgendaQuerySerializer],
        responses={
            200: serializers.AgendaSerializer,
            422: OpenApiResponse(description="The range ends before it starts or spans over six weeks."),
        },
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def agenda(self, request):
        """The scheduler's range in one read: the active practitioners (its columns) and the
        appointments starting in [start, end), with the patient's and practitioner's names. Audited."""
        params = serializers.AgendaQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        appointments = list(selectors.agenda(start=values["start"], end=values["end"], location=values.get("location")))
        audit_reads(actor=request.user, records=appointments, via="api_agenda")
        practitioners = Practitioner.objects.filter(is_active=True).order_by("display_name", "id")
        return Response(
            serializers.AgendaSerializer({"practitioners": practitioners, "appointments": appointments}).data
        )

    @extend_schema(
        request=None, parameters=NO_SHOW_RATE_PARAMETERS, responses={200: serializers.NoShowRateSerializer(many=True)}
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="no-show-rate",
        filter_backends=[],
        pagination_class=None,
        permission_classes=[RoleAccess, has_perms("clinical.view_agenda_report")],
    )
    def no_show_rate(self, request):
        """No-show rate per practitioner and month: no-shows over appointments due (not cancelled, started)."""
        params = serializers.NoShowRateQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        period = {
            "start": _day_start(values.get("date_from")),
            "end": _day_start(values.get("date_to"), next_day=True),
            "practitioner": values.get("practitioner"),
        }
        rows = selectors.no_show_rate(**period)
        by_reminder = no_show_rate_by_reminder(**period)
        for row in rows:
            row["by_reminder"] = by_reminder.get((row["practitioner"], row["month"]), [])
        return Response(serializers.NoShowRateSerializer(rows, many=True).data)


def _day_start(day, *, next_day: bool = False):
    import datetime

    from django.utils import timezone

    if day is None:
        return None
    if next_day:
        day = day + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class CalendlyDeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Calendly deliveries as received (payload, outcome, error); a failed one can be replayed."""

    serializer_class = serializers.CalendlyDeliverySerializer
    queryset = models.CalendlyDelivery.objects.all()
    filterset_fields = ["event_type", "outcome", "appointment"]
    ordering_fields = ["received_at", "processed_at"]
    ordering = ["-received_at"]

    @extend_schema(request=None, responses={200: serializers.CalendlyDeliverySerializer})
    @action(
        detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("clinical.replay_calendlydelivery")]
    )
    def replay(self, request, pk=None):
        """Apply the stored delivery again (idempotent)."""
        delivery = calendly.delivery_replay(delivery=self.get_object(), actor=request.user)
        return Response(serializers.CalendlyDeliverySerializer(delivery).data)


class CalendlyWebhookView(APIView):
    """Calendly's webhook. Signed (``Calendly-Webhook-Signature``); refused with 401 otherwise.

    Every signed delivery is stored before it is processed; a failed one answers 422 (Calendly
    retries) and stays replayable from the admin. A signed body that is not a JSON object
    PostgreSQL can store (not JSON, not an object, nested too deep, a NUL or a lone surrogate in
    its text) is kept as bytes and answered 400 ``payload_invalid``.
    """

    authentication_classes: list = []
    permission_classes = [RoleAccess, AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: serializers.CalendlyReceiptSerializer,
            401: OpenApiResponse(description="Bad or missing signature"),
            422: serializers.CalendlyReceiptSerializer,
        },
    )
    def post(self, request):
        body = request.body
        try:
            calendly.signature_verify(
                header=request.headers.get(calendly.SIGNATURE_HEADER), body=body, key=calendly.signing_key()
            )
        except calendly.SignatureRefused as refusal:
            calendly.logger.warning(
                "Calendly delivery rejected (%s) from %s, %d bytes", refusal, request.META.get("REMOTE_ADDR"), len(body)
            )
            return Response({"code": "signature_invalid", "detail": "The signature was refused."}, status=401)
        delivery = calendly.delivery_store(body=body)
        if delivery.outcome == models.CalendlyOutcome.INVALID:
            # Kept (as bytes) for a look in the admin, but there is nothing to apply.
            calendly.logger.warning("Calendly delivery %s refused: %s", delivery.pk, delivery.error)
            return Response({"code": "payload_invalid", "detail": delivery.error, "delivery": delivery.pk}, status=400)
        delivery = calendly.delivery_process(delivery=delivery)
        failed = delivery.outcome == models.CalendlyOutcome.FAILED
        receipt = {"delivery": delivery.pk, "outcome": delivery.outcome, "appointment": delivery.appointment_id}
        return Response(serializers.CalendlyReceiptSerializer(receipt).data, status=422 if failed else 200)


class CalendarFeedViewSet(viewsets.GenericViewSet):
    """A practitioner's iCalendar subscription URL (secret) and its rotation."""

    serializer_class = serializers.CalendarFeedSerializer
    queryset = models.PractitionerCalendarFeed.objects.none()
    permission_classes = [RoleAccess, has_perms("clinical.view_appointment")]

    def _practitioner(self, practitioner_id=None):
        from erp.core.models import Practitioner

        own = Practitioner.objects.filter(user=self.request.user).first()
        if practitioner_id is None or (own is not None and own.pk == practitioner_id):
            if own is None:
                raise NotFound(_("You are not a practitioner: you have no agenda feed."))
            return own
        if not self.request.user.has_perm("clinical.change_practitionercalendarfeed"):
            raise PermissionDenied(_("Only an administrator may rotate another practitioner's feed."))
        practitioner = Practitioner.objects.filter(pk=practitioner_id).first()
        if practitioner is None:
            raise NotFound(_("No such practitioner."))
        return practitioner

    def _feed_response(self, feed):
        url = self.request.build_absolute_uri(reverse("clinical-agenda-feed", args=[feed.token]))
        data = {"practitioner": feed.practitioner_id, "url": url, "rotated_at": feed.rotated_at}
        return Response(serializers.CalendarFeedSerializer(data).data)

    @extend_schema(request=None, responses={200: serializers.CalendarFeedSerializer})
    @action(detail=False, methods=["get"])
    def mine(self, request):
        """Your own feed URL (made on first use)."""
        return self._feed_response(services.calendar_feed_get(practitioner=self._practitioner()))

    @extend_schema(
        request=serializers.CalendarFeedRotateSerializer, responses={200: serializers.CalendarFeedSerializer}
    )
    @action(detail=False, methods=["post"])
    def rotate(self, request):
        """A new secret URL; the old one stops working at once."""
        data = serializers.CalendarFeedRotateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        practitioner = self._practitioner(data.validated_data.get("practitioner"))
        feed = services.calendar_feed_rotate(practitioner=practitioner, actor=request.user)
        return self._feed_response(feed)


@never_cache
def agenda_feed(request, token: str):
    """The iCalendar feed behind a secret token (no login: phone calendars cannot log in)."""
    from erp.clinical.agenda import ics

    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    feed = models.PractitionerCalendarFeed.objects.select_related("practitioner").filter(token=token).first()
    if feed is None or not feed.practitioner.is_active:
        raise Http404
    text = ics.calendar(
        selectors.feed_appointments(feed.practitioner),
        name=f"Agenda {feed.practitioner.display_name}",
        host=request.get_host().split(":")[0] or "clinic",
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response
