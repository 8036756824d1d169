"""pytest plugin of the project (loaded with ``-p erp.testing.plugin`` before Django starts).

It makes the ``site`` package importable and provides the real-S3 fixtures: a moto server on
loopback and the three buckets wired into Django's storages through django-storages.
"""

import contextlib
import os
import socket

import pytest

from erp.bootstrap import make_site_importable

make_site_importable()

from erp.testing.browser import browser  # noqa: E402,F401 (a fixture of every browser test)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.test")


def pytest_collection_modifyitems(items):
    """Transactional tests restore the migration data (roles, Wagtail root, locales) they flush.

    A ``django_db(transaction=True)`` test empties every table when it ends; without this the
    tests after it would find no role groups and no Wagtail root page.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and {"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ())):
            # Live-server tests are transactional through their fixture, without a marker.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)
        elif marker and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            restoring = pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True)
            item.add_marker(restoring, append=False)


def _flush_past_append_only_triggers():
    """Let the test flush (TRUNCATE) empty the append-only tables.

    Their PostgreSQL triggers refuse TRUNCATE; the flush runs with ``session_replication_role =
    replica`` (superuser only, as the test database owner is), under which ordinary triggers do
    not fire. Production code has no such path.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "past_append_only_triggers", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not statements:
            return statements
        # execute_sql_flush runs these in one transaction: SET LOCAL ends with it.
        return ["SET LOCAL session_replication_role = replica", *statements]

    sql_flush.past_append_only_triggers = True
    DatabaseOperations.sql_flush = sql_flush


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    _flush_past_append_only_triggers()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as its database starts empty: a kept value (site
    settings, a rate-limit counter, a sign-in delay) would otherwise outlive the rows it was read
    from and reach whichever test the same worker runs next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_language_left_active():
    """Each test starts in the default language, as a new process does.

    A request through ``LocaleMiddleware`` leaves its language active in the thread after the
    response; the next test would otherwise run in whatever language the previous one ended in,
    and which test comes before another depends on how the suite is split across workers.
    """
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def second_factor_for_force_login(request, monkeypatch):
    """``Client.force_login`` also verifies the second factor of a user whose role requires one.

    The admin role must pass TOTP before any admin page; tests that sign in with ``force_login``
    are about something else, so their session is verified as if the code had been entered (a
    confirmed device is made when the user has none). Tests of the second factor itself opt out
    with ``@pytest.mark.real_second_factor``.
    """
    if request.node.get_closest_marker("real_second_factor"):
        return
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY

        from erp.core import otp

        device = otp.confirmed_device(user)
        if device is None and otp.otp_required(user):
            device = otp.TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PresignExpiryMiddleware:
    """Refuse expired SigV4 presigned requests, as S3 and MinIO do and moto does not.

    moto accepts a presigned URL forever; this WSGI wrapper adds the one check of the real
    services that the suite relies on (``X-Amz-Date`` + ``X-Amz-Expires`` in the past: 403).
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        from datetime import UTC, datetime, timedelta
        from urllib.parse import parse_qs

        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "X-Amz-Expires" in query and "X-Amz-Date" in query:
            signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            if datetime.now(UTC) > signed_at + timedelta(seconds=int(query["X-Amz-Expires"][0])):
                start_response("403 Forbidden", [("Content-Type", "application/xml")])
                return [b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"]
        return self.app(environ, start_response)


class S3TestServer:
    """moto's S3 API in server mode on loopback, with presigned-URL expiry enforced."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> "S3TestServer":
        import threading

        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        app = PresignExpiryMiddleware(DomainDispatcherApplication(create_backend_app))
        self._server = make_server("127.0.0.1", self.port, app, True, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 API (moto in server mode) on 127.0.0.1, for the whole session."""
    server = S3TestServer(free_port()).start()
    yield server.url
    server.stop()


@pytest.fixture
def s3_buckets(s3_server, settings, monkeypatch):
    """Point the clinical, documents and marketing storages at fresh buckets of the moto server."""
    import uuid

    import boto3

    monkeypatch.setenv("S3_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", "testing")
    from site.settings.base import bucket_storages

    suffix = uuid.uuid4().hex[:8]
    names = {alias: f"{alias}-{suffix}" for alias in ("clinical", "documents", "marketing")}
    client = boto3.client(
        "s3", endpoint_url=s3_server, aws_access_key_id="testing", aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    for name in names.values():
        client.create_bucket(Bucket=name)
    settings.BUCKET_NAMES = names
    monkeypatch.setattr("site.settings.base.BUCKET_NAMES", names)
    storages = bucket_storages(s3_server, settings.MEDIA_ROOT)
    settings.STORAGES = {**settings.STORAGES, **storages, "default": storages["marketing"]}
    yield type("S3", (), {"client": client, "names": names, "endpoint": s3_server})


class SlowProxy:
    """A TCP proxy on loopback that passes requests on at once and holds each answer for ``delay``
    seconds: an S3 server that is up but too slow for the client's read timeout."""

    def __init__(self, upstream_port: int, delay: float):
        self.upstream_port = upstream_port
        self.delay = delay
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> "SlowProxy":
        import threading

        self._sock = socket.create_server(("127.0.0.1", self.port))
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self) -> None:
        import threading

        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _pump(self, source, target, delay: float) -> None:
        import time

        try:
            first = source.recv(65536)
            if delay:
                time.sleep(delay)
            while first:
                target.sendall(first)
                first = source.recv(65536)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _serve(self, client) -> None:
        import threading

        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        threading.Thread(target=self._pump, args=(client, upstream, 0), daemon=True).start()
        self._pump(upstream, client, self.delay)

    def stop(self) -> None:
        self._stop.set()
        self._sock.close()


def _storages_at(settings, endpoint: str, **timeouts) -> None:
    from site.settings.base import bucket_storages

    storages = bucket_storages(endpoint, settings.MEDIA_ROOT, **timeouts)
    settings.STORAGES = {**settings.STORAGES, **storages, "default": storages["marketing"]}


@pytest.fixture
def s3_down(s3_buckets, settings):
    """The app's buckets point at a closed port (the S3 server is down); ``s3_buckets`` still reaches
    the real buckets, so a test can check that nothing landed in them."""
    _storages_at(settings, f"http://127.0.0.1:{free_port()}", connect_timeout=0.5, max_attempts=1)
    yield s3_buckets


@pytest.fixture
def s3_slow(s3_buckets, settings):
    """The app's buckets answer through a proxy that holds every answer 2 s, past a 0.3 s read timeout."""
    from urllib.parse import urlparse

    proxy = SlowProxy(urlparse(s3_buckets.endpoint).port, delay=2.0).start()
    _storages_at(settings, proxy.url, connect_timeout=0.5, read_timeout=0.3, max_attempts=1)
    yield s3_buckets
    proxy.stop()
