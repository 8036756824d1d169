"""The admin's patient and encounter pages and the operations they offer (all through services)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.views import generic

from erp.clinical import selectors, services
from erp.clinical.models import (
    ClinicalPhoto,
    ConsentType,
    Document,
    DocumentKind,
    Encounter,
    Patient,
    PatientGuardian,
    PhotoKind,
    PhotoRelation,
)
from erp.clinical.templatetags.clinical_format import at_location
from erp.core.admin.base import ReadAudited
from erp.core.admin.widgets import LanguageDateTimeInput
from erp.core.exceptions import DomainError
from erp.ops.audit import audit_reads

CONTACT_PERM = "clinical.view_patient_contact"
ALL_DOCUMENTS_PERM = "clinical.view_clinical_document"
BILLING_FIELDS = ["first_name", "last_name", "address_line1", "city", "postal_code", "country_code"]
IDENTITY_FIELDS = [
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "email",
    "phone",
    "phone_e164",
    "address_line1",
    "city",
    "postal_code",
    "country_code",
    "preferred_language",
    "preferred_contact_method",
    "preferred_contact_time",
    "contact_opt_out",
    "identity_confidence",
    "referral_source",
    "referral_details",
    "notes",
    "is_merged",
    "merged_into_patient",
    "merge_reason",
    "possible_duplicate_of",
    "possible_duplicate_reason",
]


def _require(user, *perms: str) -> None:
    if not user.has_perms(perms):
        raise PermissionDenied


def _page(patient) -> str:
    return reverse("clinical_patient:inspect", args=[patient.pk])


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    kind = forms.ChoiceField(choices=DocumentKind.choices, label=gettext_lazy("Kind"))
    title = forms.CharField(required=False, max_length=255, label=gettext_lazy("Title"))


class PhotoUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    photo_kind = forms.ChoiceField(choices=PhotoKind.choices, label=gettext_lazy("Photo kind"))
    body_area = forms.CharField(required=False, max_length=100, label=gettext_lazy("Body area"))
    taken_at = forms.DateTimeField(required=False, label=gettext_lazy("Taken at"), widget=LanguageDateTimeInput())
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Notes"))


class PatientPageView(ReadAudited, generic.InspectView):
    """The patient's card, the default click on a patient: identity and contact, then one section
    per part of the record (consents, guardians, appointments, encounters, photos, sales and
    invoices, documents, leads) and the actions, each only for the roles allowed to see or do it.
    A fixed number of queries, however long the record."""

    template_name = "clinical/admin/patient_page.html"
    # Past appointments and sales shown (the newest); the upcoming ones are all shown.
    RECENT = 20

    def get_fields(self):
        return IDENTITY_FIELDS if self.request.user.has_perm(CONTACT_PERM) else BILLING_FIELDS

    def get_object(self, queryset=None):
        return get_object_or_404(
            Patient.objects.select_related("possible_duplicate_of", "merged_into_patient", "referral_source"),
            pk=self.pk,
        )

    def get_page_title(self):
        return _("Patient")

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, patient = self.request.user, self.object
        live = not patient.is_merged
        can = {
            "contact": user.has_perm(CONTACT_PERM),
            "edit": live and user.has_perm("clinical.change_patient"),
            "guardians": user.has_perm("clinical.view_patientguardian"),
            "add_guardian": user.has_perm("clinical.add_patientguardian"),
            "consents": user.has_perm("clinical.view_consent"),
            "change_consents": user.has_perm("clinical.add_consent"),
            "appointments": user.has_perm("clinical.view_appointment"),
            "book": live and user.has_perm("clinical.add_appointment"),
            "encounters": user.has_perm("clinical.view_encounter"),
            "add_encounter": live and user.has_perm("clinical.add_encounter"),
            "photos": user.has_perm("clinical.view_clinicalphoto"),
            "add_photo": user.has_perm("clinical.add_clinicalphoto"),
            "documents": user.has_perm("clinical.view_document"),
            "add_document": user.has_perm("clinical.add_document"),
            "sales": user.has_perm("commerce.view_sale"),
            "sell": live and user.has_perm("commerce.add_sale"),
            "invoices": user.has_perm("commerce.view_invoice"),
            "download_invoices": user.has_perm("commerce.download_invoice"),
            "leads": user.has_perm("website.view_publiclead"),
            "merge": user.has_perms(["clinical.merge_patient", "clinical.change_patient"]),
            "export": user.has_perm("clinical.export_patient"),
        }
        context["can"] = can
        context["edit_url"] = reverse("clinical_patient:edit", args=[patient.pk]) if can["edit"] else None
        context["book_url"] = f"{reverse('clinical_agenda:index')}?patient={patient.pk}" if can["book"] else None
        context["sell_url"] = f"{reverse('commerce_new_sale:index')}?patient={patient.pk}" if can["sell"] else None
        shown = []
        if can["guardians"]:
            context["guardians"] = list(patient.guardians.all())
        if can["consents"]:
            state = selectors.consent_current(patient)
            context["consent_rows"] = [
                {"type": code, "label": ConsentType(code).label, "current": current} for code, current in state.items()
            ]
            context["consent_history"] = list(patient.consents.select_related("created_by").order_by("-created_at"))
            context["consent_copies"] = list(
                Document.objects.filter(patient=patient, kind=DocumentKind.CONSENT_COPY).only(
                    "pk", "title", "object_key"
                )
            )
        if can["appointments"]:
            upcoming, past = selectors.patient_appointments(patient, recent=self.RECENT)
            context["upcoming_appointments"], context["past_appointments"] = upcoming, past
            shown += [*upcoming, *past]
        if can["encounters"]:
            context["encounters"] = list(patient.encounters.select_related("practitioner", "location"))
            shown += context["encounters"]
        if can["photos"]:
            body_area = self.request.GET.get("body_area") or None
            photo_kind = self.request.GET.get("photo_kind") or None
            photos = list(selectors.photo_timeline(patient, body_area=body_area, photo_kind=photo_kind))
            context["photos"] = photos
            context["body_areas"] = sorted(
                set(
                    ClinicalPhoto.objects.filter(patient=patient)
                    .exclude(body_area__isnull=True)
                    .exclude(body_area="")
                    .values_list("body_area", flat=True)
                )
            )
            context["photo_kinds"] = PhotoKind.choices
            context["photo_form"] = PhotoUploadForm()
            shown += photos
        if can["sales"]:
            context["sales"] = selectors.patient_sales(patient, recent=self.RECENT)
        if can["documents"]:
            documents = Document.objects.filter(patient=patient)
            if not user.has_perm(ALL_DOCUMENTS_PERM):
                documents = documents.filter(kind=DocumentKind.CONSENT_COPY)
            context["documents"] = list(documents)
            context["document_form"] = DocumentUploadForm()
            shown += context["documents"]
        if can["leads"]:
            context["leads"] = selectors.patient_leads(patient)
        if can["merge"]:
            context["duplicates"] = selectors.patient_duplicate_candidates(patient)
        audit_reads(actor=user, records=shown, via="admin_patient_page")
        return context


class LocationTimesMixin:
    """An inspected record's date-times as the clock of its location reads them (Europe/Paris
    without one), in the language's own date format."""

    def get_field_display_value(self, field_name, field):
        if isinstance(field, models.DateTimeField):
            value = getattr(self.object, field_name)
            if value is None:
                return None
            local = at_location(value, getattr(self.object, "location", None))
            return date_format(local, "DATETIME_FORMAT")
        return super().get_field_display_value(field_name, field)


