"""Load the benchmarks' scale data set (bench/scale.py) into the configured database.

python bench/seed_scale.py [--scale 0.005] [--stages patients,encounters]

200,000 patients, 400,000 encounters, 1,000,000 stock moves, 150,000 paid sales... with COPY;
deterministic, resumable and idempotent. Run by bench/run.py (``make bench``).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    from bench.scale import STAGES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="Fraction of the full set (e.g. 0.005).")
    parser.add_argument("--stages", default="", help=f"Comma-separated stages, in order: {', '.join(STAGES)}.")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be greater than zero.")
    args.stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = set(args.stages) - set(STAGES)
    if unknown:
        parser.error(f"Unknown stage(s): {', '.join(sorted(unknown))}.")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)  # before Django starts (and with it the embedded database)
    from erp.bootstrap import make_site_importable

    make_site_importable()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.base")
    import django

    django.setup()
    from bench.scale import FULL, scaled, seed_scale

    counts = scaled(args.scale)
    print("Scale data set: " + ", ".join(f"{counts[name]:,} {name.replace('_', ' ')}" for name in FULL))
    started = time.monotonic()
    durations = seed_scale(scale=args.scale, stages=args.stages or None)
    print(f"Scale data set ready in {time.monotonic() - started:.1f} s ({durations}).")


if __name__ == "__main__":
    main()
