"""The session engine: Django's database sessions, each row knowing its user.

``SESSION_ENGINE = "erp.core.sessions"``. Keeping the user's id beside the session lets
``user_access_revoke`` end every session of a disabled account with one query.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from erp.core.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.user_id = data.get(SESSION_KEY) or None
        return instance
