from django.core import signing
from django.http import FileResponse, HttpResponseForbidden, HttpResponseNotFound
from django.shortcuts import render
from django.views.decorators.http import require_GET

from erp.core.exceptions import InvalidInput
from erp.core.services import user_email_confirm
from erp.core.storage import bucket, unsign_local_file


@require_GET
def confirm_email(request, token: str):
    """The page behind the link of the confirmation e-mail."""
    try:
        user = user_email_confirm(token=token)
    except InvalidInput as error:
        return render(request, "core/email_confirmed.html", {"error": error.message}, status=400)
    return render(request, "core/email_confirmed.html", {"user_confirmed": user})


@require_GET
def signed_file(request, token: str):
    """Serve a private file from a local bucket folder, only with a valid, unexpired token."""
    try:
        bucket_name, key, filename = unsign_local_file(token)
    except signing.SignatureExpired:
        return HttpResponseForbidden("This link has expired.")
    except (signing.BadSignature, KeyError, ValueError):
        return HttpResponseForbidden("This link is not valid.")
    storage = bucket(bucket_name)
    if not storage.exists(key):
        return HttpResponseNotFound("File not found.")
    # The key's extension is the type read from the bytes at upload; served as a download only.
    response = FileResponse(storage.open(key, "rb"), as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def page_not_found(request, exception):
    """404 handler: the API answers in JSON with the API's error body; other paths get the site's page."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"code": "not_found", "detail": "No such resource."}, status=404)
    from django.views.defaults import page_not_found as default_page_not_found

    return default_page_not_found(request, exception)
