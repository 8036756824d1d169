"""pytest plugin of the project (loaded with ``-p erp.testing.plugin`` before Django starts).

It makes the ``site`` package importable and provides the real-S3 fixtures: a moto server on
loopback and the three buckets wired into Django's storages through django-storages.
"""

import os
import socket

import pytest

from erp.bootstrap import make_site_importable

make_site_importable()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 API (moto in server mode) on 127.0.0.1, for the whole session."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
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
