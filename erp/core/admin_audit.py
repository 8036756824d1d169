"""Wagtail admin writes leave the same audit rows as the API: one set of views for every app."""

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from erp.ops.audit import audit_record


class AuditedCreateView(generic.CreateView):
    """Wagtail saves inside a transaction; the audit row joins it."""

    def save_instance(self):
        instance = super().save_instance()
        audit_record(actor=self.request.user, action="create", entity=instance, request=self.request)
        return instance


class AuditedEditView(generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        audit_record(
            actor=self.request.user,
            action="update",
            entity=instance,
            request=self.request,
            metadata={"fields_changed": sorted(self.form.changed_data)},
        )
        return instance


class AuditedDeleteView(generic.DeleteView):
    def delete_action(self):
        with transaction.atomic():
            audit_record(actor=self.request.user, action="delete", entity=self.object, request=self.request)
            super().delete_action()

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
