"""The production package: WSGI/ASGI entry points without gunicorn, the local marketing folder
served with DEBUG off, SMTP and HTTPS settings from the environment, docker/ and the README's
configuration table."""

import ast
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from erp.testing.production import (
    UNREACHABLE_DATABASE_URL,
    database_url,
    production_env,
    production_subprocess_env,
    run_python,
)

PROJECT_DIR = Path(settings.BASE_DIR)
DOCKER_DIR = PROJECT_DIR / "docker"


# --- WSGI and ASGI without gunicorn's config ----------------------------------------------------

SERVE_HEALTHZ = """
import asyncio, importlib.util, io, json, sys

kind, how, target = sys.argv[1:4]
if how == "file":  # uwsgi --wsgi-file site/wsgi.py, mod_wsgi: the file is loaded by its path
    spec = importlib.util.spec_from_file_location(f"served_{kind}", target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    application = module.application
else:  # daphne/uvicorn erp.bootstrap:asgi_application: a dotted path, the project on sys.path
    sys.path.insert(0, target)
    import erp.bootstrap
    application = getattr(erp.bootstrap, f"{kind}_application")


def call_wsgi():
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "QUERY_STRING": "", "SERVER_NAME": "clinic.example",
        "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "clinic.example",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    started = []
    body = b"".join(application(environ, lambda status, headers, exc_info=None: started.append(status)))
    return int(started[0].split()[0]), body


async def call_asgi():
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": "/healthz", "raw_path": b"/healthz", "query_string": b"", "root_path": "",
        "headers": [(b"host", b"clinic.example")], "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }
    requested = False
    sent = []

    async def receive():
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected

    async def send(message):
        sent.append(message)

    await application(scope, receive, send)
    start = next(message for message in sent if message["type"] == "http.response.start")
    return start["status"], b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


status, body = call_wsgi() if kind == "wsgi" else asyncio.run(call_asgi())
from django.conf import settings
print(json.dumps({"status": status, "body": body.decode(), "settings": settings.SETTINGS_MODULE}))
"""


def bare_server_env(tmp_path) -> dict:
    """What a server's unit file would set: no DJANGO_SETTINGS_MODULE, no PYTHONPATH."""
    from django.db import connection

    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "clinic.example",
        "WAGTAILADMIN_BASE_URL": "https://clinic.example",
        "DATABASE_URL": database_url(connection.settings_dict),
        "VAR_DIR": str(tmp_path / "var"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, how",
    [("wsgi", "file"), ("asgi", "file"), ("wsgi", "dotted"), ("asgi", "dotted")],
)
def test_the_application_serves_healthz_in_a_fresh_interpreter_without_gunicorn(tmp_path, kind, how):
    target = str(PROJECT_DIR / "site" / f"{kind}.py") if how == "file" else str(PROJECT_DIR)
    # -I: neither the working directory (elsewhere) nor PYTHONPATH puts the project on the path.
    data = run_python(SERVE_HEALTHZ, kind, how, target, env=bare_server_env(tmp_path), cwd=tmp_path, isolated=True)
    assert data["status"] == 200, data["body"][:2000]
    assert json.loads(data["body"]) == {"status": "ok"}
    assert data["settings"] == "site.settings.base"


# --- The local marketing folder with DEBUG off --------------------------------------------------

MEDIA_SCRIPT = """
import json
from erp.bootstrap import make_site_importable
make_site_importable()
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
answers = {}
for path in json.loads(__import__("sys").argv[1]):
    response = Client().get(path, secure=True, HTTP_HOST="clinic.example")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    answers[path] = {
        "status": response.status_code, "body": body.decode("latin-1"),
        "type": response.headers.get("Content-Type"), "cache": response.headers.get("Cache-Control"),
    }
print(json.dumps({"debug": settings.DEBUG, "answers": answers}))
"""

PNG = b"\x89PNG\r\n\x1a\n" + b"marketing image"


