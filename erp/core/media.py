"""The public marketing folder, served by the app when the buckets are local folders.

A one-machine install (no ``S3_ENDPOINT_URL``) keeps the marketing bucket in
``MEDIA_ROOT/marketing``: website images, their renditions and marketing documents, all public.
They are served here in production too, so the site shows its images without a proxy location.
Only that folder is reachable: the private ``clinical`` and ``documents`` folders never are (their
files go out through signed links only). A busy site can serve the same folder from its proxy
(``docker/Caddyfile`` shows how) and this view is then never reached.
"""

from django.conf import settings
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.static import serve

# Renditions and originals are written under new names, never rewritten in place: a day of
# caching is safe, and Last-Modified lets a browser revalidate after that.
MARKETING_MEDIA_MAX_AGE = 24 * 3600


def marketing_folder() -> str:
    """The marketing storage's folder (the local ``marketing`` bucket)."""
    return str(settings.STORAGES["marketing"]["OPTIONS"]["location"])


def marketing_file(request, path: str):
    """One file of the marketing folder: 404 for a folder (no listing) or a path leaving it."""
    if not path or path.endswith("/"):
        raise Http404
    response = serve(request, path, document_root=marketing_folder(), show_indexes=False)
    patch_cache_control(response, public=True, max_age=MARKETING_MEDIA_MAX_AGE)
    return response
