import pytest

from erp.core.tests.factories import UserFactory
from erp.social import seed
from erp.social.models import SocialAccount, SocialMediaAsset, SocialPost, SocialPostAsset

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent():
    UserFactory(role="marketing", email="marketing@demo.example")
    lines = []
    seed.seed(lines.append)
    counts = [m.objects.count() for m in (SocialAccount, SocialMediaAsset, SocialPost, SocialPostAsset)]
    seed.seed(lines.append)
    assert [m.objects.count() for m in (SocialAccount, SocialMediaAsset, SocialPost, SocialPostAsset)] == counts
    assert counts == [1, 3, 2, 3]
    assert SocialPost.objects.get(caption=seed.READY_CAPTION).status == "ready"
