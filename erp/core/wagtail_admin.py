"""Shared Wagtail admin plumbing of the ERP apps.

Admin writes leave the same audit rows as the API; a service's refusal is a form error, not a 500;
records written only by services are read-only in the admin.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from erp.core.exceptions import DomainError
from erp.ops.audit import audit_record

WRITE_ACTIONS = ("add", "change", "delete")


class DomainErrorsAsFormErrors:
    """A refusal of a service becomes a form error instead of a server error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            # Wagtail sets this only when its own validation fails; form_invalid reads it.
            self.produced_error_message = error.message
            return self.form_invalid(form)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Records written only by services (ledgers, deliveries, receipts): listed and inspected, never
    added, edited or deleted in the admin."""

    def user_has_permission(self, user, action):
        return action not in WRITE_ACTIONS and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions, **kwargs):
        return super().users_with_any_permission([a for a in actions if a not in WRITE_ACTIONS], **kwargs)


class AuditedCreateView(generic.CreateView):
    """Wagtail saves inside a transaction; the audit row joins it."""

    def save_instance(self):
        instance = super().save_instance()
        audit_record(actor=self.request.user, action="create", entity=instance)
        return instance


class AuditedEditView(generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        audit_record(
            actor=self.request.user,
            action="update",
            entity=instance,
            metadata={"fields_changed": sorted(self.form.changed_data)},
        )
        return instance


class AuditedDeleteView(generic.DeleteView):
    def delete_action(self):
        with transaction.atomic():
            pk = self.object.pk  # a hard delete clears it
            super().delete_action()
            # Last: the audit chain's lock is the last lock a transaction takes.
            audit_record(
                actor=self.request.user, action="delete", entity=self.object, entity_id=pk
            )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ProtectedError, RestrictedError):
            messages.error(self.request, _("This record is still used by other records and cannot be deleted."))
            return redirect(self.index_url_name)


class AuditedModelViewSet(ModelViewSet):
    add_view_class = AuditedCreateView
    edit_view_class = AuditedEditView
    delete_view_class = AuditedDeleteView


class PermissionMenuItem(MenuItem):
    """A menu item of an admin screen shown only to users with ``permission`` (a ViewSet's
    ``get_menu_item`` returns one)."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)
