"""The catalogues: every message id used in the templates and the web modules has a
translation in both languages (every plural form of a plural message), with the same
%(name)s placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from web.i18n import LOCALES, po_path, translations

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _used_messages() -> set[str]:
    method_map = [("web/**.py", "python"), ("web/templates/**.html", "jinja2")]
    options = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(ROOT),
        method_map=method_map,
        options_map=options,
        keywords={"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


USED = _used_messages()


def test_extraction_finds_the_pages_messages() -> None:
    assert {"Sign in", "Log incident", "Leader on duty", "I · particularly serious"} <= USED
    assert len(USED) > 250


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(locale: str) -> None:
    with po_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    missing = sorted(m for m in USED if not (catalog.get(m) and all(_forms(catalog.get(m).string))))
    assert missing == []
    wrong = [
        m.id
        for m in catalog
        if m.id
        and all(_forms(m.string))
        and any(
            set(PLACEHOLDER.findall(form)) != set(PLACEHOLDER.findall(_forms(m.id)[0]))
            for form in _forms(m.string)
        )
    ]
    assert wrong == []


def _forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's id or string as its forms (one, or one per plural form)."""
    return (text,) if isinstance(text, str) else tuple(text)


def test_the_compiled_catalogues_translate() -> None:
    assert translations("zh_CN").gettext("Sign in") == "登录"
    assert translations("en").gettext("Sign in") == "Sign in"
    assert translations("zh_CN").gettext("Welcome, %(name)s") % {"name": "王"} == "您好，王"
    left = ("%(num)s working day left", "%(num)s working days left")
    assert translations("en").ngettext(*left, 1) % {"num": 1} == "1 working day left"
    assert translations("en").ngettext(*left, 3) % {"num": 3} == "3 working days left"
    assert translations("zh_CN").ngettext(*left, 3) % {"num": 3} == "剩 3 个工作日"


def test_no_compiled_catalogues_are_committed() -> None:
    assert list((ROOT / "web" / "locale").rglob("*.mo")) == []


def test_each_complaint_status_has_one_chinese_name() -> None:
    """The queue's filter and an item's page name a status as the CSV export and the
    reports do (complaints.vocab.ZH): 已办结 (not 已关闭), 待受理 (not 已签收待受理)."""
    from complaints.vocab import ZH, Channel, Domain, ItemType, Status
    from web.labels import LABELS

    chinese = translations("zh_CN")
    kinds = {"complaint_status": Status, "item_type": ItemType, "channel": Channel}
    for group, kind in (*kinds.items(), ("domain", Domain)):
        for value, english in LABELS[group].items():
            assert chinese.gettext(english) == ZH[kind(value)], value


def test_chinese_pages_cite_articles_in_chinese_numerals() -> None:
    """第十六条, as the regulation's own text, never 第16条."""
    with po_path("zh_CN").open("rb") as f:
        catalogue = read_po(f)
    cited = [m.string for m in catalogue if isinstance(m.string, str) and "条" in m.string]
    assert cited and not [s for s in cited if re.search(r"第\d+条", s)]
