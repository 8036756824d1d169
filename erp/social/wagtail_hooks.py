from wagtail import hooks

from erp.social.admin.viewsets import SocialViewSetGroup


@hooks.register("register_admin_viewset")
def register_social_viewsets():
    return SocialViewSetGroup()
