# gunicorn -c site/gunicorn.conf.py site.wsgi:application
# The config file runs before the application is imported, so it makes ``site`` importable.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from erp.bootstrap import make_site_importable  # noqa: E402

make_site_importable()

from site.worker_gc import freeze_loaded_application  # noqa: E402

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
accesslog = os.environ.get("GUNICORN_ACCESSLOG", None)
timeout = 60
if threads == 1:
    # The sync worker, collecting each request's garbage once it is over (site/worker_gc.py).
    worker_class = "site.worker_gc.CollectingSyncWorker"


def post_worker_init(worker):
    """The application is loaded in this worker: keep what it loaded out of the garbage
    collector's passes (``site/worker_gc.py``)."""
    freeze_loaded_application()
