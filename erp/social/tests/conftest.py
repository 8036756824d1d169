import pytest

from .factories import user_with_role


@pytest.fixture
def marketer(db):
    return user_with_role("marketing")


@pytest.fixture
def doctor(db):
    return user_with_role("practitioner")
