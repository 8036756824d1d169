"""drf-spectacular hooks: what the schema documents and the error responses every operation shares."""

from django.utils.formats import get_format
from drf_spectacular.openapi import AutoSchema as DrfSpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from erp.core.api.fields import StrictCharField

ERROR_COMPONENT = "Error"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error (see erp/core/api/errors.py): a stable machine `code` and a human `detail`.",
    "properties": {
        "code": {"type": "string", "description": "Stable machine code, e.g. `invalid`, `not_found`, `stale_version`."},
        "detail": {"type": "string", "description": "Human-readable explanation."},
        "field": {"type": "string", "description": "The field a domain rule refused, when there is one."},
        "errors": {
            "anyOf": [{"type": "object", "additionalProperties": {}}, {"type": "array", "items": {}}],
            "description": "Validation errors (400) as DRF reports them: by field, or a list when not about one field.",
        },
    },
    "required": ["code", "detail"],
    "additionalProperties": {},
}

ERROR_DESCRIPTIONS = {
    "400": "The request is malformed: invalid body, query parameter, filter or ordering.",
    "401": "No valid credentials.",
    "403": "The caller's role may not do this.",
    "404": "No such record (in the path or the query), not one the caller may see, or no such page.",
    "409": "The domain rules refuse this in the record's current state.",
    "412": "`If-Match` names a version that is no longer current.",
    "413": "The request body is larger than the server accepts.",
    "415": "Unsupported request content type.",
    "422": "The input is well formed but cannot be processed.",
    "428": "A versioned record was written without `If-Match`.",
    "503": "A dependency (file storage, queue) is unavailable; nothing was written.",
}

_WRITES = {"post", "put", "patch", "delete"}


def only_the_public_api(endpoints, **kwargs):
    """The schema documents /api/v1/ only; Wagtail's internal admin API is not a contract."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def _error_statuses(path: str, method: str, operation: dict) -> list[str]:
    parameters = operation.get("parameters", [])
    statuses = ["400"]
    security = operation.get("security")
    if security and {} not in security:
        statuses += ["401", "403"]
    # Any operation may 404: a record named in the path or the query, a page out of range, an
    # unknown sub-resource.
    statuses.append("404")
    if method in _WRITES:
        statuses += ["409", "422"]
    elif "}/" in path and not path.endswith("}/"):
        # A read action on a record (``/posts/{id}/pack/``) depends on the record's state.
        statuses.append("409")
    if "requestBody" in operation:
        statuses += ["413", "415"]
        if "multipart/form-data" in operation["requestBody"].get("content", {}):
            statuses.append("503")
    if any(p.get("in") == "header" and p.get("name") == "If-Match" for p in parameters):
        statuses += ["412", "428"]
    return statuses


def document_errors(result, generator, request, public):
    """Add the shared ``Error`` body to every operation, for each error status it can return.

    The statuses follow what the stack does: 400 for bad input anywhere, 401/403 where credentials
    are needed, 404 where the path names a record, 409/422 for domain refusals on writes, 412/428 on
    versioned records (``If-Match``), 413 and 415 for a body too large or of the wrong type, 503 for
    uploads.
    """
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in _error_statuses(path, method, operation):
                responses.setdefault(status, {"description": ERROR_DESCRIPTIONS[status]})
            for status, response in responses.items():
                # An error a view declares itself (its own description) has the same body.
                if status in ERROR_DESCRIPTIONS and "content" not in response:
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
            operation["responses"] = dict(sorted(responses.items()))
    return result


def _refs(schema) -> list[str]:
    """The component names ``schema`` refers to, at any depth."""
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        found = [ref.rsplit("/", 1)[-1]] if ref.startswith("#/components/schemas/") else []
        for value in schema.values():
            found += _refs(value)
        return found
    if isinstance(schema, list):
        return [name for value in schema for name in _refs(value)]
    return []


def refuse_unknown_fields(result, generator, request, public):
    """Request bodies list every field they accept: ``additionalProperties: false``.

    Every API serializer refuses a key it does not read (``KnownFieldsMixin``: 400
    ``unknown_field``). With ``COMPONENT_SPLIT_REQUEST`` the request components are separate from
    the response ones, so this marks the bodies the API reads and nothing it writes.
    """
    components = result.get("components", {}).get("schemas", {})
    pending = [
        name
        for path_item in result.get("paths", {}).values()
        for operation in path_item.values()
        if isinstance(operation, dict)
        for name in _refs(operation.get("requestBody", {}))
    ]
    seen = set()
    while pending:
        name = pending.pop()
        if name in seen or name not in components:
            continue
        seen.add(name)
        component = components[name]
        if component.get("type") == "object" and "properties" in component:
            component.setdefault("additionalProperties", False)
        pending += _refs(component)
    return result


class AutoSchema(DrfSpectacularAutoSchema):
    """drf-spectacular's AutoSchema with decimal strings, non-blank text and non-empty lists as DRF parses them.

    drf-spectacular's decimal pattern accepts "", "-" and "." (every part optional) and a minus sign
    on fields whose ``min_value`` is 0: clients following the schema would send values the API
    refuses. Here a decimal has at least one digit, and no sign when negatives are refused.
    """

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if not isinstance(schema, dict):
            return schema
        if isinstance(field, serializers.DecimalField) and "pattern" in schema:
            schema["pattern"] = decimal_pattern(field)
        if (
            type(field) in (serializers.CharField, StrictCharField)
            and not field.read_only
            and field.trim_whitespace
            and not field.allow_blank
            and "pattern" not in schema
        ):
            # DRF strips the value first: only spaces is blank, which the field refuses.
            schema["pattern"] = r"\S"
        if isinstance(field, (serializers.ListSerializer, serializers.ListField)) and schema.get("type") == "array":
            # drf-spectacular leaves out that a list must not be empty (``allow_empty=False``).
            minimum = getattr(field, "min_length", None) or (0 if getattr(field, "allow_empty", True) else 1)
            if minimum:
                schema.pop("minLength", None)
                schema["minItems"] = max(minimum, schema.get("minItems", 0))
        return schema


def decimal_pattern(field) -> str:
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    sep = "\\" + (get_format("DECIMAL_SEPARATOR") if field.localize else ".")
    places = field.decimal_places
    whole = field.max_whole_digits
    if whole == 0:
        return rf"^{sign}(?:0?{sep}\d{{1,{places}}}|0)$"
    if not places:
        return rf"^{sign}\d{{1,{whole}}}$"
    return rf"^{sign}(?:\d{{1,{whole}}}(?:{sep}\d{{0,{places}}})?|{sep}\d{{1,{places}}})$"


def error_responses(descriptions: dict[int, str]) -> dict[int, OpenApiResponse]:
    """An operation's own error responses (``extend_schema(responses=...)``), each with the shared
    ``Error`` body and a description saying which codes it carries."""
    return {status: OpenApiResponse(ERROR_REF, description=text) for status, text in descriptions.items()}
