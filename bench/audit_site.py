"""``make audit-site``: Lighthouse (mobile profile) on the demo website under production settings.

Sets up its own database (``DATABASE_URL``'s server, database ``clinic_audit``; or the embedded
PostgreSQL as ``make bench`` does), migrates, loads the demo site (``seed_demo``), collects static
files, points the Wagtail site at the served address (its canonical and hreflang URLs are then the
audited ones), serves it with gunicorn (production settings, DEBUG off, loopback) and runs
Lighthouse (bench/lighthouse, the npm package pinned by its package-lock.json) with Debian's
Chromium (``CHROME_PATH``, no browser download) on home, a service and a post in French and
Armenian. Writes bench/results/site-audit-latest.json and site-audit-latest.md; exits 1 when a
score is under its target. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import ROOT, Server, _dbname, _with_dbname, base_env, database_urls, ensure_database, free_port, log, manage  # noqa: E402, I001

LIGHTHOUSE = ROOT / "bench" / "lighthouse"
RESULTS = ROOT / "bench" / "results"
PATHS = {"home": "", "service": "services/laser-treatments/", "post": "blog/moles-check/"}
LANGUAGES = ["fr", "hy"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 95, "best-practices": 95, "seo": 100}


def chrome_path() -> str:
    path = os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        sys.exit("Chromium not found: install Debian's chromium package (make browser-deps) or set CHROME_PATH.")
    return path


def ensure_lighthouse() -> Path:
    binary = LIGHTHOUSE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if not shutil.which("npm"):
            sys.exit("npm not found: install Node.js 20 (Debian's nodejs and npm packages).")
        log("npm ci (bench/lighthouse)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE, check=True)  # noqa: S607
    return binary


def point_site_at(env: dict, port: int) -> None:
    """The default Wagtail site answers on the audited address (its full URLs are built from it)."""
    code = (
        "from wagtail.models import Site; "
        f"Site.objects.filter(is_default_site=True).update(hostname='127.0.0.1', port={port})"
    )
    manage(env, "shell", "-c", code)


def audit(binary: Path, url: str, out: Path, chrome: str) -> dict:
    env = {**os.environ, "CHROME_PATH": chrome}
    command = [
        str(binary), url, "--quiet", "--output=json", f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    subprocess.run(command, check=True, env=env)  # noqa: S603
    report = json.loads(out.read_text())
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    failed = {
        name: [audit_id for audit_id in (ref["id"] for ref in report["categories"][name]["auditRefs"])
               if (report["audits"][audit_id].get("score") is not None and report["audits"][audit_id]["score"] < 1
                   and report["audits"][audit_id].get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"))]
        for name in CATEGORIES if scores[name] < 100
    }
    return {"url": url, "scores": scores, "below_full_marks": failed}


def markdown(results: list[dict], meta: dict) -> str:
    lines = [
        "# Website audit (Lighthouse, mobile profile)",
        "",
        f"Lighthouse {meta['lighthouse']} with {meta['chrome']}, {meta['started_at']}, gunicorn under production "
        "settings on loopback, demo content (`seed_demo`). Targets: performance ≥ 95, accessibility ≥ 95, "
        "best practices ≥ 95, SEO = 100.",
        "",
        "| page | performance | accessibility | best practices | SEO |",
        "|---|---|---|---|---|",
    ]
    for result in results:
        s = result["scores"]
        marks = {name: f"{s[name]}" + ("" if s[name] >= TARGETS[name] else " ✗") for name in CATEGORIES}
        lines.append(f"| {result['page']} | {marks['performance']} | {marks['accessibility']} | "
                     f"{marks['best-practices']} | {marks['seo']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-setup", action="store_true", help="no migrate / seed (static files are collected)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    chrome, binary = chrome_path(), ensure_lighthouse()

    url = os.environ.get("DATABASE_URL", "")
    if url:
        db_url = _with_dbname(url, "clinic_audit")
    else:
        db_url, _small, _server = database_urls(args)
        db_url = _with_dbname(db_url, "clinic_audit")
    port = free_port()
    env = base_env(db_url, port)
    if not args.skip_setup:
        ensure_database(db_url)
        log(f"migrate {_dbname(db_url)}")
        manage(env, "migrate", "--noinput", "-v", "0")
        log("seed_demo")
        manage(env, "seed_demo")
    log("collectstatic")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    point_site_at(env, port)

    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603
    chrome_version = subprocess.run([chrome, "--version"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    meta = {"started_at": datetime.now(UTC).isoformat(timespec="seconds"), "lighthouse": version,
            "chrome": chrome_version, "targets": TARGETS}
    results = []
    work = ROOT / "var" / "audit"
    work.mkdir(parents=True, exist_ok=True)
    with Server(env, port):
        for language in LANGUAGES:
            for name, path in PATHS.items():
                page_url = f"http://127.0.0.1:{port}/{language}/{path}"
                # First requests fill the page and picture caches (renditions) and reach both workers,
                # as visits before would: the audit measures the page, not a worker's first request.
                for _warm in range(4):
                    subprocess.run(["curl", "-s", "-o", "/dev/null", page_url], check=False)  # noqa: S603, S607
                log(f"lighthouse {page_url}")
                result = audit(binary, page_url, work / f"{language}-{name}.json", chrome)
                result["page"] = f"{name} ({language})"
                results.append(result)
                log(f"  {result['scores']}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "site-audit-latest.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    (args.out / "site-audit-latest.md").write_text(markdown(results, meta))
    log(f"wrote {args.out / 'site-audit-latest.md'}")
    below = [(r["page"], n, r["scores"][n]) for r in results for n in CATEGORIES if r["scores"][n] < TARGETS[n]]
    if below:
        for page, name, score in below:
            print(f"under target: {page} {name} {score} < {TARGETS[name]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
