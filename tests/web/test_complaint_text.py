"""Codes in a complaint's stored notes shown by their labels (web/complaint_text.py)."""

from __future__ import annotations

from web import complaint_text
from web.i18n import translations
from web.render import label_text

CATALOGUE = translations("zh_CN")


def _label_zh(kind: str, value: object) -> str:
    return label_text(CATALOGUE, kind, value)


def test_routing_and_registration_notes_show_labels() -> None:
    assert (
        complaint_text.note("城东区 × food → 规则 #6（district+domain）", label=_label_zh)
        == "城东区 × 食品 → 规则 #6（按属地和领域）"
    )
    assert (
        complaint_text.note(
            "hotline_12315 登记；未识别属地 × food：无匹配的分送规则，待人工分送", label=_label_zh
        )
        == "12315热线 登记；未识别属地 × 食品：无匹配的分送规则，待人工分送"
    )
    assert complaint_text.note("人工指定承办单位", label=_label_zh) == "人工指定承办单位"


def test_district_source_shows_which_address_decided() -> None:
    def source(code: str) -> str:
        return complaint_text.district_source(code, label=_label_zh, gettext=CATALOGUE.gettext)

    assert source("respondent") == "被投诉方地址"
    assert source("first_received:occurred") == "首先受理地；发生地"
