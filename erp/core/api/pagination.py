from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of 50 by default; ``page_size`` from 1 to 200, anything else is a 400 (not a silent default)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

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
