"""Screenshots of the staff screens for ``docs/screens/``, taken by the browser tests that walk
each role's day. ``make screens`` runs those tests with ``SCREENS=1``: the pictures then land in
``docs/screens/<name>.png`` (committed, linked from the README); otherwise in
``test-artifacts/screens/`` for a look after a run."""

import os
from pathlib import Path

from django.conf import settings

WIDTH = 1366


def screens_dir() -> Path:
    if os.environ.get("SCREENS") == "1":
        return Path(settings.BASE_DIR) / "docs" / "screens"
    return Path(settings.BASE_DIR) / "test-artifacts" / "screens"


def screenshot(page, name: str, *, full_page: bool = False) -> Path:
    """Save what ``page`` shows as ``<name>.png`` (e.g. ``agenda-week-fr``)."""
    folder = screens_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
