"""Moving in (issue 29): a file of patients or appointments from the old software, imported row by
row through the clinical services. The job keeps the upload (private ``documents`` storage), the
column mapping, its progress and counts; each rejected or duplicate row of its last run is an
``ImportRowIssue``; each record it created with the old software's id is an ``ImportedRecord``,
so that a second run of the same file finds it again."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.models import BaseModel, CreatedByModel


class ImportKind(models.TextChoices):
    PATIENTS = "patients", pgettext_lazy("import", "Patients")
    APPOINTMENTS = "appointments", pgettext_lazy("import", "Appointments")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded: check the columns")
    QUEUED = "queued", pgettext_lazy("import", "Waiting to run")
    RUNNING = "running", pgettext_lazy("import", "Running")
    CHECKED = "checked", pgettext_lazy("import", "Dry run done")
    DONE = "done", pgettext_lazy("import", "Imported")
    FAILED = "failed", pgettext_lazy("import", "Failed")


class ImportOutcome(models.TextChoices):
    CREATED = "created", pgettext_lazy("import", "Created")
    EXISTING = "existing", pgettext_lazy("import", "Already there")
    DUPLICATE = "duplicate", _("Possible duplicate, not created")
    REJECTED = "rejected", pgettext_lazy("import", "Rejected")


class ImportJob(BaseModel, CreatedByModel):
    # Statuses in which a worker owns the job: no new run may start.
    BUSY_STATUSES = (ImportStatus.QUEUED, ImportStatus.RUNNING)

    kind = models.CharField(pgettext_lazy("import", "kind"), max_length=12, choices=ImportKind.choices)
    status = models.CharField(
        pgettext_lazy("import", "status"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.UPLOADED,
        editable=False,
    )
    # The run queued, running or last finished: a dry run writes nothing but its report.
    dry_run = models.BooleanField(pgettext_lazy("import", "dry run"), default=True, editable=False)
    original_filename = models.CharField(pgettext_lazy("import", "file"), max_length=255, editable=False)
    file_format = models.CharField(max_length=4, editable=False)
    file_size = models.PositiveIntegerField(default=0, editable=False)
    # The upload in a private bucket (``storage_bucket`` + ``object_key``: reconcile_storage sees it).
    storage_bucket = models.CharField(max_length=20, default="documents", editable=False)
    object_key = models.CharField(max_length=500, editable=False)
    headers = models.JSONField(default=list, editable=False)
    # {field of the clinic: column header of the file}
    mapping = models.JSONField(default=dict, editable=False)
    # The mapping the last finished dry run checked: the real run needs a dry run of this mapping.
    checked_mapping = models.JSONField(null=True, blank=True, editable=False)
    total_rows = models.PositiveIntegerField(pgettext_lazy("import", "rows"), default=0, editable=False)
    processed_rows = models.PositiveIntegerField(default=0, editable=False)
    created_count = models.PositiveIntegerField(pgettext_lazy("import", "created"), default=0, editable=False)
    existing_count = models.PositiveIntegerField(pgettext_lazy("import", "already there"), default=0, editable=False)
    duplicate_count = models.PositiveIntegerField(
        pgettext_lazy("import", "possible duplicates"), default=0, editable=False
    )
    rejected_count = models.PositiveIntegerField(pgettext_lazy("import", "rejected"), default=0, editable=False)
    error = models.TextField(null=True, blank=True, editable=False)
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = pgettext_lazy("import", "import")
        verbose_name_plural = pgettext_lazy("import", "imports")
        indexes = [models.Index(fields=["kind", "-created_at"], name="clinical_import_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")), name="clinical_import_progress_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_filename} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def percent(self) -> int:
        return 100 if not self.total_rows else min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def is_busy(self) -> bool:
        return self.status in self.BUSY_STATUSES


class ImportRowIssue(BaseModel):
    """A row of the job's last run that was not imported, and why (the report's lines)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row_number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=ImportOutcome.choices)
    code = models.CharField(max_length=64)
    field = models.CharField(max_length=64, blank=True, default="")
    message = models.TextField()
    # The existing record the row may be (a possible duplicate, or the slot's appointment).
    matched_id = models.UUIDField(null=True, blank=True)
    values = models.JSONField(default=dict)

    class Meta:
        ordering = ["job", "row_number"]
        verbose_name = pgettext_lazy("import", "import row issue")
        verbose_name_plural = pgettext_lazy("import", "import row issues")
        indexes = [models.Index(fields=["job", "row_number"], name="clinical_import_issue_row_idx")]

    def __str__(self) -> str:
        return f"{self.job_id} row {self.row_number}: {self.code}"


class ImportedRecord(BaseModel):
    """A record an import created, by the old software's id: importing that id again finds it.

    A patient merge moves the link to the surviving patient like any other row pointing at it."""

    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    external_id = models.CharField(max_length=200)
    patient = models.ForeignKey(
        "clinical.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="import_links"
    )
    appointment = models.ForeignKey(
        "clinical.Appointment", null=True, blank=True, on_delete=models.PROTECT, related_name="import_links"
    )
    job = models.ForeignKey(ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="records")

    class Meta:
        verbose_name = pgettext_lazy("import", "imported record")
        verbose_name_plural = pgettext_lazy("import", "imported records")
        constraints = [
            models.UniqueConstraint(fields=["kind", "external_id"], name="clinical_imported_record_unique"),
            models.CheckConstraint(
                condition=Q(kind="patients", patient__isnull=False, appointment__isnull=True)
                | Q(kind="appointments", appointment__isnull=False, patient__isnull=True),
                name="clinical_imported_record_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.external_id}"
