"""The API's JSON parser: DRF's, bounded in size and in nesting depth.

Python's ``json`` recurses once per level of nesting: a body of ~1,000 nested arrays raises
``RecursionError`` (a 500) before any view code runs, and anything below that still reaches the
serializers and the database. No request of this API nests more than a few levels, so a body
deeper than ``MAX_DEPTH`` is refused with a 400, and one larger than Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (the limit Django puts on ``request.body`` and on form fields)
with a 413, before it is decoded.

Form and multipart bodies need no such bound: they are flat, and Django's own parser applies
``DATA_UPLOAD_MAX_MEMORY_SIZE`` and ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` to them.
"""

import io

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status

MAX_DEPTH = 32


class JSONTooDeep(exceptions.ParseError):
    default_detail = _("The JSON body nests too deeply (32 levels at most).")
    default_code = "json_too_deep"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


def _depth_exceeds(data, limit: int) -> bool:
    """Does ``data`` (parsed JSON) nest containers more than ``limit`` deep? Walked without recursion."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413
    ``payload_too_large``) or nested deeper than ``MAX_DEPTH`` (400 ``json_too_deep``)."""

    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise PayloadTooLarge()
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            # json's C scanner checks the interpreter's recursion limit and unwinds cleanly.
            raise JSONTooDeep() from None
        if _depth_exceeds(data, self.max_depth):
            raise JSONTooDeep()
        return data
