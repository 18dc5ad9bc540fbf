"""Every wording key the complaints package gives a warning is listed in
`warning_keys.KEYS`, every listed key is written somewhere and worded in Chinese and on the
pages; each key's values word the same facts in Chinese (as stored and sent) and in the
page's language, codes by their labels."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from complaints import warning_keys
from complaints.detect import WarningLevel
from complaints.warning_keys import KEYS
from web import warning_keyed
from web.i18n import translations
from web.render import label_text

PACKAGE = Path(__file__).parents[3] / "complaints"
TZ = ZoneInfo("Asia/Shanghai")

SAMPLES: dict[str, dict[str, Any]] = {
    "rise": {
        "dimension": "domain",
        "subject": "food",
        "label": "食品",
        "start": "2026-11-20",
        "end": "2026-11-22",
        "observed": 75,
        "expected": 17.04,
        "baseline_days": 56,
        "ratio": 4.4,
        "p_value": 1.2e-9,
    },
    "slow_ack": {
        "who": "王建国",
        "count": 4,
        "days": 7,
        "median_minutes": 23.5,
        "limit_minutes": 10,
    },
    "unreachable": {
        "incident": 3,
        "code": "A3",
        "title": "学校食堂疑似食物中毒",
        "exhausted": True,
        "unreachable": 2,
    },
    "roster_gap": {
        "unit": 1,
        "unit_name": "市场监管局值班室",
        "day": "2026-11-26",
        "gaps": [
            {
                "shift": "night",
                "shift_name": "夜班",
                "skill": "food",
                "required": 1,
                "staffed": 0,
                "away": ["王建国"],
            }
        ],
    },
}


def written_keys() -> set[str]:
    """The keys the package's sources give a `Candidate` (`wording_key=`) or word
    (`worded_zh`'s first argument)."""
    found: set[str] = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            arguments = [k.value for k in node.keywords if k.arg == "wording_key"]
            if name == "worded_zh" and node.args:
                arguments.append(node.args[0])
            found.update(
                a.value
                for a in arguments
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            )
    return found


def test_every_written_key_is_listed_and_every_listed_key_is_written_and_worded() -> None:
    written = written_keys()
    assert written - KEYS.keys() == set()
    assert KEYS.keys() - written == set()
    assert warning_keys.ZH.keys() == KEYS.keys()
    assert warning_keyed.TITLES.keys() == KEYS.keys() == warning_keyed.SUMMARIES.keys()
    assert SAMPLES.keys() == KEYS.keys()
    for key, values in SAMPLES.items():
        assert set(values) == KEYS[key], key


def _word(locale: str, key: str, values: dict[str, Any]) -> warning_keyed.Worded:
    catalogue = translations(locale)
    return warning_keyed.word(
        {"title": "stored", "summary": "stored", "wording_key": key, "values": values},
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
        tz=TZ,
        skills={"food": "Food safety" if locale == "en" else "食品安全"},
    )


def test_a_rise_is_worded_in_chinese_as_stored_and_in_english_from_the_labels() -> None:
    values = SAMPLES["rise"]
    title, summary = warning_keys.worded_zh("rise", values)
    assert title == "领域「食品」11月20日至11月22日量升高：75 件，基线 17.0 件"
    assert "按此前 56 天基线" in summary and "为预期的 4.4 倍" in summary
    english = _word("en", "rise", values)
    assert english.title == (
        "Domain “Food” rose from 2026-11-20 to 2026-11-22: 75 items, baseline 17.0"
    )
    assert english.summary.startswith("75 items from 2026-11-20 to 2026-11-22;")
    assert "4.4 times" in english.summary and "p = 1.2e-09" in english.summary
    chinese = _word("zh_CN", "rise", values)
    assert chinese.title == "领域「食品」2026-11-20至2026-11-22量升高：75 件，基线 17.0 件"
    one_day = values | {"start": "2026-11-22", "dimension": "incident_category"}
    one_day |= {"subject": "food_safety", "label": "food_safety", "ratio": None}
    assert _word("en", "rise", one_day).title.startswith("Incident category “Food safety” rose on")
    assert "times" not in _word("en", "rise", one_day).summary
    assert warning_keys.worded_zh("rise", one_day)[0].startswith("突发事件类别「食品安全」11月22日")


DATA_NAMES = ("王建国", "学校食堂疑似食物中毒", "市场监管局值班室", "夜班")  # shown as stored


def _has_han(text: str) -> bool:
    for name in DATA_NAMES:
        text = text.replace(name, "")
    return any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.mark.parametrize("key", ["slow_ack", "unreachable", "roster_gap"])
def test_duty_signals_read_in_english_on_english_pages(key: str) -> None:
    english = _word("en", key, SAMPLES[key])
    chinese = _word("zh_CN", key, SAMPLES[key])
    assert english.title and english.summary
    assert not _has_han(english.title) and not _has_han(english.summary)
    assert _has_han(chinese.title) and _has_han(chinese.summary)
    assert all(_has_han(text) for text in warning_keys.worded_zh(key, SAMPLES[key]))


def test_each_duty_signal_names_its_facts() -> None:
    assert _word("en", "slow_ack", SAMPLES["slow_ack"]) == (
        "王建国 is slow to acknowledge: median 24 min",
        "4 acknowledgements in the last 7 days, median 23.5 min, above the required 10 min.",
    )
    assert warning_keys.worded_zh("slow_ack", SAMPLES["slow_ack"])[0] == (
        "王建国 确认响应偏慢：中位 24 分钟"
    )
    gap = _word("en", "roster_gap", SAMPLES["roster_gap"])
    assert gap.title == "市场监管局值班室: roster gap on 2026-11-26"
    assert gap.summary == "夜班 (Food safety) needs 1, has 0 (王建国 on leave or inactive)"
    assert _word("zh_CN", "roster_gap", SAMPLES["roster_gap"]).summary == (
        "夜班（食品安全）需 1 人，实 0 人（王建国 请假/停用）"
    )
    unreachable = _word("en", "unreachable", SAMPLES["unreachable"])
    assert unreachable.title == (
        "Incident A3 “学校食堂疑似食物中毒”: escalation exhausted, nobody acknowledged"
    )
    assert unreachable.summary.startswith("2 pages found no contact method; every step paged")
    assert warning_keys.worded_zh("unreachable", SAMPLES["unreachable"]) == (
        "事件 A3「学校食堂疑似食物中毒」升级链已用尽仍无人确认",
        "2 次呼叫无可用联系方式；升级链各步均已呼叫，无人确认，正重复最后一步。",
    )


def test_a_warning_without_a_known_key_shows_its_stored_text() -> None:
    assert _word("en", None, {}) == ("stored", "stored")  # type: ignore[arg-type]
    assert _word("en", "rise", {"dimension": "domain"}) == ("stored", "stored")


class _Warning:
    id = 9
    level = WarningLevel.red
    title = "旧标题"
    summary = "旧摘要"

    def __init__(self, key: str | None, values: dict[str, Any]) -> None:
        self.wording_key, self.values = key, values


def test_the_leadership_notice_is_worded_from_the_key_in_chinese() -> None:
    notice = warning_keys.notice_zh(_Warning("rise", SAMPLES["rise"]))
    assert notice.startswith("【DutyDesk】红色预警：领域「食品」11月20日至11月22日量升高")
    assert notice.endswith("详见预警 #9。") and "旧标题" not in notice
    assert warning_keys.notice_zh(_Warning(None, {})) == (
        "【DutyDesk】红色预警：旧标题。旧摘要 详见预警 #9。"
    )
