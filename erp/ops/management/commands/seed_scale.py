import time

from django.core.management.base import BaseCommand, CommandError

from erp.ops.scale import FULL, STAGES, scaled, seed_scale


class Command(BaseCommand):
    help = (
        "Load the benchmarks' scale data set (200,000 patients, 400,000 encounters, 1,000,000 stock moves, "
        "150,000 paid sales...) with COPY. Deterministic, resumable and idempotent; PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Fraction of the full set (e.g. 0.005).")
        parser.add_argument(
            "--stages", default="", help=f"Comma-separated subset of the stages, in order: {', '.join(STAGES)}."
        )

    def handle(self, *args, scale, stages, **options):
        if scale <= 0:
            raise CommandError("--scale must be greater than zero.")
        chosen = [s.strip() for s in stages.split(",") if s.strip()]
        unknown = set(chosen) - set(STAGES)
        if unknown:
            raise CommandError(f"Unknown stage(s): {', '.join(sorted(unknown))}.")
        counts = scaled(scale)
        self.stdout.write("Scale data set: " + ", ".join(f"{counts[name]:,} {name.replace('_', ' ')}" for name in FULL))
        started = time.monotonic()
        durations = seed_scale(scale=scale, stages=chosen or None, out=self.stdout.write)
        total = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Scale data set ready in {total:.1f} s ({durations})."))
