"""Every message the code marks for translation is translated for the staff and the website.

The messages are extracted the way ``manage.py makemessages`` does it, from a copy of the sources
(the committed catalogs are never touched), then looked up in every catalog of the project that
Django loads: the top-level ``locale/`` and each app's own ``<app>/locale/``. A message counts as
translated when any of them has it (in its compiled ``.mo``). French, the clinic's language, must be
complete; so must ru, uk, hy and es. English is the language of the msgids: an English entry may
stay empty (Django then shows the msgid). No catalog may hold a fuzzy entry (a guess that Django
ignores), and every ``.mo`` must be compiled from its ``.po``.
"""

import shutil
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

BASE_DIR = Path(settings.BASE_DIR)
SOURCE_LANGUAGE = "en"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Never scanned: the virtualenv, runtime data, front-end dependencies, generated or committed
# catalogs, documentation and the API contract.
NOT_SOURCES = {".git", ".venv", "var", "node_modules", "locale", "__pycache__", "docs", "schema", "bench"}


def _key(entry) -> tuple[str | None, str]:
    return (entry.msgctxt or None, entry.msgid)


def _translation(entry):
    return entry.msgstr_plural or entry.msgstr


def _label(key: tuple[str | None, str]) -> str:
    context, msgid = key
    return f"[{context}] {msgid!r}" if context else repr(msgid)


def project_locale_dirs() -> list[Path]:
    """The locale folders of this project that Django loads: LOCALE_PATHS and each project app's own."""
    found = [Path(path) for path in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        app_dir = Path(config.path).resolve()
        ours = app_dir.is_relative_to(BASE_DIR.resolve()) and "site-packages" not in app_dir.parts
        if ours and (app_dir / "locale").is_dir():
            found.append(app_dir / "locale")
    return [path for path in dict.fromkeys(found) if path.is_dir()]


def catalog_files(language: str, suffix: str) -> list[Path]:
    return [
        path / language / "LC_MESSAGES" / f"django.{suffix}"
        for path in project_locale_dirs()
        if (path / language / "LC_MESSAGES" / f"django.{suffix}").is_file()
    ]


def extract_messages(tmp_path: Path, monkeypatch) -> set[tuple[str | None, str]]:
    """The (context, msgid) pairs ``makemessages`` finds in a copy of the sources."""
    copy = tmp_path / "src"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=lambda directory, names: [
            name for name in names if name in NOT_SOURCES or name.endswith((".po", ".mo", ".pyc"))
        ],
    )
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
        call_command("makemessages", locale=["fr"], verbosity=0, no_location=True)
    extracted = set()
    for po_file in copy.rglob("locale/fr/LC_MESSAGES/django.po"):
        extracted |= {_key(entry) for entry in polib.pofile(str(po_file)) if entry.msgid}
    return extracted


def translated_messages(language: str) -> set[tuple[str | None, str]]:
    """What Django can show in ``language``: the non-empty entries of the project's compiled catalogs."""
    found = set()
    for mo_file in catalog_files(language, "mo"):
        found |= {
            _key(entry)
            for entry in polib.mofile(str(mo_file))
            if entry.msgid and any(str(text) for text in (entry.msgstr_plural or {0: entry.msgstr}).values())
        }
    return found


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    try:
        yield extract_messages(tmp_path_factory.mktemp("messages"), monkeypatch)
    finally:
        monkeypatch.undo()


def test_the_extraction_finds_the_messages_of_every_part(extracted):
    # A guard against a test that passes because it extracted nothing: one message from each part.
    msgids = {msgid for _context, msgid in extracted}
    assert {"Leave this field empty", "Consents", "Pay and issue the invoice", "Audit log"} <= msgids


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != SOURCE_LANGUAGE])
def test_every_message_is_translated(extracted, language):
    missing = sorted(extracted - translated_messages(language), key=lambda key: (key[1], key[0] or ""))
    assert not missing, (
        f"{len(missing)} message(s) have no {language} translation in the project's catalogs "
        f"({', '.join(str(path) for path in project_locale_dirs())}); translate them in the .po, then "
        "run compilemessages:\n" + "\n".join(_label(key) for key in missing)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalog_holds_a_fuzzy_entry(language):
    fuzzy = [
        f"{po_file.relative_to(BASE_DIR)}: {_label(_key(entry))}"
        for po_file in catalog_files(language, "po")
        for entry in polib.pofile(str(po_file)).fuzzy_entries()
    ]
    assert not fuzzy, "Fuzzy entries are ignored by Django; translate them and remove the flag:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_compiled_catalog_matches_its_source(language):
    stale = []
    for po_file in catalog_files(language, "po"):
        mo_file = po_file.with_suffix(".mo")
        compiled = (
            {_key(entry): _translation(entry) for entry in polib.mofile(str(mo_file))} if mo_file.is_file() else {}
        )
        for entry in polib.pofile(str(po_file)).translated_entries():
            if compiled.get(_key(entry)) != _translation(entry):
                stale.append(f"{po_file.relative_to(BASE_DIR)}: {_label(_key(entry))}")
    assert not stale, "These translations are not compiled; run compilemessages:\n" + "\n".join(stale)
