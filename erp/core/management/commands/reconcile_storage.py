import json
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from erp.core.reconcile import storage_reconcile


class Command(BaseCommand):
    help = (
        "List, per bucket, objects that no row points at and rows whose object is missing. "
        "Exit status 1 when anything is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument(
            "--delete-orphan-objects",
            action="store_true",
            help="Delete the objects without rows that are older than the grace period. Rows are never touched.",
        )
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=24.0,
            help="Orphan objects younger than this are kept (an upload may still be committing). Default: 24.",
        )

    def handle(self, *args, **options):
        if options["grace_hours"] < 0:
            raise CommandError("--grace-hours cannot be negative.")
        reports = storage_reconcile(
            delete_orphan_objects=options["delete_orphan_objects"], grace=timedelta(hours=options["grace_hours"])
        )
        if options["json"]:
            self.stdout.write(json.dumps({"buckets": [r.as_dict() for r in reports]}, indent=2))
        else:
            for report in reports:
                self.stdout.write(f"[{report.bucket}] {report.objects} object(s), {report.rows} row reference(s)")
                for obj in report.objects_without_rows:
                    self.stdout.write(f"  object without row: {obj.key} (modified {obj.modified_at:%Y-%m-%d %H:%M})")
                for ref in report.rows_without_objects:
                    self.stdout.write(f"  row without object: {ref.model} {ref.pk} {ref.field}={ref.key}")
                for key in report.deleted_objects:
                    self.stdout.write(f"  deleted: {key}")
        if not all(report.clean for report in reports):
            # Non-zero so that cron and monitoring notice; the listing above says what to look at.
            raise SystemExit(1)
