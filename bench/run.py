"""The benchmarks of issue 11: ``make bench`` (or ``python bench/run.py --help``).

Sets up PostgreSQL (``DATABASE_URL``, or the embedded server under var/pgdata), migrates, loads
the scale data set (``seed_scale``) and a small one (history independence), collects static
files, serves the site with gunicorn (2 workers, production settings, loopback) and loads it
from other processes: wrk (Debian's package) for the GET figures, bench/payload.py for paying
sales and for the memory run, bench/tasks.py for the in-process figures (PDF, thumbnail, query
counts). Every figure is the median of ``--repeats`` runs; every speed is also given as a ratio
to the ``/healthz`` ceiling of the same run. Writes bench/results/latest.json and latest.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
GROUPS = ["healthz", "pages", "cold", "search", "lists", "queries", "pay", "history", "pdf", "thumb", "memory"]
PAGES = ["home_fr", "service_fr", "blog_post_fr", "home_hy", "service_hy", "blog_post_hy"]
LISTS = ["patients", "sales", "products", "orders"]
PROFILE_NOTES = ROOT / "bench" / "profiling.md"
SEED_RECORD = ROOT / "var" / "bench" / "seed-scale-seconds.json"


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# --- Database -----------------------------------------------------------------------------------


def _with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _dbname(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def ensure_database(url: str) -> None:
    import psycopg

    name = _dbname(url)
    with psycopg.connect(_conninfo(_with_dbname(url, "postgres")), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


def _conninfo(url: str) -> str:
    import dj_database_url

    config = dj_database_url.parse(url)
    parts = {"dbname": config["NAME"], "user": config["USER"], "password": config["PASSWORD"],
             "host": config["HOST"], "port": config["PORT"]}  # fmt: skip
    parts.update(config.get("OPTIONS", {}))  # the embedded server's socket folder is `?host=`
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v not in (None, ""))


def database_urls() -> tuple[str, str]:
    """The URLs of the scale and small databases: on ``DATABASE_URL``'s server, or on the embedded
    one under var/pgdata (started if need be, running until this run ends)."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        main = url if _dbname(url) not in ("", "postgres") else _with_dbname(url, "clinic_bench")
    else:
        sys.path.insert(0, str(ROOT))
        from erp.core.embedded_postgres import embedded_postgres_url

        main = embedded_postgres_url(ROOT / "var" / "pgdata", "clinic_bench")
        log(f"embedded PostgreSQL under var/pgdata ({main})")
    small = _with_dbname(main, _dbname(main) + "_small")
    return main, small


# --- Processes ----------------------------------------------------------------------------------


