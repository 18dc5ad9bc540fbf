"""A repeat report, a raised level and accident details on an incident's timeline
(web/timeline_details.py): a Chinese page showed them in the stored English ("another report
of the same event attached: …", "accident details from a repeat report: deaths 1 → 3")."""

from __future__ import annotations

import re

import pytest

from web import timeline
from web.i18n import translations
from web.render import label_text

ENGLISH_WORDS = re.compile(
    r"\b(?:report|attached|caller|severity|raised|plan|escalation|details|deaths|kept|"
    r"figures|lowered|level|min|lift|True|False|serious_injuries|equipment_type)\b"
)


def _shown(text: str, locale: str = "zh_CN") -> str:
    catalogue = translations(locale)
    return timeline.localise(
        text,
        names={},
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
    )


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (
            "another report of the same event attached: III 电梯坠落 (caller 刘女士, "
            "+8613900001111): 5号楼电梯轿厢坠落",
            "同一事件的又一次报告：III级 · 较大 电梯坠落（来电人 刘女士, +8613900001111）："
            "5号楼电梯轿厢坠落",
        ),
        (
            "another report of the same event attached: IV 电梯困人",
            "同一事件的又一次报告：IV级 · 一般 电梯困人",
        ),
        (
            "severity raised from IV to III by a new report: plan special_equipment-III; "
            "escalation goes on at step 1 under it, paging again now; reports due 30 / 60 min "
            "after opening",
            "因新的报告，级别由 IV级 · 一般 上调为 III级 · 较大：预案 特种设备 III级；"
            "在第 1 步继续升级，立即重新呼叫；开启后 30 / 60 分钟内报告",
        ),
        (
            "severity raised from III to II by its accident figures: plan 电梯II级; already "
            "acknowledged: telling leadership now; reports due 15 / 30 min after opening",
            None,
        ),
        (
            "accident details from a repeat report: deaths 1 → 3; serious_injuries 2 → 12; "
            "the figures suggest level III (now IV)",
            "重复报告带来的事故情况：死亡人数 1 → 3；重伤人数 2 → 12；"
            "按上报数字建议 III级 · 较大（现为 IV级 · 一般）",
        ),
        (
            "accident details from a repeat report: equipment_type — → lift; not lowered or "
            "overwritten: deaths 3 kept (report: 1); measures_taken 封锁现场; 疏散 kept "
            "(report: 报警)",
            None,
        ),
        (
            "accident details from a repeat report not applied: deaths 3 kept (report: 1)",
            "重复报告的事故情况未采用：死亡人数 3 保持不变（报告为 1）",
        ),
        (
            "accident details: explosion_or_overturn False → True; the figures suggest level "
            "III (now IV)",
            "事故情况：锅炉、压力容器爆炸或起重机械整体倾覆 否 → 是；"
            "按上报数字建议 III级 · 较大（现为 IV级 · 一般）",
        ),
    ],
)
def test_repeat_reports_and_accident_details_read_in_chinese(
    stored: str, shown: str | None
) -> None:
    text = _shown(stored)
    if shown is not None:
        assert text == shown
    assert ENGLISH_WORDS.search(text) is None, text


def test_free_text_with_semicolons_stays_whole() -> None:
    text = _shown("accident details: measures_taken — → 封锁现场; 疏散群众")
    assert text == "事故情况：处置措施 — → 封锁现场; 疏散群众"


def test_the_english_page_words_them_in_english() -> None:
    text = _shown(
        "accident details from a repeat report: deaths 1 → 3; serious_injuries 2 → 12",
        locale="en",
    )
    assert text == "accident details from a repeat report: Deaths 1 → 3; Serious injuries 2 → 12"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (
            "written report to 市局应急值班室 by written (also recorded as the initial report) "
            "(TZ50 Art. 10 items still missing: direct_loss_yuan, measures_taken)",
            "书面报告报送 市局应急值班室，方式：书面（同时记为初报）"
            "（事故报告尚缺：初步估计的直接经济损失、已采取的措施）",
        ),
        (
            "initial report to 市局 by phone: 已到场 (TZ50 Art. 10 items still missing: "
            "direct_loss_yuan)",
            "初报报送 市局，方式：电话：已到场（事故报告尚缺：初步估计的直接经济损失）",
        ),
    ],
)
def test_a_report_with_items_still_missing_reads_in_chinese(stored: str, shown: str) -> None:
    assert _shown(stored) == shown
