"""Wagtail's ``{% picture %}``, with its filters parsed once per template instead of on every
render, and its element kept in the cache.

Wagtail's ``PictureNode`` builds new ``Filter`` objects from its specs on each render, so every
picture parses its operations again (``inspect`` calls per spec, twice per rendition looked up):
about a third of a picture's cost, and the home page shows seven. The filters depend on the
template's specs only, so the node keeps them. The element itself, built from the image's
renditions, is kept too (``cache.kept_picture``: under what it is made of, dropped when the image
or one of its renditions changes). Load this library after ``wagtailimages_tags``; the output is
Wagtail's.
"""

from django import template
from wagtail.images.models import Picture, SourceImageIOError
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.images.templatetags.wagtailimages_tags import PictureNode
from wagtail.images.templatetags.wagtailimages_tags import image as image_tag

from cms.website.cache import kept_picture

register = template.Library()


class KeptFiltersPictureNode(PictureNode):
    def get_filters(self):
        filters = self.__dict__.get("_kept_filters")
        if filters is None:
            filters = self._kept_filters = super().get_filters()
        return filters

    def render(self, context):
        if self.output_var_name:  # ``{% picture ... as name %}``: the template uses the renditions
            return super().render(context)
        image = self.validate_image(context)
        if not image:
            return ""
        filters = self.get_filters()
        attrs = {name: value.resolve(context) for name, value in self.attrs.items()}

        def build():
            try:
                return Picture(image.get_renditions(*filters), dict(attrs)).__html__(), True
            except SourceImageIOError:  # the file is missing: Wagtail's placeholders, not kept
                return Picture(get_renditions_or_not_found(image, filters), dict(attrs)).__html__(), False

        return kept_picture(image, filters, attrs, build)


@register.tag("picture")
def picture(parser, token):
    node = image_tag(parser, token)
    return KeptFiltersPictureNode(node.image_expr, node.filter_specs, attrs=node.attrs,
                                  output_var_name=node.output_var_name)  # fmt: skip
