"""Calendly webhook deliveries as Calendly sends them: invitee payloads, envelopes, signed posts."""

import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime, timedelta

from rest_framework.test import APIClient

KEY = "test-signing-key"
URL = "/api/v1/integrations/calendly/webhook"


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


START = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=3)


def invitee(
    *,
    uri=None,
    email="anna.petrova@example.com",
    name="Anna Petrova",
    host="doctor0@clinic.example",
    start=START,
    minutes=30,
    phone=None,
    **extra,
):
    event_id = uuid.uuid4().hex
    payload = {
        "uri": uri or f"https://api.calendly.com/scheduled_events/{event_id}/invitees/{uuid.uuid4().hex}",
        "email": email,
        "name": name,
        "first_name": None,
        "last_name": None,
        "status": "active",
        "timezone": "Europe/Paris",
        "created_at": iso(datetime.now(UTC)),
        "updated_at": iso(datetime.now(UTC)),
        "rescheduled": False,
        "old_invitee": None,
        "new_invitee": None,
        "cancellation": None,
        "text_reminder_number": phone,
        "questions_and_answers": [],
        "scheduled_event": {
            "uri": f"https://api.calendly.com/scheduled_events/{event_id}",
            "name": "Consultation dermatologique",
            "status": "active",
            "start_time": iso(start),
            "end_time": iso(start + timedelta(minutes=minutes)),
            "event_memberships": [{"user": "https://api.calendly.com/users/AAA", "user_email": host}],
        },
    }
    payload.update(extra)
    return payload


def envelope(event: str, payload: dict, created_at: datetime | None = None) -> dict:
    return {
        "event": event,
        "created_at": iso(created_at or datetime.now(UTC)),
        "created_by": "https://api.calendly.com/users/AAA",
        "payload": payload,
    }


def cancelled(payload: dict, *, reason="Can't make it", rescheduled=False, new_invitee=None) -> dict:
    return {
        **payload,
        "status": "canceled",
        "rescheduled": rescheduled,
        "new_invitee": new_invitee,
        "cancellation": {"canceled_by": "Anna Petrova", "reason": reason, "canceler_type": "invitee"},
    }


def sign(body: bytes, key: str = KEY, timestamp: int | None = None) -> str:
    t = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(key.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def post(document: dict, *, key: str = KEY, timestamp=None, signature=None, body: bytes | None = None):
    raw = body if body is not None else json.dumps(document).encode()
    headers = {}
    header = signature if signature is not None else sign(raw, key, timestamp)
    if header:
        headers["HTTP_CALENDLY_WEBHOOK_SIGNATURE"] = header
    return APIClient().post(URL, data=raw, content_type="application/json", **headers)
