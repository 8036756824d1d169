#!/usr/bin/env python
"""Django's command-line utility for the clinic platform."""

import os
import sys

from erp.bootstrap import make_site_importable


def main() -> None:
    make_site_importable()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
