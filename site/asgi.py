"""The ASGI application, for an ASGI server (daphne, uvicorn, hypercorn).

Those servers import the application by a dotted path, and ``site.asgi`` cannot be one before the
project's ``site`` package is importable (Python's own ``site`` module is loaded first): run
``daphne erp.bootstrap:asgi_application`` (or ``uvicorn erp.bootstrap:asgi_application``). Loaded
by its path, this file makes the package importable itself (``erp/bootstrap.py``).
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

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
