"""What each role may do with the website.

Model permissions are in ``PERMISSIONS`` (merged into the role table by ``erp.core.roles``).
Wagtail's page and collection permissions are object permissions, not model permissions: they
are granted on the root page and the root collection by ``grant_marketing_wagtail_permissions``,
which runs after every ``migrate`` (see ``apps.py``) and from ``seed_demo``.
"""

_SNIPPETS = [
    f"website.{action}_{model}"
    for model in ("staffmember", "promotion")
    for action in ("add", "change", "delete", "view", "publish")
]

PERMISSIONS = {
    "marketing": [
        *_SNIPPETS,
        "website.change_websitesettings",
        "website.view_publiclead",
        "website.change_publiclead",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtailimages.delete_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "wagtaildocs.delete_document",
        "wagtail_localize.submit_translation",
        "taggit.add_tag",
        "taggit.change_tag",
    ],
    "reception": [
        "website.view_publiclead",
        "website.change_publiclead",
    ],
}

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "view_page"]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image", "delete_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document", "delete_document"],
}


def grant_marketing_wagtail_permissions(*, using: str = "default") -> None:
    """Marketing edits and publishes every page and manages every image and document. Idempotent."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    group, _created = Group.objects.using(using).get_or_create(name="marketing")
    root_page = Page.objects.using(using).filter(depth=1).first()
    if root_page is not None:
        for codename in PAGE_PERMISSIONS:
            permission = Permission.objects.using(using).filter(
                content_type__app_label="wagtailcore", codename=codename
            ).first()
            if permission is not None:
                GroupPagePermission.objects.using(using).get_or_create(
                    group=group, page=root_page, permission=permission
                )
    root_collection = Collection.objects.using(using).filter(depth=1).first()
    if root_collection is not None:
        for app_label, codenames in COLLECTION_PERMISSIONS.items():
            for codename in codenames:
                permission = Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename=codename
                ).first()
                if permission is not None:
                    GroupCollectionPermission.objects.using(using).get_or_create(
                        group=group, collection=root_collection, permission=permission
                    )
