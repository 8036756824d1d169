from django.core import signing
from django.http import FileResponse, HttpResponseForbidden, HttpResponseNotFound
from django.views.decorators.http import require_GET

from .storage import bucket, unsign_local


@require_GET
def signed_file(request, token: str):
    """Serve a private file from a local bucket folder, only with a valid, unexpired token."""
    try:
        bucket_name, key = unsign_local(token)
    except signing.SignatureExpired:
        return HttpResponseForbidden("This link has expired.")
    except (signing.BadSignature, KeyError, ValueError):
        return HttpResponseForbidden("This link is not valid.")
    storage = bucket(bucket_name)
    if not storage.exists(key):
        return HttpResponseNotFound("File not found.")
    response = FileResponse(storage.open(key, "rb"), as_attachment=False, filename=key.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
