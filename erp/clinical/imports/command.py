"""What ``manage.py import_patients`` and ``import_appointments`` share: the same job, checks and
rows as the admin screen, run in the command's own process (no queue), with a CSV report."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from erp.clinical.imports import services
from erp.clinical.imports.fields import fields_of
from erp.clinical.models import ImportStatus
from erp.core.csv import csv_lines
from erp.core.exceptions import DomainError
from erp.core.models import User


class ImportCommand(BaseCommand):
    kind: str

    def add_arguments(self, parser):
        parser.add_argument("file", help="A CSV (UTF-8 or Windows-1252; , ; or tab separated) or XLSX file.")
        parser.add_argument(
            "--commit",
            action="store_true",
            help="Import for real. Without it the command only checks the file (a dry run) and writes nothing.",
        )
        parser.add_argument("--user", help="E-mail of the staff user the import is recorded for (audit).")
        parser.add_argument(
            "--mapping",
            help='JSON {"field": "column"} when the proposed mapping is not right; the fields are '
            + ", ".join(field.name for field in fields_of(self.kind))
            + ".",
        )
        parser.add_argument("--report", help="Write the rows that were not imported, with why, to this CSV file.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = None
        if options["user"]:
            actor = User.objects.filter(email__iexact=options["user"].strip(), is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user with the e-mail {options['user']}.")
        try:
            mapping = json.loads(options["mapping"]) if options["mapping"] else None
        except json.JSONDecodeError as exc:
            raise CommandError(f"--mapping is not JSON: {exc}") from exc
        dry_run = not options["commit"]
        try:
            job = services.import_job_create(
                kind=self.kind, filename=path.name, data=path.read_bytes(), actor=actor, mapping=mapping
            )
            self.stdout.write(f"Columns: {json.dumps(job.mapping, ensure_ascii=False)}")
            # --commit is the operator's decision after a dry run of their own: the screen's
            # "dry run first" is for a person, not for a script that prints the counts.
            services.import_job_start(job=job, dry_run=dry_run, actor=actor, checked_first=False, enqueue=False)
        except DomainError as error:
            raise CommandError(error.message) from error
        job = services.import_job_execute(job_id=job.pk, actor=actor)
        verb = "Checked (dry run, nothing written)" if dry_run else "Imported"
        self.stdout.write(
            f"{verb}: {job.processed_rows} row(s); created {job.created_count}, already there "
            f"{job.existing_count}, possible duplicates {job.duplicate_count}, rejected {job.rejected_count}."
        )
        if options["report"]:
            header, rows = services.import_job_report_rows(job)
            services.import_job_report_audit(job=job, actor=actor)
            Path(options["report"]).write_text("".join(csv_lines(header, rows)), encoding="utf-8")
            self.stdout.write(f"Report of the rows not imported: {options['report']}")
        if job.status == ImportStatus.FAILED:
            raise CommandError(f"The import failed: {job.error}")
