import pytest

from erp.social import seed
from erp.social.models import SocialAccount, SocialMediaAsset, SocialPost, SocialPostAsset

from .factories import user_with_role

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent():
    user_with_role("marketing", "marketing@demo.example")
    lines = []
    seed.seed(lines.append)
    counts = [m.objects.count() for m in (SocialAccount, SocialMediaAsset, SocialPost, SocialPostAsset)]
    seed.seed(lines.append)
    assert [m.objects.count() for m in (SocialAccount, SocialMediaAsset, SocialPost, SocialPostAsset)] == counts
    assert counts == [1, 3, 2, 3]
    assert SocialPost.objects.get(caption=seed.READY_CAPTION).status == "ready"
