"""What the schemathesis run found, fixed once for the whole API: each rule has its own test here."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import models
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from erp.core.api.fields import DateTimeField, DecimalField
from erp.core.api.schema import decimal_pattern
from erp.core.api.serializers import ModelSerializer
from erp.core.tests.factories import ClinicLocationFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_client() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(roles=["admin"]))
    return client


def test_an_unknown_api_url_is_a_json_404_with_the_error_body():
    response = admin_client().get("/api/v1/appointments/0.5/attend/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "No such resource."}
    assert "text/html" in APIClient().get("/no-such-page/").get("Content-Type", "text/html")


@pytest.mark.parametrize("value", ["null", "0.5", "", "yes please"])
def test_a_boolean_filter_refuses_what_is_not_a_boolean(value):
    response = admin_client().get("/api/v1/locations/", {"is_active": value})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter" and "is_active" in response.json()["errors"]


def test_a_boolean_filter_still_filters():
    ClinicLocationFactory(name="Open", is_active=True)
    ClinicLocationFactory(name="Closed", is_active=False)
    names = [row["name"] for row in admin_client().get("/api/v1/locations/", {"is_active": "false"}).json()["results"]]
    assert names == ["Closed"]


@pytest.mark.parametrize("value", ["0", "-3", "201", "abc", "{}"])
def test_page_size_out_of_range_is_a_400_not_a_silent_default(value):
    response = admin_client().get("/api/v1/locations/", {"page_size": value})
    assert response.status_code == 400 and "page_size" in response.json()["errors"]


def test_page_size_in_range_is_used():
    for index in range(3):
        ClinicLocationFactory(name=f"Site {index}")
    body = admin_client().get("/api/v1/locations/", {"page_size": "2"}).json()
    assert len(body["results"]) == 2 and body["next"]


def test_the_api_reads_json_only_and_uploads_read_multipart():
    client = admin_client()
    form = client.post("/api/v1/locations/", {"name": "Form", "city": "Paris"}, format="multipart")
    assert form.status_code == 415 and form.json()["code"] == "unsupported_media_type"
    created = client.post("/api/v1/locations/", {"name": "Json", "city": "Paris", "country_code": "FR"}, format="json")
    assert created.status_code == 201
    # An upload action still reads multipart: the file is refused for its content, not its encoding.
    upload = client.post("/api/v1/documents/", {"patient": "x"}, format="multipart")
    assert upload.status_code == 400


@pytest.mark.parametrize(
    ("field", "valid", "invalid"),
    [
        (
            serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0")),
            ["0", "1.5", "999.99", ".5"],
            ["", "-1", ".", "1000", "-"],
        ),
        (serializers.DecimalField(max_digits=10, decimal_places=2), ["-12.50", "3"], ["", "-", "."]),
    ],
)
def test_decimal_patterns_match_what_drf_accepts(field, valid, invalid):
    import re

    pattern = re.compile(decimal_pattern(field))
    for value in valid:
        assert pattern.match(value), value
        field.run_validation(value)
    for value in invalid:
        assert not pattern.match(value), value


def test_date_times_are_written_and_read_in_utc():
    """The API speaks UTC (RFC 3339 with ``Z``), whatever the zone of the clinic or the request."""
    field = DateTimeField()
    old = datetime(1335, 4, 2, 22, 10, 6, tzinfo=UTC)
    assert field.to_representation(old) == "1335-04-02T22:10:06Z"
    recent = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    assert field.to_representation(recent) == "2026-01-15T09:00:00Z"
    assert field.to_representation(timezone.localtime(recent)) == "2026-01-15T09:00:00Z"
    with timezone.override("Asia/Yerevan"):
        assert DateTimeField().to_representation(recent) == "2026-01-15T09:00:00Z"
    # A date-time sent without an offset is read as UTC.
    assert field.to_internal_value("2026-01-15T10:00:00") == datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    assert field.to_internal_value("2026-01-15T10:00:00+01:00") == recent
    assert ModelSerializer.serializer_field_mapping[models.DateTimeField] is DateTimeField


@pytest.mark.parametrize(
    "options",
    [
        {"max_digits": 10, "decimal_places": 2},
        {"max_digits": None, "decimal_places": 2},
        {"max_digits": 10, "decimal_places": 0},
        {"max_digits": 5, "decimal_places": 2},
        {"max_digits": 10, "decimal_places": None},
        {"max_digits": 10, "decimal_places": 2, "coerce_to_string": False},
        {"max_digits": 10, "decimal_places": 2, "normalize_output": True},
    ],
)
def test_decimals_are_written_as_drf_writes_them(options):
    """The shortcut for an amount that already has its decimal places writes what DRF writes."""
    ours, drf = DecimalField(**options), serializers.DecimalField(**options)
    values = ["12.30", "0.00", "-0.00", "-5.10", "12.3", "12.345", "1E+2", "0E-2", "99999999.99", "123456.78", "NaN"]
    for value in [*(Decimal(v) for v in values), 5, 2.5, None]:
        try:
            expected = drf.to_representation(value)
        except Exception as error:  # noqa: BLE001  (the same refusal is expected)
            with pytest.raises(type(error)):
                ours.to_representation(value)
            continue
        written = ours.to_representation(value)
        assert (type(written), str(written)) == (type(expected), str(expected)), value
    assert DecimalField(max_digits=10, decimal_places=2).to_representation(Decimal("12.30")) == "12.30"
    assert ModelSerializer.serializer_field_mapping[models.DecimalField] is DecimalField


def test_a_card_fee_above_100_percent_is_a_400_not_a_database_error():
    client = admin_client()
    rule = {
        "provider": "SumUp",
        "fee_percent": "150",
        "fee_fixed_amount": "0",
        "currency": "EUR",
        "effective_from": "2026-01-01",
    }
    response = client.post("/api/v1/card-fee-rules/", rule, format="json")
    assert response.status_code == 400 and "fee_percent" in response.json()["errors"]
    backwards = {**rule, "fee_percent": "1.5", "effective_to": "2025-01-01"}
    response = client.post("/api/v1/card-fee-rules/", backwards, format="json")
    assert response.status_code == 400 and response.json()["code"] == "effective_range_invalid"


def test_text_fields_refuse_numbers():
    response = admin_client().post("/api/v1/product-categories/", {"name": -27}, format="json")
    assert response.status_code == 400 and "name" in response.json()["errors"]


def test_an_empty_value_for_a_non_text_filter_is_refused():
    response = admin_client().get("/api/v1/sale-lines/", {"product": ""})
    assert response.status_code == 400 and "product" in response.json()["errors"]


def test_a_date_time_filter_with_a_far_offset_is_compared_in_utc():
    # ISO 8601 allows +23:44; PostgreSQL refuses offsets past ±15:59 (this was a 500).
    response = admin_client().get("/api/v1/stock-moves/", {"occurred_before": "1505-07-10T10:29:07+23:44"})
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize("page", ["", "x", "-1"])
def test_a_page_that_is_not_a_page_number_is_a_404(page):
    response = admin_client().get("/api/v1/locations/", {"page": page})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
