"""The admin's home per role: each role's panels; Wagtail's page panels and page summary only
for those who edit the website."""

from wagtail import hooks
from wagtail.admin.auth import user_has_any_page_permission

from erp.workspace.panels import panels_for


# After Wagtail's own hooks (this app is listed before Wagtail's), so their items are there to drop.
@hooks.register("construct_homepage_panels", order=100)
def role_panels(request, panels):
    if not user_has_any_page_permission(request.user):
        panels.clear()  # the page-oriented panels (recent edits, locked pages, moderation)
    panels.extend(panels_for(request))


@hooks.register("construct_homepage_summary_items", order=100)
def summary_for_editors(request, summary_items):
    if not user_has_any_page_permission(request.user):
        summary_items.clear()  # pages, images, documents: the website editors' figures
