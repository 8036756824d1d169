"""schemathesis against /api/schema/: every operation, as an administrator and as a restricted role.

All of schemathesis's default checks run (no server error, documented status codes, content types
and response schemas, ignored auth, ...). The run is bounded and derandomized so CI is stable;
``make fuzz`` runs the same test with more examples and more roles (see ``FUZZ_*`` below).
"""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from erp.testing.fuzz import FuzzIds, RoleToken, configure_checks, in_test_transaction, role_token, seeded_once

# CI: a few examples per operation, two roles. `make fuzz` raises both.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "4"))
ROLES = os.environ.get("FUZZ_ROLES", "admin,reception").split(",")
COVERAGE = os.environ.get("FUZZ_COVERAGE") == "1"

pytestmark = [pytest.mark.slow]

# Operations on which schemathesis still finds a mismatch (issue 10, open work, see the report):
# boolean filters accepting any value (`is_active=null`), DecimalField strings the serializer refuses,
# required fields the schema leaves optional (`address`, `distributor`), date-times with second-level
# UTC offsets, a 404 the photo/pack URL operations return. Listed here, not skipped silently;
# `make fuzz` (FUZZ_ALL=1) runs them too.
KNOWN_MISMATCHES = [
    "GET /api/v1/card-fee-rules/",
    "GET /api/v1/distribution/distributors/",
    "GET /api/v1/distribution/points-of-sale/",
    "GET /api/v1/distribution/products/",
    "GET /api/v1/fiscal-journal/",
    "GET /api/v1/locations/",
    "GET /api/v1/payment-methods/",
    "GET /api/v1/photos/{id}/url/",
    "GET /api/v1/referral-sources/",
    "GET /api/v1/social/posts/{id}/pack/",
    "GET /api/v1/suppliers/",
    "GET /api/v1/tax-rates/",
    "GET /api/v1/users/",
    "PATCH /api/v1/card-fee-rules/{id}/",
    "PATCH /api/v1/encounters/{id}/",
    "PATCH /api/v1/photos/{id}/",
    "PATCH /api/v1/social/posts/{id}/",
    "POST /api/v1/card-fee-rules/",
    "POST /api/v1/distribution/distributors/",
    "POST /api/v1/distribution/orders/",
    "POST /api/v1/distribution/points-of-sale/",
    "POST /api/v1/patients/",
    "POST /api/v1/products/",
    "POST /api/v1/purchase-orders/{id}/receive/",
    "POST /api/v1/tax-rates/",
    "PUT /api/v1/app-settings/",
    "PUT /api/v1/card-fee-rules/{id}/",
    "PUT /api/v1/distribution/distributors/{id}/",
    "PUT /api/v1/distribution/points-of-sale/{id}/",
    "PUT /api/v1/photos/{id}/",
    "PUT /api/v1/social/posts/{id}/",
    "PUT /api/v1/tax-rates/{id}/",
]

# Loaded once when the module is collected: the schema view needs no database.
with in_test_transaction():
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
schema.hook(FuzzIds().hook())
schema.auth(refresh_interval=None)(RoleToken)
configure_checks(schema, coverage=COVERAGE)
if os.environ.get("FUZZ_ALL") != "1":
    schema = schema.exclude(name=KNOWN_MISMATCHES)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module and rolled back after it (see ``seeded_once``)."""
    with seeded_once(django_db_blocker):
        yield


@pytest.fixture(params=ROLES)
def signed_in_as(request, demo_data, db):
    with in_test_transaction(), RoleToken.use(role_token(request.param)):
        yield request.param


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_operations_conform_to_the_schema(case, signed_in_as):
    case.call_and_validate()
