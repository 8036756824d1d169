"""Close the fiscal periods that have ended (yesterday; last month on the 1st; last year on
January 1st), or one given period."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from erp.commerce.sales.fiscal import fiscal_close_due, fiscal_period_close
from erp.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Store the fiscal closings (period totals and running grand total)."

    def add_arguments(self, parser):
        parser.add_argument("--period", choices=["day", "month", "year"])
        parser.add_argument("--day", type=date.fromisoformat, help="A date inside the period (YYYY-MM-DD).")

    def handle(self, *args, period=None, day=None, **options):
        try:
            if period and day:
                closings = [fiscal_period_close(period_type=period, day=day)]
            elif period or day:
                raise CommandError("Give both --period and --day, or neither.")
            else:
                closings = fiscal_close_due()
        except DomainError as error:
            raise CommandError(error.message) from error
        for closing in closings:
            self.stdout.write(
                f"{closing.period_type} {closing.period_start}: {closing.period_total_incl_tax} "
                f"(grand total {closing.grand_total_incl_tax})"
            )
        if not closings:
            self.stdout.write("Nothing to close.")
