"""Wagtail admin screens of the clinical records, under a "Clinical" menu.

Screens call the same services as the API; model permissions of the role decide what shows, and
the patient page hides encounters, photos and non-consent documents from roles without them.
Every read of a patient or encounter screen writes a ``view`` audit row.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import modelform_factory
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusFlagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from erp.clinical import selectors, services
from erp.clinical.admin import views
from erp.clinical.agenda import services as agenda_services
from erp.clinical.agenda.admin import views as agenda_admin
from erp.clinical.imports.admin import ImportViewSet
from erp.clinical.models import Appointment, CalendlyDelivery, Encounter, Patient, PatientGuardian, ReferralSource
from erp.core.admin.base import (
    AuditedModelViewSet,
    PermissionViewSet,
    ReadAudited,
    ReadOnlyPermissionPolicy,
    ServiceCreateView,
    ServiceEditView,
)
from erp.core.admin.widgets import LanguageDateInput, LanguageDateTimeInput
from erp.core.api.pagination import CappedCountPaginator
from erp.core.zones import location_zone
from erp.ops.audit import audit_reads

CONTACT_PERM = "clinical.view_patient_contact"


class ReadAuditedEditView(ReadAudited, ServiceEditView):
    pass


class NoReferenceIndex:
    """Clinical records stay out of Wagtail's reference index: its "usage" screen would list a
    patient's encounters to roles that may not see them, and indexing every save costs at scale."""

    def register_reference_index(self):
        pass


class CappedCountWagtailPaginator(CappedCountPaginator, WagtailPaginator):
    """Wagtail's paginator with the API's capped count: "More than 1,000 patients"."""

    @cached_property
    def items_count_label(self):
        if not self.count_capped:
            return super().items_count_label
        return _("More than %(count)s %(items)s") % {
            "count": number_format(self.shown_count, force_grouping=True),
            "items": self.verbose_name_plural,
        }


# --- Patient chooser (a searchable modal instead of a <select> of every patient) ----------------


class PatientChooserFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Name, e-mail or phone"}),
    )

    def filter(self, objects):
        objects = super().filter(objects).filter(is_merged=False)
        query = self.cleaned_data.get("q")
        if query:
            objects = selectors.first_found(selectors.patient_search(objects, query))
            self.is_searching = True
            self.search_query = query
        return objects


