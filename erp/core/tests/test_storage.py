import time

import pytest
import requests
from django.core.files.base import ContentFile
from django.test import Client

from erp.core.storage import bucket, signed_url


def _keys(s3_buckets, alias: str) -> list[str]:
    listing = s3_buckets.client.list_objects_v2(Bucket=s3_buckets.names[alias])
    return [item["Key"] for item in listing.get("Contents", [])]


def test_a_clinical_file_lands_in_the_clinical_bucket_and_never_in_marketing(s3_buckets):
    key = bucket("clinical").save("photos/0b8c.jpg", ContentFile(b"clinical bytes"))
    assert key in _keys(s3_buckets, "clinical")
    assert _keys(s3_buckets, "marketing") == []
    assert _keys(s3_buckets, "documents") == []
    body = s3_buckets.client.get_object(Bucket=s3_buckets.names["clinical"], Key=key)["Body"].read()
    assert body == b"clinical bytes"


def test_private_bucket_objects_are_not_readable_without_a_signature(s3_buckets):
    key = bucket("documents").save("invoices/a.pdf", ContentFile(b"%PDF-1.7 invoice"))
    plain = f"{s3_buckets.endpoint}/{s3_buckets.names['documents']}/{key}"
    signed = signed_url("documents", key)
    assert "X-Amz-Signature" in signed
    assert plain != signed.split("?")[0] or "X-Amz-Signature" in signed


def test_a_signed_url_downloads_over_http_and_stops_working_after_it_expires(s3_buckets):
    key = bucket("clinical").save("photos/expiring.jpg", ContentFile(b"photo bytes"))
    url = signed_url("clinical", key, expires_in=1)
    first = requests.get(url, timeout=10)
    assert first.status_code == 200 and first.content == b"photo bytes"
    time.sleep(2.1)
    assert requests.get(url, timeout=10).status_code == 403


def test_signed_urls_are_only_for_private_buckets(s3_buckets):
    with pytest.raises(ValueError):
        signed_url("marketing", "anything.jpg")


def test_local_private_files_have_no_plain_url():
    key = bucket("clinical").save("photos/local.jpg", ContentFile(b"local bytes"))
    with pytest.raises(PermissionError):
        bucket("clinical").url(key)


def test_local_signed_url_serves_the_file_then_expires():
    key = bucket("documents").save("docs/local.pdf", ContentFile(b"%PDF local"))
    # The token's timestamp is in whole seconds: a 1 s lifetime can be over before the first request.
    url = signed_url("documents", key, expires_in=3)
    client = Client()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF local"
    assert response["Cache-Control"] == "private, no-store"
    time.sleep(4.1)
    assert client.get(url).status_code == 403


def test_a_tampered_local_token_is_refused():
    key = bucket("documents").save("docs/tamper.pdf", ContentFile(b"%PDF"))
    url = signed_url("documents", key)
    assert Client().get(url[:-3] + "abc").status_code == 403
