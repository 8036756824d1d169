"""Admin screens: the messages sent to patients (read-only: the platform writes them) and each
location's reminder settings (in the clinic's settings menu)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from erp.clinical.admin.viewsets import AuditedIndexView
from erp.core.admin.base import AuditedModelViewSet, ReadOnlyPermissionPolicy
from erp.core.models import LanguageChoices
from erp.messaging.models import Message, ReminderSettings

register_permission_policy(Message, ReadOnlyPermissionPolicy(Message), exact_class=True)


class MessageIndexView(AuditedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("appointment", "patient")


def _language_label(message: Message) -> str:
    """The message's language by its name (``Français``), never its code."""
    code = message.language
    return str(LanguageChoices(code).label) if code in LanguageChoices.values else code


class MessageViewSet(ModelViewSet):
    model = Message
    name = "messaging_message"
    url_prefix = "messaging/messages"
    icon = "mail"
    menu_label = _("Patient messages")
    list_display = [
        "due_at", "kind", "status", "channel",
        Column("language", label=Message._meta.get_field("language").verbose_name, accessor=_language_label),
        "patient", "appointment", "attempts", "sent_at",
    ]  # fmt: skip
    list_filter = ["status", "channel", "kind", "language"]
    search_fields = ["provider_id", "last_error"]
    form_fields = ["kind"]
    index_view_class = MessageIndexView
    inspect_view_enabled = True
    inspect_view_fields = [
        "appointment", "patient", "kind", "slot_start", "channel", "language", "recipient", "status",
        "skip_reason", "due_at", "sent_at", "provider_id", "attempts", "last_error", "link_used_at", "link_action",
    ]
    copy_view_enabled = False


class ReminderSettingsViewSet(AuditedModelViewSet):
    model = ReminderSettings
    name = "messaging_remindersettings"
    url_prefix = "clinic/reminder-settings"
    icon = "time"
    menu_label = _("Reminder settings")
    list_display = ["location", "first_reminder_hours", "second_reminder_hours", "quiet_hours_start", "quiet_hours_end"]
    form_fields = ["location", "first_reminder_hours", "second_reminder_hours", "quiet_hours_start", "quiet_hours_end"]
    copy_view_enabled = False


class MessagingViewSetGroup(ModelViewSetGroup):
    menu_label = _("Patient messages")
    menu_icon = "mail"
    menu_order = 210
    items = (MessageViewSet, ReminderSettingsViewSet)