class EncounterPageView(ReadAudited, LocationTimesMixin, generic.InspectView):
    template_name = "clinical/admin/encounter_page.html"
    fields = [
        "patient",
        "practitioner",
        "location",
        "type",
        "status",
        "occurred_at",
        "chief_complaint",
        "assessment",
        "plan",
        "internal_notes",
        "finalized_at",
        "cancelled_at",
        "cancellation_reason",
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        encounter = self.object
        context["can_finalize"] = user.has_perm("clinical.finalize_encounter") and encounter.status == "draft"
        context["can_cancel"] = user.has_perm("clinical.cancel_encounter") and encounter.status != "cancelled"
        context["can_attach"] = user.has_perms(["clinical.add_encounterphoto", "clinical.add_encounterdocument"])
        context["photo_links"] = encounter.encounter_photos.select_related("photo").filter(photo__is_deleted=False)
        context["document_links"] = encounter.encounter_documents.select_related("document").filter(
            document__is_deleted=False
        )
        if context["can_attach"]:
            context["patient_photos"] = ClinicalPhoto.objects.filter(patient_id=encounter.patient_id)
            context["patient_documents"] = Document.objects.filter(patient_id=encounter.patient_id)
            context["relation_types"] = PhotoRelation.choices
            context["document_kinds"] = DocumentKind.choices
        return context


def _run(request, patient, operation, success: str):
    try:
        operation()
    except DomainError as error:
        messages.error(request, error.message)
    except ValidationError as error:  # a model's own validation (full_clean)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(_page(patient))


@require_POST
def patient_merge_view(request, pk):
    _require(request.user, "clinical.merge_patient", "clinical.change_patient")
    survivor = get_object_or_404(Patient, pk=pk)
    merged = Patient.objects.filter(pk=request.POST.get("merged_patient")).first()
    if merged is None:
        messages.error(request, _("Choose the duplicate patient to merge."))
        return redirect(_page(survivor))
    return _run(
        request,
        survivor,
        lambda: services.patient_merge(
            survivor=survivor,
            merged=merged,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        ),
        f"{merged} was merged into this patient.",
    )


@require_POST
def patient_not_a_duplicate_view(request, pk):
    _require(request.user, "clinical.merge_patient", "clinical.change_patient")
    patient = get_object_or_404(Patient, pk=pk)
    return _run(
        request,
        patient,
        lambda: services.patient_duplicate_dismiss(patient=patient, note=request.POST.get("note"), actor=request.user),
        _("Marked as not a duplicate."),
    )


@require_POST
def patient_consent_view(request, pk):
    _require(request.user, "clinical.add_consent")
    patient = get_object_or_404(Patient, pk=pk)
    consent_type = request.POST.get("consent_type")
    if consent_type not in ConsentType.values:
        raise PermissionDenied
    if request.POST.get("operation") == "revoke":
        operation = lambda: services.consent_revoke(  # noqa: E731
            patient=patient, consent_type=consent_type, actor=request.user
        )
    else:
        document = None
        if request.POST.get("document"):
            document = get_object_or_404(Document, pk=request.POST["document"], patient=patient)
        operation = lambda: services.consent_grant(  # noqa: E731
            patient=patient, consent_type=consent_type, document=document, actor=request.user
        )
    return _run(request, patient, operation, _("Consent recorded."))


@require_POST
def patient_guardian_view(request, pk):
    patient = get_object_or_404(Patient, pk=pk)
    if request.POST.get("remove"):
        _require(request.user, "clinical.delete_patientguardian")
        guardian = get_object_or_404(PatientGuardian, pk=request.POST["remove"], patient=patient)
        remove = lambda: services.guardian_delete(guardian=guardian, actor=request.user)  # noqa: E731
        return _run(request, patient, remove, _("Guardian removed."))
    _require(request.user, "clinical.add_patientguardian")
    full_name, relationship = request.POST.get("full_name", "").strip(), request.POST.get("relationship", "").strip()
    if not full_name or not relationship:
        messages.error(request, _("A guardian needs a name and a relationship."))
        return redirect(_page(patient))
    data = {
        "patient": patient,
        "full_name": full_name,
        "relationship": relationship,
        "phone": request.POST.get("phone") or None,
        "email": request.POST.get("email") or None,
    }
    add = lambda: services.guardian_create(data=data, actor=request.user)  # noqa: E731
    return _run(request, patient, add, _("Guardian added."))


@require_POST
def patient_document_upload_view(request, pk):
    _require(request.user, "clinical.add_document")
    patient = get_object_or_404(Patient, pk=pk)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file and a kind."))
        return redirect(_page(patient))
    kind = form.cleaned_data["kind"]
    if kind != DocumentKind.CONSENT_COPY and not request.user.has_perm(ALL_DOCUMENTS_PERM):
        raise PermissionDenied
    return _run(
        request,
        patient,
        lambda: services.document_upload(
            patient=patient,
            upload=form.cleaned_data["file"],
            kind=kind,
            title=form.cleaned_data["title"],
            actor=request.user,
        ),
        _("Document stored."),
    )


@require_POST
def patient_photo_upload_view(request, pk):
    _require(request.user, "clinical.add_clinicalphoto")
    patient = get_object_or_404(Patient, pk=pk)
    form = PhotoUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo."))
        return redirect(_page(patient))
    metadata = {k: v for k, v in form.cleaned_data.items() if k != "file" and v not in (None, "")}
    return _run(
        request,
        patient,
        lambda: services.clinical_photo_upload(
            patient=patient,
            upload=form.cleaned_data["file"],
            metadata=metadata,
            actor=request.user,
        ),
        _("Photo stored; its thumbnail follows in a moment."),
    )


def patient_export_view(request, pk):
    _require(request.user, "clinical.export_patient")
    patient = get_object_or_404(Patient, pk=pk)
    archive = services.patient_export(patient=patient, actor=request.user)
    response = FileResponse(
        archive, as_attachment=True, filename=services.export_filename(patient), content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def file_view(request, kind, pk):
    """Check permission, issue a signed URL (audited) and send the browser to it."""
    variant = "original"
    if kind in ("photo", "thumbnail"):
        _require(request.user, "clinical.view_clinicalphoto")
        obj = get_object_or_404(ClinicalPhoto, pk=pk)
        variant = "thumbnail" if kind == "thumbnail" and obj.thumbnail_object_key else "original"
    elif kind == "document":
        _require(request.user, "clinical.view_document")
        documents = Document.objects.all()
        if not request.user.has_perm(ALL_DOCUMENTS_PERM):
            documents = documents.filter(kind=DocumentKind.CONSENT_COPY)
        obj = get_object_or_404(documents, pk=pk)
    else:
        raise PermissionDenied
    purpose = "export" if request.GET.get("download") else "view"
    return redirect(
        services.file_signed_url(obj=obj, actor=request.user, variant=variant, purpose=purpose)
    )


def photo_compare_view(request, pk):
    _require(request.user, "clinical.view_clinicalphoto")
    patient = get_object_or_404(Patient, pk=pk)
    photos = ClinicalPhoto.objects.filter(patient=patient)
    before = photos.filter(pk=request.GET.get("before")).first() if request.GET.get("before") else None
    after = photos.filter(pk=request.GET.get("after")).first() if request.GET.get("after") else None
    if before is None or after is None:
        messages.error(request, _("Choose two photos to compare."))
        return redirect(_page(patient))
    try:
        comparison = services.photo_comparison(before=before, after=after, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_page(patient))
    return TemplateResponse(
        request,
        "clinical/admin/photo_compare.html",
        {"patient": patient, "comparison": comparison, "page_title": _("Before / after")},
    )


@require_POST
def encounter_attach_view(request, pk):
    _require(request.user, "clinical.add_encounterphoto", "clinical.add_encounterdocument")
    encounter = get_object_or_404(Encounter, pk=pk)
    try:
        if request.POST.get("photo"):
            photo = get_object_or_404(ClinicalPhoto, pk=request.POST["photo"])
            relation = request.POST.get("relation_type")
            if relation not in PhotoRelation.values:
                relation = PhotoRelation.ATTACHED
            services.encounter_attach_photo(
                encounter=encounter, photo=photo, relation_type=relation, actor=request.user
            )
        elif request.POST.get("document"):
            document = get_object_or_404(Document, pk=request.POST["document"])
            kind = request.POST.get("kind")
            if kind not in DocumentKind.values:
                kind = document.kind
            services.encounter_attach_document(encounter=encounter, document=document, kind=kind, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Attached."))
    return redirect(reverse("clinical_encounter:inspect", args=[encounter.pk]))


@require_POST
def encounter_transition_view(request, pk):
    encounter = get_object_or_404(Encounter, pk=pk)
    page = reverse("clinical_encounter:inspect", args=[encounter.pk])
    try:
        if request.POST.get("operation") == "finalize":
            _require(request.user, "clinical.finalize_encounter")
            services.encounter_finalize(encounter=encounter, actor=request.user)
        else:
            _require(request.user, "clinical.cancel_encounter")
            services.encounter_cancel(encounter=encounter, reason=request.POST.get("reason", ""), actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Encounter updated."))
    return redirect(page)
