from wagtail import hooks

from erp.distribution.admin.viewsets import DistributionViewSetGroup


@hooks.register("register_admin_viewset")
def register_distribution_viewsets():
    return DistributionViewSetGroup()
