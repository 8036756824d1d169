"""Every API error is JSON with a human ``detail`` and a stable machine ``code``."""

import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from erp.core.api.parsers import PayloadTooLarge
from erp.core.exceptions import AUTHENTICATE_CHALLENGE, DatabaseUnavailable, DomainError, StorageUnavailable

logger = logging.getLogger(__name__)


def _first_code(codes) -> str:
    if isinstance(codes, str):
        return codes
    if isinstance(codes, dict):
        for value in codes.values():
            return _first_code(value)
    if isinstance(codes, list) and codes:
        return _first_code(codes[0])
    return "invalid"


def _paths_with_code(codes, code: str, path: str = "") -> list[str]:
    """The paths (``lines[0].price``) of the errors with ``code`` in DRF's nested error codes."""
    if isinstance(codes, str):
        return [path or "non_field_errors"] if codes == code else []
    found = []
    if isinstance(codes, dict):
        for name, value in codes.items():  # a ListField's errors are keyed by the item's index
            key = f"[{name}]" if isinstance(name, int) else f".{name}" if path else str(name)
            found += _paths_with_code(value, code, path + key)
    elif isinstance(codes, list):
        for index, value in enumerate(codes):
            found += _paths_with_code(value, code, path if isinstance(value, str) else f"{path}[{index}]")
    return found


def exception_handler(exc, context):
    if isinstance(exc, (OperationalError, InterfaceError)):
        # A dropped connection (server restart, failover, killed backend): the transaction was
        # rolled back whole, so the client may retry. Logged because operators want to know.
        logger.error("database unavailable: %s", exc)
        exc = DatabaseUnavailable("The database is not answering; nothing was saved. Try again in a moment.")
    elif isinstance(exc, (BotoCoreError, ClientError)):
        logger.error("storage unavailable: %s", exc)
        exc = StorageUnavailable("The file store is not answering; nothing was saved. Try again in a moment.")
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["field"] = exc.field
            body["errors"] = {exc.field: [exc.message]}
        body.update(exc.extra)
        headers = {"Retry-After": "5"} if exc.status_code == 503 else None
        if exc.status_code == 401:
            headers = {"WWW-Authenticate": AUTHENTICATE_CHALLENGE}  # a 401 always says how to sign in
        return Response(body, status=exc.status_code, headers=headers)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(
            {"code": "invalid", "detail": " ".join(exc.messages), "errors": errors},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Response(
            {"code": "protected", "detail": "This record is still referenced by other records and cannot be deleted."},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, RequestDataTooBig):
        # Django's own bound on a body read whole (``request.body``), as the JSON parser's.
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        codes = exc.get_codes()
        unknown = _paths_with_code(codes, "unknown_field")
        if unknown:
            # A key the API does not read says more about the request than any other error in it.
            code, detail = "unknown_field", f"Unknown field(s), not written: {', '.join(unknown)}."
        else:
            code, detail = _first_code(codes), "The request contains invalid data."
        response.data = {"code": code, "detail": detail, "errors": response.data}
    elif isinstance(exc, exceptions.APIException):
        response.data = {"code": _first_code(exc.get_codes()), "detail": str(exc.detail)}
    return response
