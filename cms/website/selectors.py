"""Reads of the website app."""

from dataclasses import dataclass

from django.conf import settings
from wagtail.models import Locale, Page


@dataclass
class TranslationCell:
    language: str
    state: str  # "missing", "draft", "outdated", "up_to_date"
    page: Page | None


@dataclass
class TranslationRow:
    page: Page
    cells: list[TranslationCell]

    @property
    def needs_work(self) -> bool:
        return any(cell.state != "up_to_date" for cell in self.cells)


def translation_status(source_language: str | None = None) -> list[TranslationRow]:
    """Per page of the source language: in which languages it is missing, a draft or out of date.

    A translation is out of date when the source page was published after it (the editor changed the
    original and the translation was not published since). An alias of the source counts as missing.
    """
    source_language = source_language or settings.LANGUAGE_CODE
    source_locale = Locale.objects.filter(language_code=source_language).first()
    if source_locale is None:
        return []
    others = [code for code in settings.LANGUAGE_CODES if code != source_language]
    sources = list(Page.objects.filter(locale=source_locale, depth__gte=2, alias_of__isnull=True).order_by("path"))
    translations: dict = {}
    for page in Page.objects.filter(
        translation_key__in=[p.translation_key for p in sources], locale__language_code__in=others
    ).select_related("locale"):
        translations[(page.translation_key, page.locale.language_code)] = page
    rows = []
    for source in sources:
        cells = []
        for code in others:
            page = translations.get((source.translation_key, code))
            if page is None or page.alias_of_id is not None:
                state = "missing"
            elif not page.live:
                state = "draft"
            elif source.last_published_at and (
                page.last_published_at is None or page.last_published_at < source.last_published_at
            ):
                state = "outdated"
            else:
                state = "up_to_date"
            cells.append(TranslationCell(language=code, state=state, page=page))
        rows.append(TranslationRow(page=source, cells=cells))
    return rows
