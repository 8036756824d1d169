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
