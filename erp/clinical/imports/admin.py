"""The import screens of the Wagtail admin (Clinical › Import): upload a file, check the columns
proposed from its header names, preview the first rows with what would happen to each, run a dry
run (the default), then the real run in the background with a progress bar, and download the
report of the rows not imported. Every step calls ``imports.services``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from erp.clinical.imports import services
from erp.clinical.imports.api import RUN_PERM, VIEW_PERM, kind_permission_check, report_download
from erp.clinical.imports.fields import fields_of
from erp.clinical.imports.tables import MAX_IMPORT_BYTES
from erp.clinical.models import ImportJob, ImportKind, ImportOutcome, ImportStatus
from erp.core.admin.base import PermissionViewSet
from erp.core.exceptions import DomainError
from erp.ops.audit import audit_record

# Issues shown on the job page; the CSV report has them all.
ISSUES_SHOWN = 100


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=gettext_lazy("File (CSV or Excel .xlsx)"),
        help_text=gettext_lazy("The first row names the columns. CSV: UTF-8 or Windows-1252, separated by , ; or tab."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ImportMappingForm(forms.Form):
    """One choice of column per field the import fills."""

    def __init__(self, *args, job: ImportJob, **kwargs):
        super().__init__(*args, **kwargs)
        columns = [("", _("— not imported —")), *((h, h) for h in job.headers if h)]
        for field in fields_of(job.kind):
            self.fields[field.name] = forms.ChoiceField(
                label=f"{field.label}{' *' if field.required else ''}",
                choices=columns,
                required=False,
                initial=job.mapping.get(field.name, ""),
            )


class ImportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not (request.user.has_perm(VIEW_PERM) and request.user.has_perm(RUN_PERM)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AdminPageMixin(WagtailAdminTemplateMixin):
    header_icon = "download"

    def get_breadcrumbs_items(self):
        # The last item is the page's own title (Wagtail shows it as the header).
        return [*super().get_breadcrumbs_items(), *self.trail(), {"url": "", "label": self.get_page_title()}]

    def trail(self) -> list[dict]:
        return [{"url": reverse("clinical_import:index"), "label": pgettext("import", "Import")}]


class ImportIndexView(ImportPermissionMixin, AdminPageMixin, TemplateView):
    """The upload form and the latest imports."""

    template_name = "clinical/admin/import_index.html"

    def get_page_title(self):
        return _("Import patients or appointments")

    def trail(self) -> list[dict]:
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ImportUploadForm()
        context["jobs"] = list(ImportJob.objects.select_related("created_by")[:30])
        context["max_mb"] = MAX_IMPORT_BYTES // (1024 * 1024)
        return context

    def post(self, request, *args, **kwargs):
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                kind_permission_check(request.user, form.cleaned_data["kind"])
                upload = form.cleaned_data["file"]
                job = services.import_job_create(
                    kind=form.cleaned_data["kind"],
                    filename=upload.name,
                    data=upload.read(MAX_IMPORT_BYTES + 1),
                    actor=request.user,
                )
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                messages.success(request, _("File received: check the columns, then run a dry run."))
                return redirect("clinical_import:job", pk=job.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ImportJobView(ImportPermissionMixin, AdminPageMixin, TemplateView):
    """One import: columns, preview, runs, progress, counts and report."""

    template_name = "clinical/admin/import_job.html"

    def get_page_title(self):
        return _("Import of %(file)s") % {"file": self.job.original_filename}

    def dispatch(self, request, *args, **kwargs):
        self.job = get_object_or_404(ImportJob, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        mapping_form = kwargs.get("mapping_form") or ImportMappingForm(job=job)
        mapped = [f for f in fields_of(job.kind) if f.name in job.mapping]
        context.update(
            job=job,
            mapping_form=mapping_form,
            can_change=not job.is_busy and job.status != ImportStatus.DONE,
            can_run=job.status == ImportStatus.CHECKED and job.checked_mapping == job.mapping,
            issues=list(job.issues.order_by("row_number")[:ISSUES_SHOWN]) if not job.is_busy else [],
            patient_links=job.kind == ImportKind.PATIENTS and self.request.user.has_perm("clinical.view_patient"),
            issues_more=max(0, job.issues.count() - ISSUES_SHOWN) if not job.is_busy else 0,
            mapped_fields=mapped,
            outcomes=ImportOutcome,
        )
        if not job.is_busy and job.status != ImportStatus.DONE:
            try:
                context["preview"] = [
                    (row["row_number"], [row["values"].get(job.mapping[f.name], "") for f in mapped], row["result"])
                    for row in services.import_job_preview(job=job)
                ]
            except DomainError as error:
                context["preview_error"] = error.message
        audit_record(actor=self.request.user, action="view", entity=job, metadata={"via": "admin"})
        return context

    def post(self, request, *args, **kwargs):
        kind_permission_check(request.user, self.job.kind)
        operation = request.POST.get("operation")
        try:
            if operation == "mapping":
                form = ImportMappingForm(request.POST, job=self.job)
                form.is_valid()
                services.import_job_map(job=self.job, mapping=form.cleaned_data, actor=request.user)
                messages.success(request, _("Columns saved: run a dry run to check every row."))
            elif operation in ("dry_run", "run"):
                services.import_job_start(job=self.job, dry_run=operation == "dry_run", actor=request.user)
            else:
                raise PermissionDenied
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("clinical_import:job", pk=self.job.pk)


@require_safe
def import_job_status_view(request, pk):
    """The job's progress as JSON, polled by its page while it runs."""
    if not request.user.has_perm(VIEW_PERM):
        raise PermissionDenied
    job = get_object_or_404(ImportJob, pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "busy": job.is_busy,
            "processed_rows": job.processed_rows,
            "total_rows": job.total_rows,
            "percent": job.percent,
        }
    )


@require_safe
def import_job_report_view(request, pk):
    """The rows not imported, why, and their values (CSV; an audited export)."""
    if not (request.user.has_perm(VIEW_PERM) and request.user.has_perm(RUN_PERM)):
        raise PermissionDenied
    return report_download(get_object_or_404(ImportJob, pk=pk), actor=request.user)


class ImportViewSet(PermissionViewSet):
    name = "clinical_import"
    url_prefix = "clinical/imports"
    icon = "download"
    menu_label = pgettext_lazy("import", "Import")
    menu_name = "clinical-import"
    menu_order = 450
    menu_permissions = (RUN_PERM,)

    def get_urlpatterns(self):
        return [
            path("", ImportIndexView.as_view(), name="index"),
            path("<uuid:pk>/", ImportJobView.as_view(), name="job"),
            path("<uuid:pk>/status/", import_job_status_view, name="status"),
            path("<uuid:pk>/report/", import_job_report_view, name="report"),
        ]
