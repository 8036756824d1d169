"""Fixtures every app's tests share (app fixtures live in each app's tests/conftest.py)."""

import pytest

from erp.core.tests.factories import UserFactory


@pytest.fixture
def make_user(db):
    """``make_user("reception", "desk@clinic.test")``: a user with that role (more fields by keyword)."""

    def make(role: str, email: str | None = None, **fields):
        return UserFactory(role=role, **({"email": email} if email else {}), **fields)

    return make


@pytest.fixture
def demo_site(transactional_db):
    """The website's demo content (cms.website.seed), committed for the browser's live server."""
    from cms.website import seed as website_seed

    website_seed.seed(lambda _line: None)
