"""The page behind the link of a patient message: the appointment (date, time, place,
practitioner) and two buttons, confirm or cancel. Opening the link changes nothing (mail
scanners open links); pressing a button does, once."""

from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from erp.core.exceptions import DomainError
from erp.messaging import services


@require_http_methods(["GET", "POST"])
def appointment_reply_view(request, token: str):
    try:
        message = services.link_message(token)
    except DomainError as error:
        response = render(request, "messaging/reply.html", {"error_code": error.code}, status=400)
        response["X-Robots-Tag"] = "noindex"
        return response
    done, error_code, status = None, None, 200
    with translation.override(message.language):
        if request.method == "POST":
            try:
                message = services.appointment_reply(token=token, action=request.POST.get("action", ""))
                done = message.link_action
            except DomainError as error:
                error_code, status = error.code, 409
        else:
            try:
                services.link_check(message)
            except DomainError as error:
                error_code = error.code
        context = {**services.message_context(message), "done": done, "error_code": error_code}
        response = render(request, "messaging/reply.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response
