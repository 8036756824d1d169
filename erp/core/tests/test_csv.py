"""The shared CSV writer (``erp.core.csv``): text a spreadsheet would run as a formula is
neutralised, numbers the export computed stay numbers."""

import csv
import io
import uuid
from decimal import Decimal

import pytest

from erp.core.csv import csv_cell, csv_lines, csv_response

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "\uff1d1+1"]


def parsed(lines) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(lines))))


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_cell_neutralises_each_formula_prefix(text):
    assert csv_cell(text) == "'" + text
    assert parsed(csv_lines(["name"], [[text]]))[1] == ["'" + text]


@pytest.mark.parametrize("text", ["Cream", "Anna O'Neil", "1+1", "a=b", "", "café -12"])
def test_csv_cell_keeps_harmless_text(text):
    assert csv_cell(text) == text


@pytest.mark.parametrize("number", [Decimal("-12.50"), -3, Decimal("0.00"), 7, -0.5])
def test_csv_cell_keeps_numbers_as_numbers(number):
    assert csv_cell(number) == number
    assert parsed(csv_lines(["amount"], [[number]]))[1] == [str(number)]


def test_csv_cell_neutralises_what_only_looks_like_a_number():
    # A string is text whatever it holds; a non-finite number is no amount.
    assert csv_cell("-12.50") == "'-12.50"
    assert csv_cell(Decimal("-Infinity")) == "'-Infinity"
    assert csv_cell(float("-inf")) == "'-inf"


def test_csv_cell_writes_other_values_as_text():
    key = uuid.uuid4()
    assert csv_cell(key) == str(key)
    assert csv_cell(None) == ""
    assert csv_cell(True) == "True"


def test_csv_lines_neutralise_the_header_too_and_skip_an_empty_one():
    assert parsed(csv_lines(["=name"], [])) == [["'=name"]]
    assert list(csv_lines([], [])) == []


def test_csv_response_streams_or_not():
    streamed = csv_response(header=["a"], rows=iter([["-x"]]), filename="x.csv", stream=True)
    assert streamed.streaming
    assert b"".join(streamed.streaming_content).decode() == "a\r\n'-x\r\n"
    plain = csv_response(header=["a"], rows=[[Decimal("-1.00")]], filename="y.csv")
    assert plain.content.decode() == "a\r\n-1.00\r\n"
    assert plain["Content-Type"] == "text/csv; charset=utf-8"
    assert plain["Content-Disposition"] == 'attachment; filename="y.csv"'
