"""Ordering and filtering that accept only what each view lists (the REST framework defaults).

- ``ordering`` may name only the view's ``ordering_fields`` (an explicit list on every view; a
  view without one cannot be ordered): anything else (``password``, ``user__password``, ``-foo``,
  ``__``) is a 400 ``invalid_ordering``.
- On a list, a query parameter that is neither one of the view's filters, nor ``ordering``, nor a
  pagination parameter, nor ``q``/``format``, nor one of the view's ``extra_query_params``, is a
  400 ``unknown_filter``.
- A filter value the filter cannot read (a non-date on a date filter, a non-UUID on a foreign key)
  is a 400 ``invalid_filter``: the database never sees it. So are the values django-filter would
  silently ignore: an unknown boolean (``?is_active=null``) or an empty value of a non-text filter
  (``?product=``), which would otherwise list everything.
- Date-times compare in UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 allows.
- A field a role does not see is neither a filter nor an ordering for it: where a view shows some
  roles fewer fields (``get_serializer_class`` narrows its ``serializer_class``, e.g. accounting's
  patients: name and billing address only), a filter or an ordering on a field the request's
  serializer leaves out is a 400 ``hidden_field`` (``?birth_date=``, ``?sex=``,
  ``?ordering=birth_date``), on lists and on details alike: else the rows it keeps or their order
  would tell the value. Refused, not ignored: a client is told why its query cannot run. The
  fields are the rule, there is no second list: showing a field to a role allows its filters.
"""

from datetime import UTC, datetime

from django.utils.translation import gettext as _
from django_filters import filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter

from erp.core.exceptions import InvalidInput

ALWAYS_ALLOWED = {"q", "format"}
BOOLEAN_VALUES = {"true", "false", "True", "False", "1", "0"}


class InvalidOrdering(InvalidInput):
    default_code = "invalid_ordering"


class UnknownFilter(InvalidInput):
    default_code = "unknown_filter"


class HiddenField(InvalidInput):
    default_code = "hidden_field"


# serializer class -> the model fields its readable fields show (built once per class)
_shown_fields: dict[type, frozenset[str]] = {}


def shown_fields(serializer_class) -> frozenset[str]:
    """The model fields (the first part of each source) that ``serializer_class`` shows."""
    shown = _shown_fields.get(serializer_class)
    if shown is None:
        fields = serializer_class().fields.values()
        shown = frozenset(
            field.source.split(".")[0] for field in fields if not field.write_only and field.source != "*"
        )
        _shown_fields[serializer_class] = shown
    return shown


def hidden_fields(view) -> frozenset[str]:
    """The fields ``view`` shows to other roles but not to this request: those of its full
    ``serializer_class`` that the serializer this request gets (``get_serializer_class``) leaves out."""
    full = getattr(view, "serializer_class", None)
    if full is None or getattr(view, "request", None) is None:
        return frozenset()
    given = view.get_serializer_class()
    if given is full:
        return frozenset()
    return shown_fields(full) - shown_fields(given)


def _field_of(lookup: str) -> str:
    return lookup.split("__")[0]


def declared_ordering_fields(view) -> list[str]:
    fields = getattr(view, "ordering_fields", None)
    if not isinstance(fields, (list, tuple)):
        return []  # none declared, or "__all__": nothing may be ordered on
    return [field if isinstance(field, str) else field[0] for field in fields]


