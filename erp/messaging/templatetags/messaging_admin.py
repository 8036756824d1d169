"""The messages of an appointment or a patient, as a section of their admin page."""

from django import template

from erp.messaging import selectors

register = template.Library()


@register.inclusion_tag("messaging/admin/messages_panel.html", takes_context=True)
def messages_panel(context, *, appointment=None, patient=None):
    user = context["request"].user
    if not user.has_perm("messaging.view_message"):
        return {"shown": False}
    if appointment is not None:
        messages = selectors.messages_of_appointment(appointment)
    else:
        messages = selectors.messages_of_patient(patient)
    return {"shown": True, "messages": list(messages[:50]), "by_appointment": appointment is None}
