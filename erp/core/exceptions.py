"""Domain errors. Each carries a stable machine ``code``; the API maps them to HTTP statuses."""


class DomainError(Exception):
    """A rule of the domain refused an operation."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, extra=None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.extra = extra or {}


class InvalidInput(DomainError):
    """The input is malformed (400)."""


class NotAllowed(DomainError):
    """The operation is understood but the rules refuse it in this state (409)."""

    status_code = 409
    default_code = "conflict"


class ConcurrencyConflict(NotAllowed):
    """Someone else changed the record since it was read (409)."""

    default_code = "stale_version"


class RecordBusy(NotAllowed):
    """Another transaction holds the record longer than ``DATABASE_LOCK_TIMEOUT`` (409); nothing was
    written, the client may try again."""

    default_code = "record_busy"


class Unprocessable(DomainError):
    """The input is well-formed but cannot be processed (422)."""

    status_code = 422
    default_code = "unprocessable"


class InvalidValue(InvalidInput):
    """A value object (an amount, an address, a quantity) was built from invalid data (400)."""

    default_code = "invalid_value"


class CurrencyMismatch(Unprocessable):
    """Two amounts in different currencies cannot be added (422)."""

    default_code = "currency_mismatch"


class PreconditionFailed(DomainError):
    """``If-Match`` names a version that is no longer current (412)."""

    status_code = 412
    default_code = "precondition_failed"


class PreconditionRequired(DomainError):
    """A versioned record was written without ``If-Match`` (428)."""

    status_code = 428
    default_code = "precondition_required"


class DependencyUnavailable(DomainError):
    """A storage bucket, queue or other dependency is down (503)."""

    status_code = 503
    default_code = "dependency_unavailable"


# The challenge a 401 sends (``WWW-Authenticate``): the scheme of ``Authorization: Token <token>``.
AUTHENTICATE_CHALLENGE = "Token"


class AuthenticationRequired(DomainError):
    """The caller must prove who they are (again), e.g. with a second-factor code (401)."""

    status_code = 401
    default_code = "not_authenticated"


class Forbidden(DomainError):
    """The caller is known but may not do this yet (403)."""

    status_code = 403
    default_code = "permission_denied"


class StorageUnavailable(DependencyUnavailable):
    """A file bucket did not answer in time or refused the write (503); nothing was recorded."""

    default_code = "storage_unavailable"


class DatabaseUnavailable(DependencyUnavailable):
    """The connection to PostgreSQL was lost (503); the transaction was rolled back whole."""

    default_code = "database_unavailable"
