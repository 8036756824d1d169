"""The three buckets (clinical, documents: private; marketing: public) and signed URLs.

Private files are never served by a plain URL: ``url()`` refuses, and ``signed_url()`` issues a
short-lived link only after the caller has checked permission (and audited the access).
"""

import contextlib
import logging
import mimetypes
from datetime import timedelta

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from storages.backends.s3 import S3Storage

from erp.core.exceptions import StorageUnavailable
from erp.core.s3config import s3_client_config

logger = logging.getLogger(__name__)

# What a bucket raises when it is down, slow or refuses: connection refused, connect/read timeout
# (BotoCoreError), an S3 error answer (ClientError), a full or unwritable local folder (OSError).
STORAGE_ERRORS = (BotoCoreError, ClientError, OSError)

BUCKETS = ("clinical", "documents", "marketing")
PRIVATE_BUCKETS = ("clinical", "documents")
_SIGNING_SALT = "erp.core.storage.signed-url"


class PrivateFileSystemStorage(FileSystemStorage):
    """A local folder standing in for a private bucket: no public URL."""

    def url(self, name):
        raise PermissionError("Private files are only reached through erp.core.storage.signed_url().")


class PrivateS3Storage(S3Storage):
    """A private S3/MinIO bucket: URLs are always presigned."""

    querystring_auth = True
    default_acl = None


class PublicS3Storage(S3Storage):
    """The public marketing bucket. Its timeouts come as plain numbers, not a botocore
    ``Config``: Wagtail deletes a removed image's or rendition's file in a task that it hands
    ``storage.deconstruct()``, serialised as JSON, which a ``Config`` object is not."""

    def __init__(self, *, connect_timeout: float, read_timeout: float, max_attempts: int, **settings):
        super().__init__(**settings)
        self.client_config = s3_client_config(
            connect_timeout=connect_timeout, read_timeout=read_timeout, max_attempts=max_attempts
        )


def bucket(name: str) -> Storage:
    if name not in BUCKETS:
        raise ValueError(f"Unknown bucket {name!r}; expected one of {', '.join(BUCKETS)}.")
    return storages[name]


def signed_url(bucket_name: str, key: str, *, expires_in: int | None = None, filename: str | None = None) -> str:
    """A URL that downloads ``key`` from a private bucket for ``expires_in`` seconds, saved as
    ``filename`` when given (a readable name such as ``FA-000004.pdf``), else as the key's name."""
    if bucket_name not in PRIVATE_BUCKETS:
        raise ValueError("Signed URLs are for the private buckets; marketing files are public.")
    ttl = expires_in or settings.SIGNED_URL_TTL
    storage = bucket(bucket_name)
    if isinstance(storage, S3Storage):
        # A stored original is always a download of the type read from its bytes (the key's
        # extension), never rendered inline: a polyglot cannot become a page of this site.
        return storage.url(key, expire=ttl, parameters=download_parameters(key, filename))
    data = {"b": bucket_name, "k": key, "t": ttl}
    if filename:
        data["f"] = filename
    token = signing.dumps(data, salt=_SIGNING_SALT, compress=True)
    return reverse("signed-file", args=[token])


def download_parameters(key: str, filename: str | None = None) -> dict[str, str]:
    """S3 response overrides for a private file: its sniffed type, as an attachment (named
    ``filename`` when given)."""
    content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    disposition = content_disposition_header(True, filename) if filename else "attachment"
    return {"ResponseContentType": content_type, "ResponseContentDisposition": disposition}


def unsign_local(token: str) -> tuple[str, str]:
    """Check a local signed-URL token and return (bucket, key); raises ``signing.BadSignature``."""
    bucket_name, key, _filename = unsign_local_file(token)
    return bucket_name, key


def unsign_local_file(token: str) -> tuple[str, str, str]:
    """``unsign_local`` with the name the file downloads as (the key's name unless the signer
    chose one)."""
    unverified = signing.loads(token, salt=_SIGNING_SALT)  # reads the ttl the signer chose
    data = signing.loads(token, salt=_SIGNING_SALT, max_age=timedelta(seconds=int(unverified["t"])))
    if data["b"] not in PRIVATE_BUCKETS:
        raise signing.BadSignature("not a private bucket")
    return data["b"], data["k"], data.get("f") or data["k"].rsplit("/", 1)[-1]


def storage_save(bucket_name: str, key: str, data: bytes) -> str:
    """Write ``data`` under ``key`` and return the stored key; a bucket that is down or too slow
    raises ``StorageUnavailable`` (503) so that the caller records nothing."""
    try:
        return bucket(bucket_name).save(key, ContentFile(data, name=key))
    except STORAGE_ERRORS as exc:
        logger.warning("bucket %s refused %s: %s", bucket_name, key, exc)
        raise StorageUnavailable(
            _("The file store is not answering; nothing was saved. Try again in a moment."), field="file"
        ) from exc


def storage_discard(bucket_name: str, key: str) -> None:
    """Remove an object whose row was never committed. Best effort: ``reconcile_storage`` lists
    what a bucket that is down at this moment keeps."""
    with contextlib.suppress(Exception):
        bucket(bucket_name).delete(key)
