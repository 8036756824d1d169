"""Domain errors of the social publishing, each with a stable code."""

from erp.core.exceptions import InvalidInput, NotAllowed, Unprocessable


class CaptionRefused(InvalidInput):
    """The caption breaks one of Instagram's limits (length, hashtags, mentions)."""

    default_code = "caption_refused"


class AssetRefused(Unprocessable):
    """The image breaks one of Instagram's publishing limits or cannot be read."""

    default_code = "asset_refused"


class CarouselRefused(InvalidInput):
    """The ordered assets of a post are not a valid carousel."""

    default_code = "carousel_refused"


class PostTransitionRefused(NotAllowed):
    default_code = "post_transition_refused"


class PostLocked(NotAllowed):
    """A published post is no longer edited."""

    default_code = "post_locked"


class PackUnavailable(NotAllowed):
    default_code = "pack_unavailable"


class MarketingConsentMissing(NotAllowed):
    default_code = "marketing_consent_missing"


class AssetTakenDown(NotAllowed):
    """The image's patient revoked the marketing consent: it may not be used any more."""

    default_code = "asset_taken_down"


class AssetInUse(NotAllowed):
    default_code = "asset_in_use"