class PatientChooserPermission:
    """Choosing shows patient names: only roles that may view patients get the modal."""

    filter_form_class = PatientChooserFilterForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("clinical.view_patient"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PatientChooserReadAudit:
    """The patients a chooser page lists are read: one ``view`` audit row each, as a list page.
    A search finds its first patients only (``selectors.first_found``): the count says so."""

    paginator_class = CappedCountWagtailPaginator
    results_template_name = "clinical/admin/patient_chooser_results.html"

    @property
    def columns(self):
        """Enough to tell two namesakes apart, and the patient page one click away (a new tab, so
        the form being filled stays)."""
        return [
            *super().columns,
            Column("birth_date", label=_("Birth date")),
            Column("phone", label=_("Phone")),
            TitleColumn(
                "patient_page",
                label=_("Patient page"),
                accessor=lambda patient: _("Open"),
                get_url=lambda patient: reverse("clinical_patient:inspect", args=[patient.pk]),
                link_attrs={"target": "_blank", "rel": "noopener", "data-patient-page": True},
            ),
        ]

    def get_results_page(self, request):
        page = super().get_results_page(request)
        page.object_list = list(page.object_list)  # read once: audited, then shown
        audit_reads(actor=request.user, records=page.object_list, via="admin_chooser")
        return page


class PatientChooseView(PatientChooserPermission, PatientChooserReadAudit, chooser_views.ChooseView):
    pass


class PatientChooseResultsView(PatientChooserPermission, PatientChooserReadAudit, chooser_views.ChooseResultsView):
    pass


class PatientChosenView(PatientChooserPermission, chooser_views.ChosenView):
    pass


class PatientChooserViewSet(ChooserViewSet):
    model = Patient
    icon = "user"
    choose_one_text = _("Choose a patient")
    choose_another_text = _("Choose another patient")
    edit_item_text = _("Edit this patient")
    url_prefix = "clinical/patient-chooser"
    choose_view_class = PatientChooseView
    choose_results_view_class = PatientChooseResultsView
    chosen_view_class = PatientChosenView


patient_chooser_viewset = PatientChooserViewSet("clinical_patient_chooser")


class PatientInitialCreateView(ServiceCreateView):
    def get_initial(self):
        initial = super().get_initial()
        patient = Patient.objects.filter(pk=self.request.GET.get("patient") or None, is_merged=False).first()
        if patient is not None:
            initial["patient"] = patient
        return initial


class PatientFieldMixin:
    """Forms pick the patient with the chooser; ``?patient=<id>`` pre-fills it (patient page links)."""

    add_view_class = PatientInitialCreateView

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "patient":
            kwargs["widget"] = patient_chooser_viewset.widget_class()
        return super().formfield_for_dbfield(db_field, **kwargs)


# --- Patients -----------------------------------------------------------------------------------


class AuditedIndexView(generic.IndexView):
    """Each record shown on a list page is a read: one ``view`` audit row each."""

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        audit_reads(actor=self.request.user, records=context["object_list"], via="admin_list")
        return context


class PatientFilterSet(WagtailFilterSet):
    needs_duplicate_review = BooleanFilter(
        field_name="possible_duplicate_of",
        lookup_expr="isnull",
        exclude=True,
        label=_("Possible duplicate to review"),
    )

    class Meta:
        model = Patient
        fields = ["country_code", "identity_confidence", "contact_opt_out"]


class PatientBillingFilterSet(WagtailFilterSet):
    """Accounting's filters: only on what its columns show (the billing address), so the rows a
    filter keeps cannot tell a hidden field."""

    class Meta:
        model = Patient
        fields = ["country_code"]


class PatientIndexView(AuditedIndexView):
    paginator_class = CappedCountWagtailPaginator
    results_template_name = "clinical/admin/patient_index_results.html"

    def get_base_queryset(self):
        return super().get_base_queryset().filter(is_merged=False)

    @cached_property
    def filters(self):
        if self.request.user.has_perm(CONTACT_PERM):
            return super().filters
        return PatientBillingFilterSet(**self.get_filterset_kwargs())

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        contact = self.request.user.has_perm(CONTACT_PERM)
        queryset = selectors.patient_search(queryset, self.search_query, contact=contact)
        return selectors.first_found(queryset, by_name=not self.is_explicitly_ordered)

    def get_edit_url(self, instance):
        """A row opens the patient page (its "Edit" button is there, and in the row's menu)."""
        return self.get_inspect_url(instance)

    def get_list_more_buttons(self, instance):
        buttons = []
        if self.edit_url_name and self.user_has_permission("change"):
            buttons.append(
                MenuItem(_("Edit"), url=reverse(self.edit_url_name, args=[instance.pk]), icon_name="edit", priority=10)
            )
        if delete_url := self.get_delete_url(instance):
            buttons.append(MenuItem(_("Delete"), url=delete_url, icon_name="bin", priority=30))
        return buttons

    @property
    def columns(self):
        columns = super().columns
        if self.request.user.has_perm(CONTACT_PERM):
            return columns
        # Accounting: the name and the billing address only.
        return [c for c in columns if getattr(c, "name", "") in ("__str__", "city", "postal_code")]


class PatientCreateView(ServiceCreateView):
    """A new patient: its likely duplicates are shown before anything is written ("open this one
    instead"); it is created only when none is found or reception confirms "Create anyway"."""

    template_name = "clinical/admin/patient_create.html"

    def form_valid(self, form):
        if not self.request.POST.get("create_anyway"):
            duplicates = selectors.patient_duplicates_before_create(form.cleaned_data)
            if duplicates:
                audit_reads(
                    actor=self.request.user,
                    records=[c.patient for c in duplicates],
                    via="admin_create_duplicates",
                )
                return self.render_to_response(self.get_context_data(form=form, duplicates=duplicates))
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("clinical_patient:inspect", args=[self.object.pk])


class PatientEditView(ReadAuditedEditView):
    def get_success_url(self):
        return reverse("clinical_patient:inspect", args=[self.object.pk])  # back to the patient page


class DatePickersMixin:
    """Dates and times with Wagtail's calendar pickers, in the admin language's own order
    (``erp.core.admin.widgets``): none can be read two ways."""

    def formfield_for_dbfield(self, db_field, **kwargs):
        if isinstance(db_field, models.DateTimeField):
            kwargs["widget"] = LanguageDateTimeInput()
        elif isinstance(db_field, models.DateField):
            kwargs["widget"] = LanguageDateInput()
        return super().formfield_for_dbfield(db_field, **kwargs)


class PatientViewSet(NoReferenceIndex, DatePickersMixin, AuditedModelViewSet):
    model = Patient
    name = "clinical_patient"
    url_prefix = "clinical/patients"
    icon = "user"
    menu_label = _("Patients")
    menu_order = 100
    list_display = [
        "__str__",
        "birth_date",
        Column("phone_e164", label=_("Phone")),
        "email",
        "city",
        "postal_code",
        StatusFlagColumn("needs_duplicate_review", label=_("Duplicate review"), true_label=_("Possible duplicate")),
    ]
    filterset_class = PatientFilterSet
    search_fields = ["full_name_normalized"]  # the search itself is selectors.patient_search
    form_fields = [
        "first_name",
        "last_name",
        "birth_date",
        "sex",
        "email",
        "phone",
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
    ]
    index_view_class = PatientIndexView
    add_view_class = PatientCreateView
    edit_view_class = PatientEditView
    create_service = staticmethod(services.patient_create)
    update_service = staticmethod(services.patient_update)
    delete_service = staticmethod(services.patient_delete)
    inspect_view_enabled = True
    inspect_view_class = views.PatientPageView
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("page/<uuid:pk>/merge/", views.patient_merge_view, name="merge"),
            path("page/<uuid:pk>/not-a-duplicate/", views.patient_not_a_duplicate_view, name="not_a_duplicate"),
            path("page/<uuid:pk>/consent/", views.patient_consent_view, name="consent"),
            path("page/<uuid:pk>/guardian/", views.patient_guardian_view, name="guardian"),
            path("page/<uuid:pk>/upload-document/", views.patient_document_upload_view, name="upload_document"),
            path("page/<uuid:pk>/upload-photo/", views.patient_photo_upload_view, name="upload_photo"),
            path("page/<uuid:pk>/export/", views.patient_export_view, name="export"),
            path("page/<uuid:pk>/compare/", views.photo_compare_view, name="compare"),
            path("file/<str:kind>/<uuid:pk>/", views.file_view, name="file"),
        ]


