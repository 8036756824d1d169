"""The model permission of a request is read from the view's own ``queryset``
(``ModelPermissions._queryset``), not from what ``get_queryset`` builds for the action."""

import pytest
from django.test import RequestFactory
from rest_framework.request import Request

from erp.commerce.models import Sale
from erp.core.api.permissions import ModelPermissions
from erp.core.tests.routes import drf_methods, drf_routes

pytestmark = pytest.mark.django_db


def _actions_of_views_with_a_queryset():
    """(name, view class, method, action) of every API action whose view declares a ``queryset``."""
    for name, (_route, callback) in sorted(drf_routes().items()):
        if getattr(callback.cls, "queryset", None) is not None:
            for method, action in drf_methods(callback).items():
                yield name, callback.cls, method, action


def test_every_views_queryset_names_the_model_its_get_queryset_reads(admin_user):
    checked = 0
    for name, view_class, method, action in _actions_of_views_with_a_queryset():
        request = Request(getattr(RequestFactory(), method)("/"))
        request.user = admin_user
        view = view_class(request=request, action=action, args=(), kwargs={}, format_kwarg=None)
        built = view.get_queryset()
        assert built.model is view_class.queryset.model, (name, action, built.model, view_class.queryset.model)
        checked += 1
    assert checked > 50  # the walk found the API's views


def test_the_permission_does_not_build_the_views_queryset(admin_user):
    class View:
        queryset = Sale.objects.all()

        def get_queryset(self):
            raise AssertionError("built for the permission")

    request = Request(RequestFactory().get("/"))
    request.user = admin_user
    assert ModelPermissions().has_permission(request, View())
