"""Serializer fields shared by the API."""

from collections import defaultdict
from datetime import UTC
from decimal import Decimal
from functools import cache

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Prefetch, QuerySet
from rest_framework import serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField
from rest_framework.settings import api_settings


class DateTimeField(serializers.DateTimeField):
    """An RFC 3339 date-time in UTC (``2026-01-15T09:00:00Z``), as the schema's ``format: date-time``
    promises: the API speaks UTC, whatever the clinic's or the location's zone, and reads a
    date-time sent without an offset as UTC. Screens, PDFs and messages show each location's own
    clock."""

    def default_timezone(self):
        return UTC


class DecimalField(serializers.DecimalField):
    """DRF's decimal, writing a value that already has the field's decimal places (as PostgreSQL
    returns a ``numeric(p, s)`` column) without quantizing it again: the same text, without a
    decimal context copied and a power computed for each of the ~850 amounts of a page of sales."""

    def to_representation(self, value):
        if (
            type(value) is Decimal
            and self.decimal_places is not None
            and not (self.normalize_output or self.localize)
            and getattr(self, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
        ):
            _sign, digits, exponent = value.as_tuple()
            if exponent == -self.decimal_places and (self.max_digits is None or len(digits) <= self.max_digits):
                return f"{value:f}"
        return super().to_representation(value)


# A ``ModelSerializer`` mixin for the serializers of long lists: each column of the model is read
# straight from the row, instead of DRF's generic lookup per field and row (a source path walk, a
# callable test, a primary-key stand-in object). Anything else (nested serializers, method fields,
# dotted sources, fields with their own ``get_attribute``) is read by DRF as usual, and every value
# is still written by its field's ``to_representation``: same document (test_listed_rows_*), a
# quarter less time on a page of 50 sales. (A comment, not a docstring: drf-spectacular would take
# a docstring as the description of every serializer that has none of its own.)
class ListedRows:
    def to_representation(self, instance):
        plan = self.__dict__.get("_listed_plan")
        if plan is None:
            model = self.Meta.model
            plan = [(f.field_name, f, _column_of(f, model)) for f in self.fields.values() if not f.write_only]
            self.__dict__["_listed_plan"] = plan
        ret = {}
        for name, field, column in plan:
            if column is not None:
                attname, raw = column
                value = getattr(instance, attname)
                ret[name] = value if value is None or raw else field.to_representation(value)
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            present = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if present is None else field.to_representation(attribute)
        return ret


def _column_of(field, model) -> tuple[str, bool] | None:
    """(attribute, written as is) when ``field`` shows one column of ``model``: a foreign key's id
    (DRF writes the key itself) or a plain column (written by the field)."""
    if len(field.source_attrs) != 1:
        return None
    try:
        model_field = model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None
    if not getattr(model_field, "concrete", False):
        return None
    if model_field.is_relation:
        if type(field) is PrimaryKeyRelatedField and field.pk_field is None and model_field.many_to_one:
            return model_field.attname, True
        return None
    if type(field).get_attribute is not Field.get_attribute:
        return None
    return model_field.attname, False


def prefetch_list(relation: str, queryset: QuerySet | None = None) -> Prefetch:
    """Prefetch a to-many relation into a plain list, for a ``PrefetchedList`` field to read.

    Prefetching into the related manager (``prefetch_related("lines")``) makes Django build a
    filtered queryset for every parent row, a query clone and a lookup resolution each; a list costs
    nothing (bench/profiling.md, the sales list).
    """
    return Prefetch(relation, queryset=queryset, to_attr=_prefetched_attr(relation))


def attach_lists(rows: list, relation: str, queryset: QuerySet, *, key: str) -> None:
    """Load the ``relation`` rows of ``rows`` (a page already read) in one query, grouped by their
    ``key`` column, into the lists a ``PrefetchedList`` field reads: what ``prefetch_list`` leaves,
    without Django's prefetch machinery around the query (it filters by the parent instances,
    resolving each to its key, and sets the parent on every child; bench/profiling.md, ninth pass).
    A child's parent is then not set on it: read its ``key``."""
    grouped = defaultdict(list)
    if rows:
        for child in queryset.filter(**{f"{key}__in": [row.pk for row in rows]}):
            grouped[getattr(child, key)].append(child)
    attr = _prefetched_attr(relation)
    for row in rows:
        setattr(row, attr, grouped.get(row.pk, []))


def _prefetched_attr(relation: str) -> str:
    return f"_prefetched_{relation}"


class PrefetchedList(serializers.ListSerializer):
    """A to-many relation in a serializer: the list ``prefetch_list`` or ``attach_lists`` left on
    the row when it was loaded that way, otherwise the relation itself (a row just created or
    changed)."""

    def get_attribute(self, instance):
        try:
            return getattr(instance, _prefetched_attr(self.source))
        except AttributeError:
            return super().get_attribute(instance)


class JoinedColumn:
    """A field mixin for a column of a related row (``source="lot.lot_code"``): the API's query
    annotates it on each row (``annotate(**joined_columns(Serializer))``: one join, no related
    model instance built per row); a row loaded otherwise reads it through the relation."""

    def __init__(self, *args, annotation: str, **kwargs):
        self.annotation = annotation
        super().__init__(*args, **kwargs)

    def get_attribute(self, instance):
        try:
            return instance.__dict__[self.annotation]
        except KeyError:
            return super().get_attribute(instance)


@cache
def joined_columns(serializer_class) -> dict[str, F]:
    """The annotations a queryset adds for the ``JoinedColumn`` fields of ``serializer_class`` (once per class)."""
    return {
        field.annotation: F(field.source.replace(".", "__"))
        for field in serializer_class().fields.values()
        if isinstance(field, JoinedColumn)
    }


class JoinedCharField(JoinedColumn, serializers.CharField):
    pass


class JoinedDateField(JoinedColumn, serializers.DateField):
    pass


class StrictCharField(serializers.CharField):
    """Text only: DRF's CharField also takes a JSON number or boolean and stores its digits."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