@pytest.mark.django_db
def test_production_without_s3_serves_the_marketing_folder_and_never_the_private_ones(tmp_path):
    media = tmp_path / "media"
    (media / "marketing" / "original_images").mkdir(parents=True)
    (media / "marketing" / "original_images" / "hero.png").write_bytes(PNG)
    (media / "clinical" / "photos").mkdir(parents=True)
    (media / "clinical" / "photos" / "face.png").write_bytes(b"clinical secret")
    (media / "documents" / "invoices").mkdir(parents=True)
    (media / "documents" / "invoices" / "FA-1.pdf").write_bytes(b"documents secret")
    private = {
        "/media/clinical/photos/face.png", "/media/documents/invoices/FA-1.pdf",
        "/media/marketing/../clinical/photos/face.png", "/media/marketing/%2e%2e/documents/invoices/FA-1.pdf",
    }
    folders = {"/media/marketing/", "/media/marketing/original_images/", "/media/marketing/original_images", "/media/"}
    paths = ["/media/marketing/original_images/hero.png", *sorted(private), *sorted(folders)]
    env = production_subprocess_env() | {"MEDIA_ROOT": str(media), "VAR_DIR": str(tmp_path / "var")}
    data = run_python(MEDIA_SCRIPT, json.dumps(paths), env=env)

    assert data["debug"] is False
    image = data["answers"]["/media/marketing/original_images/hero.png"]
    assert image["status"] == 200 and image["body"].encode("latin-1") == PNG
    assert image["type"] == "image/png"
    assert "public" in image["cache"] and "max-age=86400" in image["cache"]
    for path in private | folders:
        answer = data["answers"][path]
        assert answer["status"] in (400, 404), (path, answer["status"])
        assert "secret" not in answer["body"] and "hero.png" not in answer["body"], path  # no file, no listing


# --- Settings read from the environment ---------------------------------------------------------

SETTINGS_SCRIPT = """
import json
from erp.bootstrap import make_site_importable
make_site_importable()
from django.conf import settings
names = ["EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL",
         "EMAIL_TIMEOUT", "DEFAULT_FROM_EMAIL", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_REDIRECT_EXEMPT"]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def production_settings(**overrides) -> dict:
    env = {k: v for k, v in production_env().items() if not k.startswith(("EMAIL_", "SECURE_"))}
    return run_python(SETTINGS_SCRIPT, env=env | {"DATABASE_URL": UNREACHABLE_DATABASE_URL} | overrides)


def test_production_defaults_keep_https_strict():
    current = production_settings()
    assert current["SECURE_SSL_REDIRECT"] is True
    assert current["SECURE_HSTS_SECONDS"] == 31536000
    assert current["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and current["SECURE_HSTS_PRELOAD"] is True
    assert current["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$"]  # the container's probe only
    assert current["EMAIL_USE_TLS"] is False and current["EMAIL_USE_SSL"] is False


def test_https_and_smtp_settings_come_from_the_environment():
    current = production_settings(
        SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="3600", SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_HSTS_PRELOAD="0", EMAIL_HOST="smtp.clinic.example", EMAIL_PORT="587",
        EMAIL_HOST_USER="mailer", EMAIL_HOST_PASSWORD="s3cret", EMAIL_USE_TLS="1", EMAIL_TIMEOUT="7",
        DEFAULT_FROM_EMAIL="clinique@clinic.example",
    )
    assert current == current | {
        "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 3600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False, "EMAIL_HOST": "smtp.clinic.example", "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer", "EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 7, "DEFAULT_FROM_EMAIL": "clinique@clinic.example",
    }


def test_empty_smtp_variables_keep_their_defaults():
    """docker/compose.yaml passes optional variables through empty: an empty value is the default."""
    current = production_settings(EMAIL_HOST="", EMAIL_PORT="", EMAIL_USE_TLS="", DEFAULT_FROM_EMAIL="")
    assert (current["EMAIL_HOST"], current["EMAIL_PORT"], current["EMAIL_USE_TLS"]) == ("localhost", 25, False)
    assert current["DEFAULT_FROM_EMAIL"] == "clinic@localhost"


def test_tls_and_ssl_together_are_refused():
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_SCRIPT], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
        env=production_env() | {"DATABASE_URL": UNREACHABLE_DATABASE_URL, "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
    )
    assert result.returncode != 0 and "EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive" in result.stderr


# --- The README's configuration table -----------------------------------------------------------

# Where the running application reads its environment (tests and test tooling excluded).
RUNTIME_SOURCES = ["manage.py", "site", "erp", "cms"]
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def runtime_modules():
    for source in RUNTIME_SOURCES:
        path = PROJECT_DIR / source
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            parts = file.relative_to(PROJECT_DIR).parts
            if "tests" in parts or parts[:2] == ("erp", "testing") or "migrations" in parts:
                continue
            yield file


def _is_environ(node) -> bool:
    """``os.environ`` (or a bare ``environ`` imported from os)."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _reads_environment(func) -> bool:
    """A call whose first argument names a variable."""
    if isinstance(func, ast.Attribute):
        return (
            (_is_environ(func.value) and func.attr in {"get", "setdefault", "pop"})
            or func.attr == "getenv"
            or (isinstance(func.value, ast.Name) and func.value.id == "env")
        )
    return isinstance(func, ast.Name) and (func.id == "env" or func.id.startswith("env_"))