class StrictOrderingFilter(OrderingFilter):
    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        allowed = set(declared_ordering_fields(view))
        terms = [term.strip() for term in raw.split(",")]
        refused = [term for term in terms if not term or term.removeprefix("-") not in allowed]
        if refused:
            listed = ", ".join(sorted(allowed)) or "none"
            raise InvalidOrdering(
                _("Cannot order by %(terms)s; allowed: %(listed)s.")
                % {"terms": ", ".join(repr(term) for term in refused), "listed": listed},
                field=self.ordering_param,
            )
        hidden = hidden_fields(view)
        unseen = [term for term in terms if _field_of(term.removeprefix("-")) in hidden]
        if unseen:
            raise HiddenField(
                _("Cannot order by %(terms)s: your role does not see this field.")
                % {"terms": ", ".join(repr(term) for term in unseen)},
                field=self.ordering_param,
            )
        return terms


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) == "list":
            unknown = sorted(set(request.query_params) - allowed_query_params(self, request, queryset, view))
            if unknown:
                raise UnknownFilter(
                    _("Unknown query parameter(s): %(unknown)s.") % {"unknown": ", ".join(unknown)},
                    field=unknown[0],
                    extra={"unknown": unknown},
                )
        self._refuse_hidden_filters(request, queryset, view)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = {name: list(messages) for name, messages in filterset.errors.items()}
        errors.update(ignored_values(request, filterset))
        if errors:
            raise ValidationError(
                {
                    name: [ErrorDetail(str(message), code="invalid_filter") for message in messages]
                    for name, messages in errors.items()
                }
            )
        _in_utc(filterset.form.cleaned_data)
        return filterset.qs

    def _refuse_hidden_filters(self, request, queryset, view) -> None:
        """A filter on a field this request's serializer does not show is refused (``hidden_field``)."""
        hidden = hidden_fields(view)
        if not hidden:
            return
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return
        unseen = sorted(
            name for name, declared in filterset_class.base_filters.items()
            if _field_of(declared.field_name) in hidden
            and not _filter_params(name, declared).isdisjoint(request.query_params)
        )  # fmt: skip
        if unseen:
            raise HiddenField(
                _("Cannot filter on %(names)s: your role does not see this field.") % {"names": ", ".join(unseen)},
                field=unseen[0],
            )


def filter_query_params(filterset_class) -> set[str]:
    """The query parameters the filters of ``filterset_class`` read."""
    params = set()
    for name, declared in filterset_class.base_filters.items():
        params |= _filter_params(name, declared)
    return params


def _filter_params(name: str, declared) -> set[str]:
    """The query parameters the filter ``name`` reads: a range filter reads ``<name>_after`` and
    ``<name>_before`` (``_min``/``_max``, ...)."""
    suffixes = getattr(declared.field_class.widget, "suffixes", None)
    return {name} | {f"{name}_{suffix}" if suffix else name for suffix in suffixes or ()}


def ignored_values(request, filterset) -> dict[str, list[str]]:
    """The values django-filter would take as "no filter": not a boolean, or empty on a non-text filter."""
    errors = {}
    for name, filter_ in filterset.filters.items():
        values = request.query_params.getlist(name)
        if isinstance(filter_, filters.BooleanFilter):
            if any(value not in BOOLEAN_VALUES for value in values):
                errors[name] = ["Must be true or false."]
        elif not isinstance(filter_, filters.CharFilter) and "" in values:
            errors[name] = ["This filter needs a value."]
    return errors


def _in_utc(cleaned_data: dict) -> None:
    for name, value in cleaned_data.items():
        if isinstance(value, datetime) and value.tzinfo is not None:
            cleaned_data[name] = value.astimezone(UTC)


def allowed_query_params(backend, request, queryset, view) -> set[str]:
    allowed = set(ALWAYS_ALLOWED) | set(getattr(view, "extra_query_params", ()))
    filterset_class = backend.get_filterset_class(view, queryset)
    if filterset_class is not None:
        allowed |= filter_query_params(filterset_class)
    for filter_backend in getattr(view, "filter_backends", ()):
        if issubclass(filter_backend, OrderingFilter):
            allowed.add(filter_backend.ordering_param)
        if issubclass(filter_backend, SearchFilter):
            allowed.add(filter_backend.search_param)
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        for name in ("page_query_param", "page_size_query_param", "limit_query_param", "offset_query_param"):
            if getattr(paginator, name, None):
                allowed.add(getattr(paginator, name))
    return allowed
