from functools import partial

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

from erp.core.counts import exact_count


class CountedPaginator(Paginator):
    """Django's paginator, reading the kept number of live rows of a big table when the list is
    all of them (``erp.core.counts``) rather than counting the table."""

    @cached_property
    def count(self):
        if isinstance(self.object_list, QuerySet):
            return exact_count(self.object_list)
        return super().count


class PageCountedPaginator(CountedPaginator):
    """For lists whose page query reads every matching row anyway (a search sorted by name): the
    page's keys and the total come from one query (``COUNT(*) OVER ()``), not a count and a page,
    then the page's rows by key.

    The ranking query selects only the keys (and the sort columns): with whole rows, PostgreSQL
    keeps every match's row for the window and spills to disk past a few thousand matches.

    ``rank(queryset, bottom, top)``, when given, may rank the page itself: it returns ``(keys,
    total)``, or ``None`` to leave it to the window query.
    """

    def __init__(self, *args, rank=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rank = rank

    def page(self, number):
        queryset = self.object_list
        if "count" not in self.__dict__ and isinstance(queryset, QuerySet) and not queryset.query.distinct:
            try:
                number = int(number)
            except (TypeError, ValueError):
                number = 0
            if number < 1:
                return super().page(number)  # Django's own refusal
            bottom = (number - 1) * self.per_page
            ranked = self.rank(queryset, bottom, bottom + self.per_page) if self.rank else None
            if ranked is not None:
                keys, self.__dict__["count"] = ranked
            else:
                ranked = queryset.annotate(_matching=Window(Count("pk"))).values_list("pk", "_matching")
                ranked = list(ranked[bottom : bottom + self.per_page])
                if ranked:
                    self.__dict__["count"] = ranked[0][1]
                keys = [pk for pk, _ in ranked]
            if keys:
                rows = queryset.order_by().in_bulk(keys)
                return self._get_page([rows[pk] for pk in keys if pk in rows], number, self)
        return super().page(number)


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of 50 by default; ``page_size`` from 1 to 200, anything else is a 400 (not a silent default).

    A view whose page query reads every matching row (``count_with_page(request)`` true) gets the
    total from the page query itself, or from its own ``rank_page(queryset, bottom, top)``.
    """

    django_paginator_class = CountedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        count_with_page = getattr(view, "count_with_page", None)
        if count_with_page is not None and count_with_page(request):
            self.django_paginator_class = partial(PageCountedPaginator, rank=getattr(view, "rank_page", None))
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if raw:
            try:
                values = [pagination._positive_int(value, strict=True) for value in raw]
            except (KeyError, ValueError):
                values = []
            if not values or any(value > self.max_page_size for value in values):
                raise ValidationError(
                    {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}, code="invalid"
                )
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not raw.isdigit():
            # DRF reads an empty `page` as the first page; a page is a whole number or a 404.
            raise NotFound(self.invalid_page_message.format(page_number=raw, message="not a page number"))
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
