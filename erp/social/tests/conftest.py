import pytest

from erp.core.tests.factories import UserFactory


@pytest.fixture
def marketer(db):
    return UserFactory(role="marketing")


@pytest.fixture
def doctor(db):
    return UserFactory(role="practitioner")
