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
from wagtail.admin.viewsets.base import ViewSet
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
            return self.service_refused(form, error)

    def service_refused(self, form, error: DomainError):
        form.add_error(error.field if error.field in form.fields else None, error.message)
        # Wagtail sets this only when its own validation fails; form_invalid reads it.
        self.produced_error_message = error.message
        return self.form_invalid(form)


class ReadAudited:
    """Opening the record's screen (inspect, edit, a page of its own) shows it: a ``view`` audit row."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit_record(actor=request.user, action="view", entity=self.object, metadata={"via": "admin"})
        return response


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Records written only by services (ledgers, deliveries, receipts): listed and inspected, never
    added, edited or deleted in the admin."""

    def user_has_permission(self, user, action):
        return action not in WRITE_ACTIONS and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions, **kwargs):
        return super().users_with_any_permission([a for a in actions if a not in WRITE_ACTIONS], **kwargs)


def service_entity(service) -> str:
    """The keyword a service ``<entity>_<verb>(*, <entity>, ...)`` takes its record by."""
    return service.__name__.rpartition("_")[0]


class ServiceCreateView(DomainErrorsAsFormErrors, generic.CreateView):
    """Creates the record with ``service(data=<the form's values>, actor=<the user>)``; a subclass
    whose service takes other arguments overrides ``save_instance``. Without a service, Wagtail
    saves the record and its ``create`` audit row joins Wagtail's transaction."""

    service = None  # services.<entity>_create, given by the viewset (``create_service``)

    def save_instance(self):
        if self.service is not None:
            return self.service(data=dict(self.form.cleaned_data), actor=self.request.user)
        instance = super().save_instance()
        audit_record(actor=self.request.user, action="create", entity=instance)
        return instance


class ServiceEditView(DomainErrorsAsFormErrors, generic.EditView):
    """Saves with ``service(<entity>=<the stored record>, data=<the fields changed>, actor=...)``:
    an untouched blank field is not rewritten ("" over NULL), and the service's audit row lists
    exactly the fields edited. A subclass whose service takes other arguments overrides
    ``save_instance``; without a service, Wagtail saves and an ``update`` audit row follows."""

    service = None  # services.<entity>_update, given by the viewset (``update_service``)

    def save_instance(self):
        if self.service is not None:
            changed = {name: self.form.cleaned_data[name] for name in self.form.changed_data}
            stored = self.get_object()  # the form wrote its values on self.object
            return self.service(**{service_entity(self.service): stored}, data=changed, actor=self.request.user)
        instance = super().save_instance()
        audit_record(
            actor=self.request.user,
            action="update",
            entity=instance,
            metadata={"fields_changed": sorted(self.form.changed_data)},
        )
        return instance


class ServiceDeleteView(generic.DeleteView):
    """Deletes with ``service(<entity>=<the record>, actor=<the user>)``, or, without a service, as
    Wagtail does with a ``delete`` audit row. A refusal, or a record other records still use, is
    an error message on the listing."""

    service = None  # services.<entity>_delete, given by the viewset (``delete_service``)

    def delete_action(self):
        if self.service is not None:
            self.service(**{service_entity(self.service): self.object}, actor=self.request.user)
            return
        with transaction.atomic():
            pk = self.object.pk  # a hard delete clears it
            super().delete_action()
            # Last: the audit chain's lock is the last lock a transaction takes.
            audit_record(actor=self.request.user, action="delete", entity=self.object, entity_id=pk)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as error:
            messages.error(self.request, error.message)
        except (ProtectedError, RestrictedError):
            messages.error(self.request, _("This record is still used by other records and cannot be deleted."))
        return redirect(self.index_url_name)


class AuditedModelViewSet(ModelViewSet):
    """Its add, edit and delete views write through the services named here (``staticmethod(
    services.<entity>_<verb>)``) or, for a record without them, save as Wagtail does with an audit
    row. Custom views of these three are subclasses of the ``Service*View`` above."""

    add_view_class = ServiceCreateView
    edit_view_class = ServiceEditView
    delete_view_class = ServiceDeleteView
    create_service = update_service = delete_service = None

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(service=self.create_service, **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(service=self.update_service, **kwargs)

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(service=self.delete_service, **kwargs)


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users with all of ``permissions``."""

    def __init__(self, *args, permissions: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.permissions = permissions

    def is_shown(self, request):
        return request.user.has_perms(self.permissions)


class PermissionViewSet(ViewSet):
    """An admin screen that is not a model's list (the agenda, a queue, a report, a form), in the
    menu only for users with all of ``menu_permissions``; its views check them too."""

    menu_permissions: tuple[str, ...] = ()

    def get_menu_item(self, order=None):
        return PermissionMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
            permissions=self.menu_permissions,
        )
