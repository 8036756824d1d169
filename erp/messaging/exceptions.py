"""Domain errors of the patient messages, each with a stable code."""

from erp.core.exceptions import InvalidInput, NotAllowed


class LinkInvalid(InvalidInput):
    """The confirm/cancel link was not made by the clinic (or was altered)."""

    default_code = "link_invalid"


class LinkExpired(NotAllowed):
    default_code = "link_expired"


class LinkUsed(NotAllowed):
    """A message's link answers once."""

    default_code = "link_used"


class LinkStale(NotAllowed):
    """The appointment moved, started or ended since the message: its link no longer applies."""

    default_code = "link_stale"


class MessageDeliveryFailed(Exception):
    """The mail server or the SMS provider refused or did not answer (retried by the task)."""
