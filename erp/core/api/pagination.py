"""Numbered pages whose count stops at ``MAX_COUNT`` (the API's lists and the admin's patients).

Counting every row of a big list (200,000 patients, 150,000 sales) or every match of a short
search costs more than the page itself, and past a thousand the exact number tells a reader
nothing. So a list's count reads at most ``MAX_COUNT + 1`` of its rows (``SELECT count(*) FROM
(... LIMIT n)``, what ``QuerySet.count()`` does on a slice; Sentry's ``count_hits``): a longer list
answers ``count: 1000`` and ``count_capped: true``, shown "1,000+". Its later pages still open: for
them the count reads as far as the page asked and one row beyond, so ``next`` is always right.
"""

from contextlib import suppress

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

MAX_COUNT = 1000


class CappedCountPaginator(Paginator):
    """Django's paginator, counting a queryset's rows up to ``count_limit`` (``MAX_COUNT``, or the
    last row of the page asked when that is further) and one more, which the pages follow; what
    is shown is ``shown_count`` (at most ``MAX_COUNT``) and whether there are more."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_limit = MAX_COUNT

    def validate_number(self, number):
        # Called with the page asked before anything reads the count: count as far as that page.
        with suppress(TypeError, ValueError):  # not a number: Django's own refusal follows
            self.count_limit = max(self.count_limit, int(number) * self.per_page)
        return super().validate_number(number)

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            # Keys only: a list's annotations (the sales' invoice number) are not read to count it.
            return self.object_list.order_by().values("pk")[: self.count_limit + 1].count()
        return super().count

    @property
    def count_capped(self) -> bool:
        return self.count > MAX_COUNT

    @property
    def shown_count(self) -> int:
        return min(self.count, MAX_COUNT)


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of 50 by default; ``page_size`` from 1 to 200, anything else is a 400 (not a silent
    default); a page is a whole number (no ``last``: the count may stop before it)."""

    django_paginator_class = CappedCountPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if not all(value.isdecimal() and 1 <= int(value) <= self.max_page_size for value in raw):
            raise ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}, code="invalid"
            )
        return int(raw[-1])

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not raw.isdecimal():
            # DRF reads an empty `page` as the first page; a page is a whole number or a 404.
            raise NotFound(self.invalid_page_message.format(page_number=raw, message="not a page number"))
        return super().get_page_number(request, paginator)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response({
            "count": paginator.shown_count,
            "count_capped": paginator.count_capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })  # fmt: skip

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = f"How many results there are, up to {MAX_COUNT}."
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_capped": {
                "type": "boolean",
                "description": f"There are more than {MAX_COUNT} results (show `{MAX_COUNT:,}+`).",
                "example": False,
            },
            **response["properties"],
        }
        response["required"] = [*response["required"], "count_capped"]
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
