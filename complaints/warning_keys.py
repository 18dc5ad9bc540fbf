"""The keys of early warnings' wording, the values each says, and the Chinese they read as.

A warning (`insight_models.EarlyWarning`) stores the key of its wording (`wording_key`) and
the values it says (`values`) beside its finished Chinese title and summary, which the API,
the audit and the analysis reports keep. Both texts, and the notice sent to the leadership
group's phones, are made here from the key and values, so there is one source of wording;
a page words the same key and values in its own language (web/warning_keyed.py). `KEYS`
lists each key with the names of its values; a warning carries exactly those. Warnings
written before keys existed have key NULL and values {}.

Values are JSON: counts and minutes as numbers, days as ISO dates, codes (dimension, domain,
incident category, skill) as stored, so a page words them from its label tables. Names that
are data, not wording (a business, a district, a keyword, a unit, a shift, a person), are
kept as stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Protocol

from complaints.detect import WarningLevel
from complaints.vocab import ZH as DOMAIN_ZH
from complaints.vocab import Domain
from escalation.models import CATEGORY_ZH

Values = Mapping[str, Any]


class KeyedWarning(Protocol):
    """What a notice needs of a warning (`insight_models.EarlyWarning`)."""

    id: int | None
    level: WarningLevel
    title: str
    summary: str
    wording_key: str | None
    values: dict[str, Any]


KEYS: dict[str, frozenset[str]] = {
    # complaints.warning_detection: a count series above its baseline
    "rise": frozenset(
        {
            "dimension",
            "subject",
            "label",
            "start",
            "end",
            "observed",
            "expected",
            "baseline_days",
            "ratio",
            "p_value",
        }
    ),
    # complaints.duty_signals
    "slow_ack": frozenset({"who", "count", "days", "median_minutes", "limit_minutes"}),
    "unreachable": frozenset({"incident", "code", "title", "exhausted", "unreachable"}),
    # complaints.roster_gaps; each gap: shift, shift_name, skill, required, staffed, away
    "roster_gap": frozenset({"unit", "unit_name", "day", "gaps"}),
}

LEVEL_ZH = {
    WarningLevel.red: "红色",
    WarningLevel.orange: "橙色",
    WarningLevel.yellow: "黄色",
    WarningLevel.blue: "蓝色",
}
DIMENSION_ZH = {
    "total": "投诉举报总量",
    "domain": "领域",
    "district": "区县",
    "business": "经营者",
    "keyword": "关键词",
    "incident_category": "突发事件类别",
    "unreachable": "呼叫未送达",
    "ack_latency": "确认时效",
    "roster_gap": "值班缺员",
}
_DOMAINS = {d.value: DOMAIN_ZH[d] for d in Domain}


def _month_day(iso: str) -> str:
    return f"{date.fromisoformat(iso):%m月%d日}"


def subject_zh(v: Values) -> str:
    """What rose, in Chinese: a domain or incident category by its Chinese name, other
    subjects (a district, a business, a keyword) as stored."""
    if v["dimension"] == "domain":
        return _DOMAINS.get(v["subject"], str(v["label"]))
    if v["dimension"] == "incident_category":
        return CATEGORY_ZH.get(v["subject"], str(v["label"]))
    return str(v["label"])


def _span_zh(v: Values) -> str:
    if v["start"] == v["end"]:
        return _month_day(v["end"])
    return f"{_month_day(v['start'])}至{_month_day(v['end'])}"


def _rise(v: Values) -> tuple[str, str]:
    what = DIMENSION_ZH.get(v["dimension"], v["dimension"])
    span = _span_zh(v)
    title = (
        f"{what}「{subject_zh(v)}」{span}量升高：{v['observed']} 件，基线 {v['expected']:.1f} 件"
    )
    times = "" if v["ratio"] is None else f"为预期的 {v['ratio']:.1f} 倍，"
    summary = (
        f"{span}共 {v['observed']} 件，按此前 {v['baseline_days']} 天"
        f"基线（含星期与节假日规律）预期 {v['expected']:.1f} 件，{times}"
        f"显著性 p={v['p_value']:.1e}。"
    )
    return title, summary


def _slow_ack(v: Values) -> tuple[str, str]:
    title = f"{v['who']} 确认响应偏慢：中位 {v['median_minutes']:.0f} 分钟"
    summary = (
        f"近 {v['days']} 天 {v['count']} 次确认，中位 {v['median_minutes']:.1f} 分钟，"
        f"超过 {v['limit_minutes']} 分钟的要求。"
    )
    return title, summary


def _unreachable(v: Values) -> tuple[str, str]:
    what = "升级链已用尽仍无人确认" if v["exhausted"] else "部分呼叫无法送达"
    title = f"事件 {v['code']}「{v['title'][:40]}」{what}"
    parts = []
    if v["unreachable"]:
        parts.append(f"{v['unreachable']} 次呼叫无可用联系方式")
    if v["exhausted"]:
        parts.append("升级链各步均已呼叫，无人确认，正重复最后一步")
    return title, "；".join(parts) + "。"


def _gap_zh(gap: Values) -> str:
    skill = f"（{gap['skill']}）" if gap["skill"] else ""
    away = f"（{'、'.join(gap['away'])} 请假/停用）" if gap["away"] else ""
    return f"{gap['shift_name']}{skill}需 {gap['required']} 人，实 {gap['staffed']} 人{away}"


def _roster_gap(v: Values) -> tuple[str, str]:
    title = f"{v['unit_name']} {_month_day(v['day'])} 值班缺员"
    return title, "；".join(_gap_zh(g) for g in v["gaps"])


ZH: dict[str, Callable[[Values], tuple[str, str]]] = {
    "rise": _rise,
    "slow_ack": _slow_ack,
    "unreachable": _unreachable,
    "roster_gap": _roster_gap,
}


def worded_zh(key: str, values: Values) -> tuple[str, str]:
    """(title, summary) in Chinese, as stored and as the notices say them."""
    return ZH[key](values)


def notice_zh(warning: KeyedWarning) -> str:
    """The SMS / group message telling the leadership of a warning (in Chinese: it goes to
    Chinese duty staff's phones), worded from its key and values; a warning without a known
    key (stored before keys) from its stored text."""
    key = warning.wording_key
    if key in ZH:
        title, summary = worded_zh(key, warning.values)
    else:
        title, summary = warning.title, warning.summary
    level = LEVEL_ZH[warning.level]
    return f"【DutyDesk】{level}预警：{title}。{summary[:300]} 详见预警 #{warning.id}。"
