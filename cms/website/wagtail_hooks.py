from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from cms.website.admin.viewsets import TranslationStatusView, WebsiteAdmin, WebsiteSnippets


@hooks.register("register_admin_viewset")
def register_website_admin():
    return WebsiteAdmin()


register_snippet(WebsiteSnippets)


@hooks.register("register_admin_urls")
def register_translation_status_url():
    return [path("website/translations/", TranslationStatusView.as_view(), name="website_translation_status")]


class TranslationStatusMenuItem(MenuItem):
    def is_shown(self, request):
        return user_has_any_page_permission(request.user)


@hooks.register("register_reports_menu_item")
def register_translation_status_menu_item():
    return TranslationStatusMenuItem(
        _("Translation status"), reverse("website_translation_status"), icon_name="site", order=900
    )


@hooks.register("insert_global_admin_css")
def website_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("website/admin.css"))
