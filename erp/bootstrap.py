"""Make the project's top-level ``site/`` directory importable as the ``site`` package.

Python imports its standard-library ``site`` module at start-up, before the project is on the
path, so ``import site.settings`` would find that module instead of our package. Giving the
already-imported module a package ``__path__`` makes ``site.settings``, ``site.urls`` and
friends resolve to files in ``site/`` while the standard-library functions stay available.
Every entry point (manage.py, the gunicorn config, the pytest plugin) calls this first.
"""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def make_site_importable() -> None:
    import site

    package_dir = str(PROJECT_DIR / "site")
    paths = list(getattr(site, "__path__", []))
    if package_dir not in paths:
        site.__path__ = [package_dir, *paths]
        if site.__spec__ is not None:
            site.__spec__.submodule_search_locations = site.__path__


def __getattr__(name: str):
    """``erp.bootstrap:wsgi_application`` and ``erp.bootstrap:asgi_application``: the applications
    for servers that import them by a dotted path (``daphne``, ``uvicorn``, ``uwsgi --module``),
    which cannot name ``site.wsgi`` or ``site.asgi`` before ``site`` is made importable."""
    if name in {"wsgi_application", "asgi_application"}:
        make_site_importable()
        from importlib import import_module

        return import_module(f"site.{name.split('_')[0]}").application
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
