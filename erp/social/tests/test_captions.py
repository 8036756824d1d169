import pytest

from erp.social.captions import (
    check_caption,
    compose_caption,
    count_caption,
    normalize_hashtags,
)
from erp.social.exceptions import CaptionRefused


def test_caption_of_2200_characters_is_accepted_2201_refused():
    assert check_caption("a" * 2200, None).characters == 2200
    with pytest.raises(CaptionRefused, match="2201 caractères"):
        check_caption("a" * 2201, None)


def test_emoji_count_as_code_points_not_utf16_units():
    smiley = "\U0001F600"  # two UTF-16 units, one code point
    assert len(smiley.encode("utf-16-le")) // 2 == 2
    assert count_caption(smiley).characters == 1
    assert count_caption("👍🏽").characters == 2  # thumbs up + skin tone modifier
    check_caption(smiley * 2200, None)
    with pytest.raises(CaptionRefused):
        check_caption(smiley * 2201, None)


def test_hashtags_field_counts_towards_the_length():
    # caption + blank line + hashtags: 2190 + 2 + 8 = 2200
    tags = "#abcdefg"
    assert count_caption(compose_caption("x" * 2190, tags)).characters == 2200
    check_caption("x" * 2190, tags)
    with pytest.raises(CaptionRefused):
        check_caption("x" * 2191, tags)


def test_thirty_hashtags_accepted_thirty_one_refused():
    thirty = " ".join(f"#tag{i}" for i in range(30))
    assert check_caption("Hello", thirty).hashtags == 30
    with pytest.raises(CaptionRefused, match="31 hashtags"):
        check_caption("Hello #extra", thirty)


def test_hashtags_are_unicode_words():
    counts = count_caption("#дерматология #soins_peau #2024 #été a#b # alone")
    assert counts.hashtags == 4


def test_twenty_mentions_accepted_twenty_one_refused():
    twenty = " ".join(f"@user.{i}" for i in range(20))
    assert check_caption(twenty, None).mentions == 20
    with pytest.raises(CaptionRefused, match="21 mentions"):
        check_caption(twenty + " @one_more", None)


def test_email_address_is_not_a_mention():
    assert count_caption("write to contact@clinique.fr or @clinique.derm").mentions == 1


def test_hashtags_are_normalized():
    assert normalize_hashtags("skincare, #Derm  #peau") == "#skincare #Derm #peau"
    assert normalize_hashtags("  ") is None
    with pytest.raises(CaptionRefused):
        normalize_hashtags("#bad-tag")
