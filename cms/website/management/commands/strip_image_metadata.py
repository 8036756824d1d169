from django.core.management.base import BaseCommand
from wagtail.images import get_image_model

from cms.website.services import marketing_image_strip_metadata
from erp.core.image_metadata import ImageUnreadable


class Command(BaseCommand):
    help = (
        "Rewrite the marketing images stored before metadata was stripped on upload: upright, without "
        "EXIF/GPS, XMP or IPTC; their renditions are made again. Images already clean are left as they are."
    )

    def handle(self, *args, **options):
        changed = unreadable = 0
        for image in get_image_model().objects.order_by("pk").iterator():
            try:
                changed += marketing_image_strip_metadata(image=image)
            except (ImageUnreadable, FileNotFoundError) as exc:
                unreadable += 1
                self.stderr.write(f"image {image.pk} ({image.file.name}): {exc}")
        self.stdout.write(f"{changed} image(s) rewritten without metadata, {unreadable} could not be read.")
