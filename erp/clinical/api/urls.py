from rest_framework.routers import DefaultRouter

from . import views

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

urlpatterns = router.urls
