"""The API contract: schema/openapi.yaml is the committed schema; the code must produce exactly it.

Every change to the API's contract is then a reviewed diff of that file. Regenerate with
``make schema`` (``manage.py spectacular --file schema/openapi.yaml --validate --fail-on-warn``).
"""

import difflib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

COMMITTED = Path(settings.BASE_DIR) / "schema" / "openapi.yaml"
REGENERATE = "make schema  (manage.py spectacular --file schema/openapi.yaml --validate --fail-on-warn)"


def test_the_code_produces_the_committed_openapi_schema(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert COMMITTED.exists(), f"schema/openapi.yaml is missing; generate it with: {REGENERATE}"
    expected, actual = COMMITTED.read_text(), generated.read_text()
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile="schema/openapi.yaml (committed)",
                tofile="schema generated from the code",
            )
        )
        raise AssertionError(
            f"The API contract changed. Review the diff below; if it is intended, run {REGENERATE} "
            f"and commit schema/openapi.yaml.\n\n{diff}"
        )


def test_the_contract_documents_the_error_body_of_every_operation():
    import yaml

    schema = yaml.safe_load(COMMITTED.read_text())
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "detail"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert "400" in operation["responses"], f"{method.upper()} {path} does not document 400"
            assert operation["responses"]["404"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }
