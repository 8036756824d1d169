from wagtail import hooks

from erp.clinical.admin.viewsets import ClinicalViewSetGroup, patient_chooser_viewset


@hooks.register("register_admin_viewset")
def register_clinical_viewsets():
    return ClinicalViewSetGroup()


@hooks.register("register_admin_viewset")
def register_patient_chooser():
    return patient_chooser_viewset
