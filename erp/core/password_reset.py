"""The Wagtail admin's password-reset request, throttled per e-mail and per address.

A request over either limit sends nothing and shows the form again with a 429 and ``Retry-After``;
the answer is the same whether the e-mail has an account or not.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.account import PasswordResetView

from erp.core.security import client_ip_key, rate_limit_wait

THROTTLED_MESSAGE = _("Too many password reset requests. Please try again later.")


def reset_email_key(group, request) -> str:
    """The e-mail asked for, as an account would match it (blank: one bucket for blanks)."""
    return request.POST.get("email", "").strip().lower()


class ThrottledPasswordResetView(PasswordResetView):
    def post(self, request, *args, **kwargs):
        wait = max(
            rate_limit_wait(request, group=f"password-reset:{key.__name__}", key=key, rate=rate)
            for key, rate in (
                (client_ip_key, settings.PASSWORD_RESET_RATE_PER_IP),
                (reset_email_key, settings.PASSWORD_RESET_RATE_PER_EMAIL),
            )
        )
        if not wait:
            return super().post(request, *args, **kwargs)
        form = self.get_form()
        form.is_valid()
        form.add_error(None, THROTTLED_MESSAGE)
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(wait)
        return response