def environment_reads(file: Path) -> tuple[set[str], list[str]]:
    """The variable names a module reads: ``os.environ.get/[]/setdefault``, ``os.getenv`` and the
    settings' ``env*`` helpers (``env_bool``, ``env_list``, ``env(...)``, ``env.int(...)``).
    A name given by a module-level constant is resolved; a helper's own parameter is not a read."""
    tree = ast.parse(file.read_text(), filename=str(file))
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    parameters = {
        arg.arg
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    }
    names, unresolved = set(), []

    def record(argument, where):
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            names.add(argument.value)
        elif isinstance(argument, ast.Name) and argument.id in constants:
            names.add(constants[argument.id])
        elif not (isinstance(argument, ast.Name) and argument.id in parameters):
            unresolved.append(f"{file}:{where.lineno}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.ctx, ast.Load):
            record(node.slice, node)
        elif isinstance(node, ast.Call) and node.args and _reads_environment(node.func):
            record(node.args[0], node)
    return names, unresolved


def variables_read() -> dict[str, list[str]]:
    """Every environment variable the application reads, with the modules reading it."""
    readers: dict[str, list[str]] = {}
    unresolved = []
    for file in runtime_modules():
        names, unknown = environment_reads(file)
        unresolved += unknown
        for name in names:
            readers.setdefault(name, []).append(str(file.relative_to(PROJECT_DIR)))
    assert not unresolved, f"environment reads whose variable name is not a literal or a constant: {unresolved}"
    return readers


def variables_documented() -> set[str]:
    """The names in the first column of the tables under the README's "## Configuration"."""
    readme = (PROJECT_DIR / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            first_column = line.split("|")[1]
            names |= {name for name in re.findall(r"`([^`]+)`", first_column) if ENV_NAME.match(name)}
    return names


def test_the_collector_finds_the_reads_it_is_meant_to(tmp_path):
    module = tmp_path / "reads.py"
    module.write_text(
        "import os\nKEY = 'CONSTANT_NAME'\n"
        "def env_bool(name, default):\n    return os.environ.get(name)\n"
        "A = os.environ.get('GET_NAME', 'x')\nB = os.environ['ITEM_NAME']\nC = os.getenv('GETENV_NAME')\n"
        "D = env_bool('BOOL_NAME', True)\nE = os.environ.get(KEY)\nos.environ.setdefault('DEFAULT_NAME', '1')\n"
    )
    names, unresolved = environment_reads(module)
    assert names == {"GET_NAME", "ITEM_NAME", "GETENV_NAME", "BOOL_NAME", "CONSTANT_NAME", "DEFAULT_NAME"}
    assert unresolved == []


def test_every_environment_variable_is_in_the_readme_table_and_every_row_is_read():
    """Both ways: a variable the code reads is documented; a documented one is read by something.
    When two branches each add variables, this names what the merge still has to reconcile."""
    read = variables_read()
    documented = variables_documented()
    undocumented = {name: read[name] for name in sorted(set(read) - documented)}
    unread = sorted(documented - set(read))
    assert not undocumented and not unread, (
        f"read but missing from the README's configuration table: {undocumented}; "
        f"in the table but read by nothing: {unread}"
    )


def test_the_https_settings_are_documented():
    documented = variables_documented()
    https = {"SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"}
    assert https <= documented
    assert {"EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL"} <= documented


# --- docker/ --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DOCKER_DIR / "compose.yaml").read_text())


def one_shot_services(compose: dict) -> set[str]:
    """Services others wait for to complete (``service_completed_successfully``)."""
    return {
        name
        for service in compose["services"].values()
        for name, condition in (service.get("depends_on") or {}).items()
        if isinstance(condition, dict) and condition.get("condition") == "service_completed_successfully"
    }


def test_every_service_restarts_and_has_a_healthcheck(compose):
    one_shots = one_shot_services(compose)
    assert {"migrate", "buckets"} <= one_shots
    for name, service in compose["services"].items():
        assert service.get("restart"), f"{name}: no restart policy"
        check = service.get("healthcheck")
        assert check, f"{name}: no healthcheck"
        if name in one_shots:
            # A job that runs to completion has nothing to probe; it must not restart forever.
            assert check == {"disable": True} and service["restart"].startswith("on-failure"), name
        else:
            assert check.get("test") and check["test"][0] in {"CMD", "CMD-SHELL"}, name
            assert service["restart"] in {"always", "unless-stopped"}, name
    checks = {name: " ".join(service["healthcheck"].get("test", [])) for name, service in compose["services"].items()}
    assert "/healthz" in checks["web"]
    assert "pg_isready" in checks["postgres"] and "redis-cli ping" in checks["redis"]
    assert "mc ready local" in checks["minio"] and "2019" in checks["caddy"] and checks["worker"]


def test_images_are_pinned_to_exact_versions(compose):
    for name, service in compose["services"].items():
        if "build" in service:
            continue  # the app's own image, built from docker/Dockerfile
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and tag and tag != "latest", f"{name}: {image} is not pinned"
        # PostgreSQL numbers its releases major.minor (16.6); the others major.minor.patch or a date.
        exact = r"^\d+\.\d+(-|$)" if repository == "postgres" else r"^\d+\.\d+\.\d+|^RELEASE\.\d{4}-\d{2}-\d{2}T"
        assert re.search(exact, tag), f"{name}: {image} has no exact version"
    base = re.search(r"^FROM (\S+)", (DOCKER_DIR / "Dockerfile").read_text(), re.MULTILINE).group(1)
    assert re.search(r":\d+\.\d+\.\d+", base), f"Dockerfile base image {base} is not pinned"


def test_migrations_run_once_before_web_and_worker(compose):
    services = compose["services"]
    assert "migrate" in " ".join(services["migrate"]["command"])
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in " ".join(services[name]["command"]), f"{name} migrates at start"


def test_only_the_proxy_publishes_ports(compose):
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"caddy"}
    assert "8000" in [str(port) for port in compose["services"]["web"]["expose"]]
    caddyfile = (DOCKER_DIR / "Caddyfile").read_text()
    assert re.search(r"reverse_proxy \{\s+dynamic a web 8000", caddyfile)  # every replica
    assert "{$SITE_DOMAIN}" in caddyfile  # automatic TLS for the site's name


@pytest.mark.skipif(not shutil.which("caddy"), reason="caddy is not installed")
def test_the_caddyfile_is_valid():
    result = subprocess.run(
        ["caddy", "adapt", "--config", str(DOCKER_DIR / "Caddyfile"), "--adapter", "caddyfile", "--validate"],
        env={"PATH": os.environ["PATH"], "SITE_DOMAIN": "clinic.example", "ACME_EMAIL": "ops@clinic.example"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_credentials_come_from_the_env_file(compose):
    text = (DOCKER_DIR / "compose.yaml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", text))
    example = (DOCKER_DIR / ".env.example").read_text()
    in_example = set(re.findall(r"^([A-Z0-9_]+)=", example, re.MULTILINE))
    assert required <= in_example, f"required but not in docker/.env.example: {required - in_example}"
    assert in_example <= interpolated, f"in docker/.env.example but unused: {in_example - interpolated}"
    assert {"SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD", "MINIO_ROOT_PASSWORD"} <= required
    # No secret written in the file itself.
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|_KEY$|AUTH", key) and value:
                assert "${" in str(value), f"{name}: {key} is written in compose.yaml"
    ignored = (PROJECT_DIR / ".gitignore").read_text().splitlines()
    assert "/docker/.env" in ignored


def test_the_app_gets_smtp_settings_and_only_variables_it_reads(compose):
    app = compose["services"]["web"]["environment"]
    assert {"EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL",
            "DEFAULT_FROM_EMAIL"} <= set(app)
    assert compose["services"]["worker"]["environment"] == app == compose["services"]["migrate"]["environment"]
    unknown = set(app) - set(variables_read())
    assert not unknown, f"compose passes variables nothing reads: {unknown}"


def test_the_build_context_leaves_out_local_state():
    ignored = {line.strip().rstrip("/") for line in (PROJECT_DIR / ".dockerignore").read_text().splitlines()}
    assert {".git", ".venv", "var", "node_modules", "test-artifacts", "docker/.env"} <= ignored
