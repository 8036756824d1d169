"""Wagtail's ``{% picture %}``, with its filters parsed once per template instead of on every render.

Wagtail's ``PictureNode`` builds new ``Filter`` objects from its specs on each render, so every
picture parses its operations again (``inspect`` calls per spec, twice per rendition looked up):
about a third of a picture's cost, and the home page shows seven. The filters depend on the
template's specs only, so the node keeps them. Load this library after ``wagtailimages_tags``;
the output is Wagtail's.
"""

from django import template
from wagtail.images.templatetags.wagtailimages_tags import PictureNode
from wagtail.images.templatetags.wagtailimages_tags import image as image_tag

register = template.Library()


class KeptFiltersPictureNode(PictureNode):
    def get_filters(self):
        filters = self.__dict__.get("_kept_filters")
        if filters is None:
            filters = self._kept_filters = super().get_filters()
        return filters


@register.tag("picture")
def picture(parser, token):
    node = image_tag(parser, token)
    return KeptFiltersPictureNode(node.image_expr, node.filter_specs, attrs=node.attrs,
                                  output_var_name=node.output_var_name)  # fmt: skip
