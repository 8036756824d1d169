"""Write the FEC (Fichier des Écritures Comptables) of a fiscal year or a date range."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from erp.commerce.exceptions import FecForeignCurrency, FecPeriodInvalid
from erp.commerce.sales.fec import fec_check, fec_export_audit, fec_period, fec_rows


class Command(BaseCommand):
    help = "Write <SIREN>FEC<closing date>.txt for a year (--year) or a date range (--from/--to)."

    def add_arguments(self, parser):
        parser.add_argument("--year", help="The fiscal (calendar) year, e.g. 2026.")
        parser.add_argument("--from", dest="date_from", help="First day (YYYY-MM-DD).")
        parser.add_argument("--to", dest="date_to", help="Last day, the closing date (YYYY-MM-DD).")
        parser.add_argument("--output-dir", default=".", help="Folder of the file (default: here).")

    def handle(self, *args, year=None, date_from=None, date_to=None, output_dir=".", **options):
        try:
            period = fec_period(year=year, date_from=date_from, date_to=date_to)
            fec_check(period)
        except (FecPeriodInvalid, FecForeignCurrency) as error:
            raise CommandError(error.message) from error
        path = Path(output_dir) / period.filename
        rows = 0
        with path.open("wb") as file:
            for row in fec_rows(period):
                file.write(row)
                rows += 1
        fec_export_audit(period=period, actor=None, channel="command")
        self.stdout.write(f"{path} ({rows - 1} lines)")