def base_env(db_url: str, port: int, *, cache_disabled: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    var = ROOT / "var" / "bench"
    var.mkdir(parents=True, exist_ok=True)
    env.update({
        "DJANGO_SETTINGS_MODULE": "site.settings.base",
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "1"),
        "WEBSITE_PAGE_CACHE": "0" if cache_disabled else "1",
        "PYTHONUNBUFFERED": "1",
        # The demo's invoices are issued under production settings, which want the seller's
        # legal identifiers (fictitious ones here; a real deployment sets its own).
        "SELLER_SIREN": env.get("SELLER_SIREN", "123456789"),
        "SELLER_SIRET": env.get("SELLER_SIRET", "12345678900012"),
        "SELLER_VAT_NUMBER": env.get("SELLER_VAT_NUMBER", "FR12123456789"),
    })  # fmt: skip
    env.pop("REDIS_URL", None)
    env.pop("S3_ENDPOINT_URL", None)
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def task(env: dict, name: str, *args: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    subprocess.run([PY, str(BENCH / "tasks.py"), name, str(out), *args], cwd=ROOT, env=env, check=True)  # noqa: S603
    data = json.loads(out.read_text() or "{}") if name != "makejpeg" else {}
    out.unlink(missing_ok=True)
    return data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with site/gunicorn.conf.py, 2 sync workers on loopback."""

    def __init__(self, env: dict, port: int):
        self.env, self.port = env, port
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = Path(PY).parent / "gunicorn"
        command = [str(gunicorn)] if gunicorn.exists() else [PY, "-m", "gunicorn"]
        self.process = subprocess.Popen(  # noqa: S603
            [*command, "-c", "site/gunicorn.conf.py", "site.wsgi:application"], cwd=ROOT, env=self.env
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited at start-up")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                    if response.status == 200 and len(self.workers()) >= 2:
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 90 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def workers(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk from Debian's packages (apt-get)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)  # noqa: S607
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)  # noqa: S607
        return shutil.which("wrk") or "wrk"
    raise SystemExit("wrk is missing: install Debian's wrk package (apt-get install wrk) and run again.")


# --- Load ---------------------------------------------------------------------------------------


class Load:
    def __init__(self, args, wrk: str):
        self.args, self.wrk = args, wrk
        self.port = 0
        self.token = ""

    def wrk_run(self, paths: list[str], *, connections: int, duration: float, auth: bool = False) -> dict:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
            handle.write("\n".join(paths) + "\n")
            paths_file = handle.name
        env = {**os.environ, "BENCH_PATHS": paths_file, "BENCH_TOKEN": self.token if auth else ""}
        result = subprocess.run(  # noqa: S603
            [self.wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(BENCH / "wrk.lua"),
             f"http://127.0.0.1:{self.port}"],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        os.unlink(paths_file)
        line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
        if line is None:
            raise RuntimeError(f"wrk printed no summary:\n{result.stdout}\n{result.stderr}")
        data = json.loads(line.removeprefix("BENCH_JSON "))
        seconds = data["duration_us"] / 1e6
        return {
            "rps": data["requests"] / seconds if seconds else 0.0,
            "p50_ms": data["p50_us"] / 1000,
            "p95_ms": data["p95_us"] / 1000,
            "requests": data["requests"],
            "errors": data["non2xx"] + data["socket_errors"],
        }

    def measure(self, paths: list[str], *, auth: bool = False, connections: int | None = None) -> dict:
        """Median over the repeats of a throughput run (2 connections: one per worker) and a
        latency run (1 connection: no queueing behind another request)."""
        self.wrk_run(paths, connections=2, duration=1, auth=auth)  # warm-up (caches, connections)
        throughput, latency = [], []
        for _ in range(self.args.repeats):
            throughput.append(self.wrk_run(paths, connections=connections or 2, duration=self.args.duration, auth=auth))
            latency.append(self.wrk_run(paths, connections=1, duration=self.args.duration, auth=auth))
        return {
            "rps": statistics.median(r["rps"] for r in throughput),
            "p50_ms": statistics.median(r["p50_ms"] for r in latency),
            "p95_ms": statistics.median(r["p95_ms"] for r in latency),
            "errors": sum(r["errors"] for r in throughput + latency),
            "runs": {"throughput": throughput, "latency": latency},
        }

    def client(self, mode: str, items, clients: int, count: int | None = None) -> dict:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(items, handle)
            items_file = handle.name
        out = items_file + ".out"
        command = [PY, str(BENCH / "payload.py"), mode, str(self.port), self.token, items_file, str(clients), out]
        if count is not None:
            command.append(str(count))
        subprocess.run(command, check=True)  # noqa: S603
        data = json.loads(Path(out).read_text())
        os.unlink(items_file)
        os.unlink(out)
        return data


# --- Results ------------------------------------------------------------------------------------


class Results:
    def __init__(self, out: Path | None = None, meta: dict | None = None):
        self.figures: list[dict] = []
        self.ceiling: float | None = None
        self.out, self.meta = out, meta

    def save(self) -> None:
        """Write what is measured so far (an interrupted run keeps its figures)."""
        if self.out is None:
            return
        self.out.mkdir(parents=True, exist_ok=True)
        payload = {"meta": self.meta, "ceiling_rps": self.ceiling, "figures": self.figures}
        (self.out / "latest.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False, default=str) + "\n")
        (self.out / "latest.md").write_text(markdown(self, self.meta))

    def add(self, key, label, value, unit, target_text, passed, *, ratio=None, runs=None, note=""):
        self.figures.append({
            "key": key, "figure": label, "value": round(value, 3) if isinstance(value, float) else value,
            "unit": unit, "ratio_to_ceiling": round(ratio, 3) if ratio is not None else None, "target": target_text,
            "pass": passed, "note": note, "runs": runs,
        })  # fmt: skip
        value_text = f"{value:.3f}" if isinstance(value, float) else value
        log(f"  {label}: {value_text} {unit} (target {target_text})")
        self.save()

    def speed(self, key, label, rps, minimum_ratio, runs=None):
        ratio = rps / self.ceiling if self.ceiling else None
        passed = None if ratio is None or minimum_ratio is None else ratio >= minimum_ratio
        target = f"≥ {minimum_ratio} of the ceiling" if minimum_ratio is not None else "—"
        self.add(key, label, rps, "req/s", target, passed, ratio=ratio, runs=runs)

    def latency(self, key, label, ms, maximum, runs=None, rps=None):
        ratio = rps / self.ceiling if (rps and self.ceiling) else None
        passed = None if maximum is None else ms <= maximum
        self.add(key, label, ms, "ms", f"≤ {maximum} ms" if maximum is not None else "—", passed, ratio=ratio,
                 runs=runs)  # fmt: skip


def markdown(results: Results, meta: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run {meta['finished_at']} on {meta['cpus']} CPU(s), {meta['host']}; {meta['repeats']} repeats of "
        f"{meta['duration']} s per figure (medians). Scale data set: {meta.get('stock_moves', '?'):,} stock moves; "
        f"seed_scale {meta.get('seed_seconds', '—')} s. Ratios are to the /healthz ceiling of the same run.",
        "",
        "| figure | value | ratio to ceiling | target | result |",
        "|---|---|---|---|---|",
    ]
    for f in results.figures:
        value = f"{f['value']:,.1f} {f['unit']}" if isinstance(f["value"], float) else f"{f['value']} {f['unit']}"
        ratio = f"{f['ratio_to_ceiling']:.3f}" if f["ratio_to_ceiling"] is not None else ""
        verdict = {True: "pass", False: "**fail**", None: "—"}[f["pass"]]
        note = f" ({f['note']})" if f["note"] else ""
        lines.append(f"| {f['figure']}{note} | {value.strip()} | {ratio} | {f['target']} | {verdict} |")
    if meta.get("notes"):
        lines += ["", *meta["notes"]]
    if PROFILE_NOTES.exists():  # what was profiled and fixed, with the figures before and after
        lines += ["", PROFILE_NOTES.read_text().strip()]
    return "\n".join(lines) + "\n"


# --- The run ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(GROUPS)}")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median; default 3)")
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run (default 3)")
    parser.add_argument("--scale", type=float, default=1.0, help="scale of the main data set (default 1)")
    parser.add_argument("--small-scale", type=float, default=0.001, help="scale of the small data set (1,000 moves)")
    parser.add_argument("--skip-setup", action="store_true", help="no migrate / seed / collectstatic")
    parser.add_argument("--pay-sales", type=int, default=60, help="sales paid per one-client run (default 60)")
    parser.add_argument("--pay-sales-8", type=int, default=300, help="sales paid per 8-client run (default 400)")
    parser.add_argument("--memory-requests", type=int, default=10_000, help="requests of the memory run")
    parser.add_argument("--out", type=Path, default=BENCH / "results", help="where latest.json/.md go")
    parser.add_argument("--render-only", action="store_true", help="rewrite latest.md from latest.json, no run")
    args = parser.parse_args()
    if args.render_only:
        payload = json.loads((args.out / "latest.json").read_text())
        results = Results()
        results.figures, results.ceiling = payload["figures"], payload["ceiling_rps"]
        (args.out / "latest.md").write_text(markdown(results, payload["meta"]))
        return
    chosen = [g.strip() for g in args.only.split(",") if g.strip()] or GROUPS
    unknown = set(chosen) - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    if {"pages", "cold", "search", "lists", "pay", "history"} & set(chosen) and "healthz" not in chosen:
        chosen.insert(0, "healthz")  # every speed is a ratio to this run's ceiling

    started = time.monotonic()
    wrk = ensure_wrk()
    main_url, small_url = database_urls()
    port = free_port()
    env = base_env(main_url, port)
    small_env = base_env(small_url, port)
    meta = {"started_at": datetime.now(UTC).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
            "host": os.uname().nodename, "repeats": args.repeats, "duration": args.duration, "groups": chosen,
            "scale": args.scale, "small_scale": args.small_scale, "notes": []}  # fmt: skip

    if not args.skip_setup:
        for url, e, scale in ((main_url, env, args.scale), (small_url, small_env, args.small_scale)):
            ensure_database(url)
            log(f"migrate {_dbname(url)}")
            manage(e, "migrate", "--noinput", "-v", "0")
            log(f"seed_scale --scale {scale} on {_dbname(url)}")
            seeded = time.monotonic()
            subprocess.run([PY, str(BENCH / "seed_scale.py"), "--scale", str(scale)], cwd=ROOT, env=e, check=True)  # noqa: S603
            if url == main_url:
                meta["seed_seconds"] = round(time.monotonic() - seeded, 1)
                SEED_RECORD.write_text(json.dumps({"seconds": meta["seed_seconds"], "scale": scale}))
        log("collectstatic")
        manage(env, "collectstatic", "--noinput", "-v", "0")

    elif SEED_RECORD.exists():  # the last measured seed of this machine
        meta["seed_seconds"] = json.loads(SEED_RECORD.read_text())["seconds"]

    meta["finished_at"] = "(running)"
    results = Results(args.out, meta)
    load = Load(args, wrk)
    load.port = port
    pay_total = args.repeats * (args.pay_sales + args.pay_sales_8) if "pay" in chosen else 0
    if "history" in chosen and "pay" not in chosen:
        pay_total = args.repeats * args.pay_sales
    log("prepare: bench user, URLs")
    prepared = task(env, "prepare", "--pay-sales", "0")
    load.token = prepared["token"]
    meta["stock_moves"] = prepared["stock_moves"]
    pages = prepared["pages"]

    def median_pay(server_drafts: list[dict], clients: int, per_run: int) -> tuple[dict, list[dict]]:
        runs = []
        for _ in range(args.repeats):
            batch, server_drafts = server_drafts[:per_run], server_drafts[per_run:]
            runs.append(load.client("pay", batch, clients))
        latencies = [statistics.median(r["latencies"]) * 1000 for r in runs if r["latencies"]]
        p95s = [_percentile(r["latencies"], 95) * 1000 for r in runs if r["latencies"]]
        summary = {"p50_ms": statistics.median(latencies) if latencies else float("nan"),
                   "p95_ms": statistics.median(p95s) if p95s else float("nan"),
                   "per_second": statistics.median(r["per_second"] for r in runs),
                   "failed": sum(r["failed"] for r in runs),
                   "failures": [f for r in runs for f in r["failures"]][:5],
                   "runs": [{k: v for k, v in r.items() if k != "latencies"} for r in runs]}  # fmt: skip
        return summary, server_drafts

    def new_drafts() -> list[dict]:
        # Made once the lists are measured: the sales list's first page is the newest sales, and a
        # page of this run's drafts (one line, unpaid, no invoice) would be lighter than the clinic's.
        log(f"prepare: {pay_total} draft sales")
        return task(env, "prepare", "--pay-sales", str(pay_total))["drafts"]

    pay_one = None
    with Server(env, port) as server:
        if "healthz" in chosen:
            log("healthz ceiling")
            m = load.measure(["/healthz"])
            results.ceiling = m["rps"]
            results.add("healthz", "framework ceiling: /healthz", m["rps"], "req/s", "baseline (ratio 1.0)", None,
                        ratio=1.0, runs=m["runs"])  # fmt: skip
            results.latency("healthz_p95", "/healthz p95", m["p95_ms"], None, runs=None)
        if "pages" in chosen:
            for name in PAGES:
                log(f"public page {name} (page cache on)")
                m = load.measure([pages[name]])
                _check_errors(m, name)
                results.speed(f"page_{name}", f"public page {name}: throughput", m["rps"], 0.5, runs=m["runs"])
                results.latency(f"page_{name}_p95", f"public page {name}: p95", m["p95_ms"], 15)
        if "search" in chosen:
            log("patient search, 50 prefixes")
            m = load.measure(prepared["search"], auth=True)
            _check_errors(m, "search")
            results.latency("search_p50", "patient search ?q= (50 prefixes): p50", m["p50_ms"], None, rps=m["rps"])
            results.latency("search_p95", "patient search ?q= (50 prefixes): p95", m["p95_ms"], 30, runs=m["runs"],
                            rps=m["rps"])  # fmt: skip
        if "lists" in chosen:
            for name in LISTS:
                log(f"API list {name}, first page")
                m = load.measure([prepared["lists"][name]], auth=True)
                _check_errors(m, name)
                results.latency(f"list_{name}_p95", f"API list {name}, first page: p95", m["p95_ms"], 25,
                                runs=m["runs"], rps=m["rps"])  # fmt: skip
        if "pay" in chosen:
            drafts = new_drafts()
            log(f"pay a sale, one client ({args.pay_sales} sales x {args.repeats})")
            pay_one, drafts = median_pay(drafts, 1, args.pay_sales)
            results.latency("pay_p50", "pay a sale (API), one client: p50", pay_one["p50_ms"], None,
                            runs=pay_one["runs"])  # fmt: skip
            results.latency("pay_p95", "pay a sale (API), one client: p95", pay_one["p95_ms"], 60)
            log(f"pay sales, 8 clients ({args.pay_sales_8} sales x {args.repeats})")
            pay_eight, drafts = median_pay(drafts, 8, args.pay_sales_8)
            ratio = pay_eight["per_second"] / results.ceiling if results.ceiling else None
            results.add("pay_throughput", "pay sales (API), 8 clients: throughput", pay_eight["per_second"],
                        "paid sales/s", "≥ 60 paid sales/s", pay_eight["per_second"] >= 60, ratio=ratio,
                        runs=pay_eight["runs"])  # fmt: skip
            if pay_one["failed"] or pay_eight["failed"]:
                meta["notes"].append(f"Pay failures: {pay_one['failures'] + pay_eight['failures']}")
    if "history" in chosen:
        if pay_one is None:
            drafts = new_drafts()
            with Server(env, port):
                pay_one, drafts = median_pay(drafts, 1, args.pay_sales)
        log("history independence: small database")
        small_prepared = task(small_env, "prepare", "--pay-sales", str(args.repeats * args.pay_sales))
        load.token = small_prepared["token"]
        with Server(small_env, port):
            small_pay, _ = median_pay(small_prepared["drafts"], 1, args.pay_sales)
        load.token = prepared["token"]
        ratio = pay_one["p50_ms"] / small_pay["p50_ms"]
        results.add("history_ratio", f"history independence: pay p50 at {prepared['stock_moves']:,} moves ÷ at "
                    f"{small_prepared['stock_moves']:,}", ratio, "×", "≤ 1.2", ratio <= 1.2,
                    note=f"{pay_one['p50_ms']:.1f} ms ÷ {small_pay['p50_ms']:.1f} ms")  # fmt: skip
    if "cold" in chosen:
        cold_env = base_env(main_url, port, cache_disabled=True)
        with Server(cold_env, port):
            for name in PAGES:
                log(f"public page {name} (page cache off)")
                m = load.measure([pages[name]])
                _check_errors(m, name)
                results.speed(f"cold_{name}", f"cold public page {name}: throughput", m["rps"], 0.05, runs=m["runs"])
                results.latency(f"cold_{name}_p95", f"cold public page {name}: p95", m["p95_ms"], 60)
    if "queries" in chosen:
        log("query counts (cold pages, API lists at page_size 5 and 50)")
        counts = task(base_env(main_url, port, cache_disabled=True), "queries")
        for name in PAGES:
            n = counts["pages"][name]
            results.add(f"queries_{name}", f"cold public page {name}: queries", n, "queries", "≤ 15", n <= 15)
        for name in LISTS:
            small, large = counts["lists"][name]
            results.add(f"queries_list_{name}", f"API list {name}: queries at page_size 5 / 50", f"{small} / {large}",
                        "queries", "flat in page size", small == large)  # fmt: skip
    if "pdf" in chosen:
        log("invoice PDF render (Factur-X)")
        runs = [statistics.median(task(env, "pdf", "--count", "5")["seconds"]) for _ in range(args.repeats)]
        results.latency("invoice_pdf_p50", "invoice PDF render incl. Factur-X: p50", statistics.median(runs) * 1000,
                        400, runs=runs)  # fmt: skip
    if "thumb" in chosen:
        log("photo thumbnail, 12 megapixels")
        task(env, "makejpeg")
        runs = [task(env, "thumb") for _ in range(args.repeats)]
        seconds = statistics.median(statistics.median(r["seconds"]) for r in runs)
        peak = statistics.median(r["peak_rss_mb"] for r in runs)
        results.add("thumb_seconds", "photo thumbnail of a 12-megapixel JPEG: time", seconds, "s", "≤ 1.5 s",
                    seconds <= 1.5, runs=runs)  # fmt: skip
        results.add("thumb_peak_mb", "photo thumbnail: peak memory of the process (ru_maxrss)", peak, "MB",
                    "≤ 300 MB", peak <= 300,
                    note=f"{statistics.median(r['rss_before_mb'] for r in runs):.0f} MB before")  # fmt: skip
    if "memory" in chosen:
        # What a day of traffic looks like: mostly public pages, some API reads.
        mixed = [pages[n] for n in PAGES] * 3 + ["/healthz"] * 2
        mixed += prepared["search"][:3] + [prepared["lists"]["products"]]
        growths, details = [], []
        for _ in range(args.repeats):
            with Server(env, port) as server:
                log(f"memory: {args.memory_requests:,} mixed requests on fresh workers")
                load.client("get", mixed, 2, args.memory_requests // 10)
                after_1k = sum(server.rss_mb())
                load.client("get", mixed, 2, args.memory_requests - args.memory_requests // 10)
                after_10k = sum(server.rss_mb())
            growths.append((after_10k - after_1k) / after_1k * 100)
            details.append({"after_1k_mb": after_1k, "after_10k_mb": after_10k})
        growth = statistics.median(growths)
        results.add("memory_growth", "web workers' RSS after 10,000 mixed requests vs after 1,000", growth, "%",
                    "≤ 10%", growth <= 10, runs=details,
                    note=f"{details[0]['after_1k_mb']:.0f} MB → {details[0]['after_10k_mb']:.0f} MB, 2 workers",
                    )  # fmt: skip

    meta["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    meta["seconds"] = round(time.monotonic() - started, 1)
    results.save()
    log(f"done in {meta['seconds']} s: {args.out / 'latest.md'}")
    print(markdown(results, meta))


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _check_errors(measure: dict, name: str) -> None:
    if measure["errors"]:
        raise SystemExit(f"{name}: {measure['errors']} requests failed (non-2xx or socket errors)")


if __name__ == "__main__":
    main()
