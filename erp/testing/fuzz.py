"""Helpers of the schemathesis run (erp/core/tests/test_api_fuzz.py and ``make fuzz``).

Random integers almost never name a record, so half of the generated path ids are replaced by ids
of records that exist (the demo data), found through the view behind each templated path.
"""

from contextlib import contextmanager
from functools import cache

from django.urls import Resolver404, resolve
from hypothesis import strategies as st

ROLE_USERS = {
    "admin": "admin@clinic.test",
    "practitioner": "doctor@clinic.test",
    "reception": "reception@clinic.test",
    "marketing": "marketing@clinic.test",
    "accounting": "accounting@clinic.test",
    "distribution_manager": "distribution@clinic.test",
    "distributor": "distributor@clinic.test",
}


@contextmanager
def in_test_transaction():
    """Requests sent to the WSGI app stay in the test's transaction, as with Django's test client.

    The handler closes the database connection when a request ends (``close_old_connections``);
    that would end the test's transaction, so the signal is disconnected meanwhile.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def role_token(role: str) -> str:
    """A new API token (its raw key) of the demo user of ``role`` (seed_demo must have run)."""
    from erp.core.models import User
    from erp.core.services import api_token_create

    user = User.objects.get(email=ROLE_USERS[role])
    return api_token_create(user=user)[1]


def _model_of(path: str):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    view = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    queryset = getattr(view, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(view, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)


class FuzzIds:
    """Existing primary keys for the ``{id}`` of each templated path of the schema."""

    def __init__(self, limit: int = 5):
        self.limit = limit

    @cache  # noqa: B019 - one instance per run, a handful of paths
    def ids_for(self, template: str) -> list:
        model = _model_of(template.replace("{id}", "1"))
        if model is None:
            return []
        return list(model._base_manager.order_by("pk").values_list("pk", flat=True)[: self.limit])

    def hook(self):
        """A schemathesis ``flatmap_case`` hook (a plain function, as schemathesis wants)."""

        def flatmap_case(context, case):
            return self.cases(case)

        return flatmap_case

    def cases(self, case):
        """Keep the generated id or swap it for a real one (hypothesis chooses, so it shrinks).

        A path generated to violate the schema (negative mode) keeps its invalid id.
        """
        params = case.path_parameters or {}
        if "id" not in params or _path_is_negative(case):
            return st.just(case)
        ids = self.ids_for(case.operation.path)
        if not ids:
            return st.just(case)
        return st.one_of(st.just(case), st.sampled_from(ids).map(lambda pk: _with_id(case, pk)))


def _path_is_negative(case) -> bool:
    from schemathesis.core.parameters import ParameterLocation

    meta = case.meta
    component = meta.components.get(ParameterLocation.PATH) if meta is not None else None
    return component is not None and not component.mode.is_positive


def _with_id(case, pk):
    case.path_parameters = {**case.path_parameters, "id": str(pk)}
    return case


@contextmanager
def seeded_once(django_db_blocker):
    """Load the demo data once in an outer transaction that is rolled back at the end.

    Each test's own transaction (pytest-django's ``db``) nests inside it as a savepoint, so the
    tests see the demo data, undo their own writes, and nothing stays for the rest of the suite.
    """
    import io

    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            for role in ROLE_USERS:
                role_token(role)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class RoleToken:
    """schemathesis auth provider: the token of the role the current test signs in as.

    Declared as auth (not as extra headers) so that the ``ignored_auth`` check knows which
    credentials are real and retries without them.
    """

    current: str | None = None

    @classmethod
    @contextmanager
    def use(cls, token: str):
        cls.current = token
        try:
            yield
        finally:
            cls.current = None

    def get(self, case, context):
        return self.current

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


# The codes of DRF's own field validation: a 400 with one of these says the request's shape is
# wrong, which a schema-valid request must never get. Any other code is a rule about the data: a
# reference to a record that does not exist (``does_not_exist``), a duplicate (``unique``), wrong
# credentials, or a cross-field or domain rule the schema cannot express.
# ``min_value``/``max_value`` are left out: on decimals (JSON strings) the schema cannot state bounds;
# on integers drf-spectacular writes them as ``minimum``/``maximum``, so a schema-valid value never
# breaks them. So are the NUL and lone-surrogate refusals: PostgreSQL cannot store those characters
# and the schema does not spell that out for every string.
SHAPE_CODES = {
    "invalid", "required", "null", "blank", "max_length", "min_length",
    "max_digits", "max_decimal_places", "max_whole_digits", "not_a_list", "not_a_dict", "empty",
    "parse_error", "date", "datetime", "make_aware", "overflow", "max_string_length", "no_name", "invalid_image",
    "incorrect_type", "unknown_field",
}
DRF_VALIDATION_DETAIL = "The request contains invalid data."


def refused_for_the_data(response) -> bool:
    """A 400 about the data, not the request's shape: a domain rule (``DomainError``) or a data code.

    Domain errors carry their own ``detail``; DRF's validation errors all carry the generic one and
    their first error's code.
    """
    try:
        body = response.json()
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    return body.get("detail") != DRF_VALIDATION_DETAIL or body.get("code") not in SHAPE_CODES


def filter_failure(context, failure, case, response):
    """Keep every failure except a schema-valid request refused for the state of the data."""
    from schemathesis.openapi.checks import RejectedPositiveData

    if isinstance(failure, RejectedPositiveData) and response.status_code == 400:
        return not refused_for_the_data(response)
    return True


def configure_checks(schema, *, coverage: bool) -> None:
    """Every schemathesis check, and what a schema-valid request may still get without being a failure.

    Besides schemathesis's defaults, the refusals that depend on the state of the data rather than
    on the request's shape: 412 (the ``If-Match`` version is not the current one) and 422 (a domain
    rule, e.g. stock too low, refused it). Both are documented on the operations that return them.
    A schema-violating request refused with 412 is refused too: preconditions are evaluated before
    the body (RFC 9110, 13.2.2), so a stale ``If-Match`` answers first.
    """
    # Every check, the optional ones included (the CLI's `--checks all`).
    schema.config.checks.update(included_check_names=["all"])
    positive = schema.config.checks.positive_data_acceptance
    positive.expected_statuses = [*positive.expected_statuses, "412", "422"]
    negative = schema.config.checks.negative_data_rejection
    negative.expected_statuses = [*negative.expected_statuses, "412"]
    schema.hook(filter_failure)
    # The coverage phase (boundary values of every parameter) is thorough but long: `make fuzz` only.
    schema.config.phases.coverage.enabled = coverage
