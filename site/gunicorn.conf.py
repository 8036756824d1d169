# gunicorn -c site/gunicorn.conf.py site.wsgi:application
# The config file runs before the application is imported, so it makes ``site`` importable.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from erp.bootstrap import make_site_importable  # noqa: E402

make_site_importable()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
accesslog = os.environ.get("GUNICORN_ACCESSLOG", None)
timeout = 60


def post_worker_init(worker):
    """The application is loaded in this worker: keep what it loaded out of the garbage
    collector's full passes.

    Django, Wagtail and DRF leave some 200,000 long-lived objects; CPython's full collection walks
    them all, and a request that allocates a lot (a list page of 50 sales) set one off every few
    requests: pauses of 100-300 ms on this project's 2-core machine, the p95 of the API lists.
    ``gc.freeze()`` moves them to a generation that is never collected (they live as long as the
    process anyway), and a higher first threshold makes collections rarer.
    """
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (load the URL configuration before freezing it)
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