# --- Encounters ---------------------------------------------------------------------------------


class EncounterViewSet(NoReferenceIndex, DatePickersMixin, PatientFieldMixin, AuditedModelViewSet):
    model = Encounter
    name = "clinical_encounter"
    url_prefix = "clinical/encounters"
    icon = "doc-full"
    menu_label = _("Encounters")
    menu_order = 200
    list_display = ["__str__", "patient", "practitioner", "location", "status", "occurred_at"]
    list_filter = ["status", "type", "practitioner", "location"]
    search_fields = ["patient__full_name_normalized"]
    form_fields = [
        "patient",
        "practitioner",
        "location",
        "type",
        "occurred_at",
        "chief_complaint",
        "assessment",
        "plan",
        "internal_notes",
    ]
    index_view_class = AuditedIndexView
    edit_view_class = ReadAuditedEditView
    create_service = staticmethod(services.encounter_create)
    update_service = staticmethod(services.encounter_update)
    delete_service = staticmethod(services.encounter_delete)
    inspect_view_enabled = True
    inspect_view_class = views.EncounterPageView
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return location_clock_form(self, EncounterForm)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("transition/<uuid:pk>/", views.encounter_transition_view, name="transition"),
            path("attach/<uuid:pk>/", views.encounter_attach_view, name="attach"),
        ]


# --- Guardians and referral sources -------------------------------------------------------------


class GuardianViewSet(NoReferenceIndex, PatientFieldMixin, AuditedModelViewSet):
    model = PatientGuardian
    name = "clinical_guardian"
    url_prefix = "clinical/guardians"
    icon = "group"
    menu_label = _("Guardians")
    menu_order = 300
    list_display = ["full_name", "relationship", "patient", "phone", "email"]
    list_filter = ["relationship"]
    search_fields = ["full_name", "patient__full_name_normalized"]
    form_fields = [
        "patient",
        "full_name",
        "relationship",
        "phone",
        "email",
        "address_line1",
        "city",
        "postal_code",
        "country_code",
    ]
    copy_view_enabled = False
    create_service = staticmethod(services.guardian_create)
    update_service = staticmethod(services.guardian_update)
    delete_service = staticmethod(services.guardian_delete)


