"""drf-spectacular hooks: what the schema documents and the error responses every operation shares."""

ERROR_COMPONENT = "Error"

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error (see erp/core/api/errors.py): a stable machine `code` and a human `detail`.",
    "properties": {
        "code": {"type": "string", "description": "Stable machine code, e.g. `invalid`, `not_found`, `stale_version`."},
        "detail": {"type": "string", "description": "Human-readable explanation."},
        "field": {"type": "string", "description": "The field a domain rule refused, when there is one."},
        "errors": {
            "type": "object",
            "additionalProperties": {},
            "description": "Validation errors by field (400), as DRF reports them.",
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
    "415": "Unsupported request content type.",
    "422": "The input is well formed but cannot be processed.",
    "428": "A versioned record was written without `If-Match`.",
    "503": "A dependency (file storage, queue) is unavailable; nothing was written.",
}

_WRITES = {"post", "put", "patch", "delete"}


def only_the_public_api(endpoints, **kwargs):
    """The schema documents /api/v1/ only; Wagtail's internal admin API is not a contract."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def _error_statuses(method: str, operation: dict) -> list[str]:
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
    if "requestBody" in operation:
        statuses.append("415")
        if "multipart/form-data" in operation["requestBody"].get("content", {}):
            statuses.append("503")
    if any(p.get("in") == "header" and p.get("name") == "If-Match" for p in parameters):
        statuses += ["412", "428"]
    return statuses


def document_errors(result, generator, request, public):
    """Add the shared ``Error`` body to every operation, for each error status it can return.

    The statuses follow what the stack does: 400 for bad input anywhere, 401/403 where credentials
    are needed, 404 where the path names a record, 409/422 for domain refusals on writes, 412/428 on
    versioned records (``If-Match``), 415 for a body of the wrong type, 503 for uploads.
    """
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in _error_statuses(method, operation):
                responses.setdefault(
                    status,
                    {"description": ERROR_DESCRIPTIONS[status], "content": {"application/json": {"schema": ref}}},
                )
            operation["responses"] = dict(sorted(responses.items()))
    return result
