from wagtail import hooks

from .viewsets import ClinicalViewSetGroup


@hooks.register("register_admin_viewset")
def register_clinical_viewsets():
    return ClinicalViewSetGroup()