class ReferralSourceViewSet(NoReferenceIndex, AuditedModelViewSet):
    model = ReferralSource
    name = "clinical_referralsource"
    url_prefix = "clinical/referral-sources"
    icon = "tag"
    menu_label = _("Referral sources")
    menu_order = 400
    list_display = ["label", "code", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["label", "code"]
    form_fields = ["code", "label", "is_active"]
    copy_view_enabled = False


# --- Agenda -------------------------------------------------------------------------------------


class AgendaViewSet(PermissionViewSet):
    """The day and week agenda (per practitioner, per location) and the calendar feed."""

    name = "clinical_agenda"
    url_prefix = "clinical/agenda"
    icon = "date"
    menu_label = _("Agenda")
    menu_name = "clinical-agenda"
    menu_order = 50
    menu_permissions = ("clinical.view_appointment",)

    def get_urlpatterns(self):
        return [
            path("", agenda_admin.AgendaView.as_view(), name="index"),
            path("rotate-feed/", agenda_admin.calendar_feed_rotate_view, name="rotate_feed"),
        ]


class LocationClockForm(forms.ModelForm):
    """A record's ``TIMES`` are typed and shown at the clock of its location (the clinic's default
    without one), as the agenda shows them, whatever the admin's own time zone."""

    TIMES: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            zone = location_zone(self.instance.location)
            for name in self.TIMES:
                value = getattr(self.instance, name)
                if name in self.fields and value is not None:
                    self.initial[name] = value.astimezone(zone).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        zone = location_zone(cleaned.get("location"))
        for name in self.TIMES:
            if cleaned.get(name) is not None:  # read in the admin's zone: the same wall time there
                cleaned[name] = timezone.make_aware(timezone.make_naive(cleaned[name]), zone)
        return cleaned


def location_clock_form(viewset, form):
    """The viewset's form (its fields and widgets) on ``form``, a ``LocationClockForm``."""
    return modelform_factory(
        viewset.model, form=form, fields=viewset.get_form_fields(), formfield_callback=viewset.formfield_for_dbfield
    )


class AppointmentForm(LocationClockForm):
    TIMES = ("scheduled_start", "scheduled_end")


class EncounterForm(LocationClockForm):
    TIMES = ("occurred_at",)


class AppointmentViewSet(NoReferenceIndex, DatePickersMixin, PatientFieldMixin, AuditedModelViewSet):
    model = Appointment
    name = "clinical_appointment"
    url_prefix = "clinical/appointments"
    icon = "time"
    menu_label = _("Appointments")
    menu_order = 60
    list_display = ["scheduled_start", "scheduled_end", "patient", "practitioner", "location", "status", "source"]
    list_filter = ["status", "source", "practitioner", "location"]
    search_fields = ["patient__full_name_normalized"]
    form_fields = ["patient", "practitioner", "location", "scheduled_start", "scheduled_end", "notes"]
    index_view_class = AuditedIndexView
    edit_view_class = ReadAuditedEditView
    create_service = staticmethod(agenda_services.appointment_create)
    update_service = staticmethod(agenda_services.appointment_update)
    delete_service = staticmethod(agenda_services.appointment_delete)
    inspect_view_enabled = True
    inspect_view_class = agenda_admin.AppointmentPageView
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return location_clock_form(self, AppointmentForm)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("transition/<uuid:pk>/", agenda_admin.appointment_transition_view, name="transition"),
        ]


register_permission_policy(CalendlyDelivery, ReadOnlyPermissionPolicy(CalendlyDelivery), exact_class=True)


class CalendlyDeliveryViewSet(NoReferenceIndex, ModelViewSet):
    """Deliveries are records of what Calendly sent: inspect and replay, never edit."""

    model = CalendlyDelivery
    name = "clinical_calendlydelivery"
    url_prefix = "clinical/calendly-deliveries"
    icon = "link-external"
    menu_label = _("Calendly deliveries")
    menu_order = 500
    list_display = ["received_at", "event_type", "outcome", "appointment", "attempts", "processed_at"]
    list_filter = ["outcome", "event_type"]
    search_fields = ["event_type", "error"]
    form_fields = ["event_type"]
    inspect_view_enabled = True
    inspect_view_class = agenda_admin.CalendlyDeliveryPageView
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("replay/<uuid:pk>/", agenda_admin.calendly_delivery_replay_view, name="replay"),
        ]


class ClinicalViewSetGroup(ModelViewSetGroup):
    menu_label = _("Clinical")
    menu_icon = "user"
    menu_order = 200
    items = (
        AgendaViewSet,
        AppointmentViewSet,
        PatientViewSet,
        EncounterViewSet,
        GuardianViewSet,
        ReferralSourceViewSet,
        CalendlyDeliveryViewSet,
        ImportViewSet,
    )
