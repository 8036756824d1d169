"""Two runs of the benchmarks side by side: ``python bench/compare.py BEFORE.json AFTER.json``.

Prints a Markdown table of every figure both runs have: throughputs as ratios to each run's own
``/healthz`` ceiling (runs on different machines or hours compare that way), times and counts as
they are, and how much slower the second run is ("within 1.5 ×" is issue 25's rule). The memory
figure is a growth in per cent of a few MB: a change under a point is noise, not a slowdown.
"""

import json
import sys
from pathlib import Path

LIMIT = 1.5


def figures(path: str) -> tuple[dict, float]:
    data = json.loads(Path(path).read_text())
    return {f["key"]: f for f in data["figures"]}, data["ceiling_rps"]


def shown(figure: dict) -> str:
    if figure["unit"].endswith("/s") and figure["ratio_to_ceiling"] is not None:
        return f"{figure['ratio_to_ceiling']:.3f} of ceiling"
    return f"{figure['value']:,.3f} {figure['unit']}".replace(".000 ", " ")


def slower_by(before: dict, after: dict) -> float:
    if before["unit"].endswith("/s"):  # a throughput: higher is faster
        return before["ratio_to_ceiling"] / after["ratio_to_ceiling"] if after["ratio_to_ceiling"] else float("inf")
    if before["unit"] == "%":
        return 1.0 if after["value"] - before["value"] < 1 else after["value"] / before["value"]
    return after["value"] / before["value"] if before["value"] else 1.0


def main(before_path: str, after_path: str) -> None:
    before, before_ceiling = figures(before_path)
    after, after_ceiling = figures(after_path)
    print(f"Ceiling: {before_ceiling:,.0f} req/s before, {after_ceiling:,.0f} req/s after.\n")
    print("| figure | before | after | slower by | within 1.5 × |")
    print("|---|---|---|---|---|")
    for key, old in before.items():
        new = after.get(key)
        if new is None or not all(isinstance(f["value"], int | float) for f in (old, new)):
            continue
        ratio = slower_by(old, new)
        within = "yes" if ratio <= LIMIT else "**no**"
        print(f"| {new['figure']} | {shown(old)} | {shown(new)} | {ratio:.2f} × | {within} |")


if __name__ == "__main__":
    main(*sys.argv[1:3])
