"""Sending an SMS: one small interface, a backend per provider, chosen by ``SMS_BACKEND``.

- ``console``: writes the SMS to the log (development, tests of everything but the provider);
- ``brevo``: Brevo's transactional SMS through its official client (``brevo-python``), with
  ``BREVO_API_KEY``, ``SMS_SENDER`` and ``BREVO_API_URL`` (the provider's address; tests point it
  at a local fake server).

WhatsApp is the next backend of the same shape (``send(to=..., text=...) -> provider id``):
Brevo's client has ``transactional_whats_app.send_whatsapp_message``; a patient who prefers
WhatsApp gets an SMS until it is written.
"""

import logging
import uuid
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from erp.messaging.exceptions import MessageDeliveryFailed

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str) -> str:
        """Send ``text`` to the E.164 number ``to``; the provider's id of the message.
        Raises ``MessageDeliveryFailed`` when the provider refuses or cannot be reached."""


class ConsoleSmsBackend:
    def send(self, *, to: str, text: str) -> str:
        provider_id = f"console-{uuid.uuid4()}"
        logger.info("SMS to %s (%s): %s", to, provider_id, text)
        return provider_id


class BrevoSmsBackend:
    def __init__(self) -> None:
        if not settings.BREVO_API_KEY:
            raise ImproperlyConfigured("SMS_BACKEND=brevo needs BREVO_API_KEY.")
        from brevo import Brevo

        # client_id/client_secret None: the API key, never OAuth picked up from the environment.
        # max_retries 0: the task's retry policy is the one that retries (and counts attempts).
        self.client = Brevo(
            api_key=settings.BREVO_API_KEY,
            base_url=settings.BREVO_API_URL,
            client_id=None,
            client_secret=None,
            timeout=settings.SMS_TIMEOUT,
            max_retries=0,
        )

    def send(self, *, to: str, text: str) -> str:
        from brevo.core.api_error import ApiError

        try:
            response = self.client.transactional_sms.send_transac_sms(
                recipient=to.lstrip("+"), sender=settings.SMS_SENDER, content=text, type="transactional",
                unicode_enabled=not text.isascii(),
            )
        except ApiError as error:
            raise MessageDeliveryFailed(f"Brevo refused the SMS ({error.status_code}): {error.body}") from error
        except Exception as error:  # network errors of httpx: the provider could not be reached
            raise MessageDeliveryFailed(f"Brevo could not be reached: {type(error).__name__}: {error}") from error
        return str(response.message_id)


BACKENDS = {"console": ConsoleSmsBackend, "brevo": BrevoSmsBackend}


def sms_backend() -> SmsBackend:
    try:
        return BACKENDS[settings.SMS_BACKEND]()
    except KeyError:
        raise ImproperlyConfigured(f"SMS_BACKEND must be one of {', '.join(BACKENDS)}.") from None
