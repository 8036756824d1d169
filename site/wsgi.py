"""The WSGI application, for any server: gunicorn (``site/gunicorn.conf.py``), uWSGI
(``uwsgi --wsgi-file site/wsgi.py``), mod_wsgi (``WSGIScriptAlias / /app/site/wsgi.py``).

A server that loads this file by its path has not run ``manage.py`` nor gunicorn's config: the
project's directory goes on the path and its ``site`` package is made importable first
(``erp/bootstrap.py``). A server that imports by dotted path uses ``erp.bootstrap:wsgi_application``.
"""

import os
import sys
from pathlib import Path

PROJECT_DIR = str(Path(__file__).resolve().parent.parent)
if PROJECT_DIR not in sys.path:
    sys.path.insert(0, PROJECT_DIR)

from erp.bootstrap import make_site_importable  # noqa: E402

make_site_importable()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.base")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
