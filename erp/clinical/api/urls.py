from django.urls import path
from rest_framework.routers import DefaultRouter

from erp.clinical.agenda.api import views as agenda_views
from erp.clinical.api import views
from erp.clinical.imports.api import ImportJobViewSet

router = DefaultRouter(trailing_slash=True)
router.register("referral-sources", views.ReferralSourceViewSet, basename="referral-source")
router.register("patients", views.PatientViewSet, basename="patient")
router.register("guardians", views.GuardianViewSet, basename="guardian")
router.register("encounters", views.EncounterViewSet, basename="encounter")
router.register("encounter-documents", views.EncounterDocumentViewSet, basename="encounter-document")
router.register("encounter-photos", views.EncounterPhotoViewSet, basename="encounter-photo")
router.register("consents", views.ConsentViewSet, basename="consent")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("photos", views.ClinicalPhotoViewSet, basename="clinical-photo")
router.register("appointments", agenda_views.AppointmentViewSet, basename="appointment")
router.register("integrations/calendly/deliveries", agenda_views.CalendlyDeliveryViewSet, basename="calendly-delivery")
router.register("agenda-feeds", agenda_views.CalendarFeedViewSet, basename="agenda-feed")
router.register("imports", ImportJobViewSet, basename="import-job")

urlpatterns = [
    # Calendly posts to this exact URL (no trailing slash).
    path("integrations/calendly/webhook", agenda_views.CalendlyWebhookView.as_view(), name="calendly-webhook"),
    path("agenda/<str:token>.ics", agenda_views.agenda_feed, name="clinical-agenda-feed"),
    *router.urls,
]
