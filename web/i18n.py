"""Languages of the pages: Simplified Chinese by default, English on request.

The catalogues are gettext `.po` files under `web/locale/<locale>/LC_MESSAGES/messages.po`,
committed as text and compiled in memory at start-up (no `.mo` build output in the repo).
The language is chosen by the `dutydesk_lang` cookie (set by the switch in the header);
`Accept-Language` is ignored so that a shared duty-room PC shows the centre's language.
Message ids are English; the English catalogue maps each to itself (or a better wording).
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import Request

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
LANG_COOKIE = "dutydesk_lang"
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Marks a message id for extraction; it is translated where it is shown."""
    return message


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


@cache
def translations(locale: str) -> Translations:
    """The compiled catalogue of `locale` (read once per process)."""
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}")
    with po_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain="messages")


def locale_of(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE, "")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def gettext(locale: str, message: str) -> str:
    return translations(locale).gettext(message)


def pgettext_in(locale: str, context: str, message: str) -> str:
    """`message` in the sense `context` gives it (one English word, two meanings)."""
    return str(translations(locale).pgettext(context, message))
