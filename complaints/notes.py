"""System-written complaint notes (history entries, routing notes), written once as parts.

A note is a sequence of `Part`s: a message key from `KEYS` and its arguments. From the
parts come both the stored Chinese text (exports, the audit log and the regulators' formats
read it; it is exactly the text written before parts existed) and the structured JSON stored
beside it, which the pages render in the reader's language (`web.complaint_notes`) and the
JSON API returns. Arguments named in a key's `labels` are enumeration codes (domain,
urgency, channel …) that a reader shows by their label. Words typed by staff are the part
`text` and are never translated. Rows written before the parts have text only.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from complaints.vocab import CLOCK_ZH, ClockKind
from escalation.models import CATEGORY_ZH

Arg = str | int | list[str]
SEPARATOR = "；"


def fields(template: str) -> set[str]:
    """The argument names of a template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Key:
    zh: str  # str.format template of the stored Chinese text
    labels: Mapping[str, str] = field(default_factory=dict)  # argument → enumeration kind
    # arguments whose Chinese text is not the stored value (a code's Chinese name, a date)
    zh_values: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    attached: bool = False  # follows the part before it without a separator


# the agent fields as the history names them (a note lists the changed ones)
AGENT_FIELDS_ZH = {
    "agent_name": "代理人姓名",
    "agent_phone": "代理人电话",
    "agent_id_type": "代理人证件类型",
    "agent_id_number": "代理人证件号码",
    "agent_poa_received": "授权委托书",
    "agent_poa_date": "授权委托书收到日期",
    "group_size": "投诉人数",
    "representatives": "代表",
}


# a clock's limit unit as the history writes it after the number
LIMIT_UNITS_ZH = {"hours": " 小时", "working": " 个工作日", "calendar": " 天"}


def _limit_unit_zh(unit: str) -> str:
    return LIMIT_UNITS_ZH.get(unit, " 天")


def _agent_fields_zh(names: list[str]) -> str:
    return "、".join(AGENT_FIELDS_ZH[name] for name in names)


def _month_day_zh(local: str) -> str:
    """A notice's deadline: 2026-11-24 → 11月24日, 2026-11-24 01:10 → 11月24日01:10."""
    day, _, clock = local.partition(" ")
    return f"{day[5:7]}月{day[8:10]}日{clock}"


def _unit_zh(name: str) -> str:
    return name or "受理科（待分送）"


def _clock_zh(kind: str) -> str:
    return CLOCK_ZH[ClockKind(kind)]


def _notice(zh: str) -> Key:
    """A supervision notice (complaints.supervision_notices): what the SMS says, and the
    history and supervision record keep."""
    names = fields(zh)
    labels = {"what": "clock_in_sentence", "unit": "notice_unit"}  # "the reply is due"
    values = {"what": _clock_zh, "due": _month_day_zh, "since": _month_day_zh, "unit": _unit_zh}
    return Key(
        zh,
        {k: v for k, v in labels.items() if k in names},
        {k: v for k, v in values.items() if k in names},
    )


_UNPLACED = "未识别属地"
_ROUTE = {"domain": "domain", "tier": "routing_tier"}

KEYS: dict[str, Key] = {
    "text": Key("{text}"),
    # routing notes
    "route.rule": Key("{district} × {domain} → 规则 #{rule}（{tier}）", _ROUTE),
    "route.rule_unplaced": Key(_UNPLACED + " × {domain} → 规则 #{rule}（{tier}）", _ROUTE),
    "route.none": Key("{district} × {domain}：无匹配的分送规则，待人工分送", {"domain": "domain"}),
    "route.none_unplaced": Key(
        _UNPLACED + " × {domain}：无匹配的分送规则，待人工分送", {"domain": "domain"}
    ),
    "route.manual": Key("人工指定承办单位"),
    "route.clue": Key("调解中发现线索，由承办单位核查（第二十七条，源自 {ref}）"),
    # registration
    "register.channel": Key("{channel} 登记", {"channel": "channel"}),
    "register.split": Key("与 {ref} 拆分自同一件（第九条）"),
    "register.clue": Key("{ref} 调解中发现涉嫌违法线索，移交核查（第二十七条）"),
    # classification
    "classify.domain": Key("领域 {old} → {new}", {"old": "domain", "new": "domain"}),
    "classify.manual_unit_kept": Key("承办单位系人工指定，未按新领域重新匹配"),
    "classify.rerouted": Key("按新领域重新匹配承办单位（规则 #{rule}）"),
    "classify.unrouted": Key("按新领域无匹配的分送规则，待人工分送"),
    "classify.urgency": Key("紧急程度 {old} → {new}", {"old": "urgency", "new": "urgency"}),
    "classify.incident_kept": Key("应急事件 #{incident} 仍保留，请在事件中处置"),
    "classify.utility_on": Key("水电气热 否 → 是"),
    "classify.utility_off": Key("水电气热 是 → 否"),
    "classify.confirmed": Key("确认分类"),
    # a running clock moved by the reclassification (complaints.clock_moves); the due
    # times are local, as "2026-11-30" or "2026-11-23 11:30"
    "classify.clock_moved": Key(
        "{clock}时限 {old_limit}{old_unit} → {new_limit}{new_unit}，期限 {old_due} → {new_due}",
        {"clock": "clock_kind", "old_unit": "limit_unit", "new_unit": "limit_unit"},
        {
            "clock": _clock_zh,
            "old_unit": _limit_unit_zh,
            "new_unit": _limit_unit_zh,
        },
    ),
    # workflow actions
    "action.unit": Key("承办单位：{unit}"),
    "action.reroute_reason": Key("改派原因：{reason}"),
    "action.return_reason": Key("退回原因：{reason}"),
    "action.rejection_ground": Key("不予受理依据：{ground}", {"ground": "rejection_ground"}),
    "action.mediation_consent": Key("投诉人、被投诉人均同意调解（第十八条）"),
    "action.mediation_entrusted": Key("经双方同意委托{body}调解（第十九条）"),
    "action.pause_reason": Key("中止原因：{reason}", {"reason": "pause_reason"}),
    "action.mediation_extended": Key("调解期限顺延 {days} 天"),
    "action.testing": Key("检测期间 {start}～{end} 不计入期限，顺延 {days} 天"),
    "action.termination_reason": Key("终止原因：{reason}", {"reason": "termination_reason"}),
    "action.clue_converted": Key("源自 {ref} 调解中发现的线索：诉转案"),
    "action.clue_handed_over": Key("调解中发现涉嫌违法线索，已移交核查：{ref}（第二十七条）"),
    "action.verification_extended": Key("经 {approved_by} 批准延长核查期限"),
    "action.referred_to_police": Key("移送公安机关"),
    "action.take_over": Key("上级提级管辖：{reason}"),
    "action.incident_open": Key("应急事件 #{incident} 尚未结束，办结本件不影响事件处置"),
    "converted.filed": Key("移交核查的线索 {ref} 已立案（诉转案）"),
    # an emergency item's incident
    "emergency.merged": Key("紧急件：并入已开启的应急事件 #{incident}"),
    "emergency.opened": Key(
        "紧急件：已开启应急事件 #{incident}（{category}，{severity}级）",
        {"category": "category", "severity": "severity"},
        {"category": CATEGORY_ZH.__getitem__},
    ),
    # agent and group (complaints.agent_service)
    "agent.changed": Key(
        "代理人/群体投诉信息变更：{fields}",
        {"fields": "agent_field"},
        {"fields": _agent_fields_zh},
    ),
    "agent.poa_received": Key("授权委托书已收到（{date}）"),
    "agent.poa_missing": Key("授权委托书未收到"),
    # repeated reports (O121 Art. 35)
    "repeat.closed": Key(
        "同一举报人就同一涉嫌违法事实重复举报，不再另行处理（第三十五条），见 {ref}"
    ),
    "repeat.merged_into": Key(
        "以补充新的事实为由再次举报，已并入 {ref} 合并处理，"
        "处理期限自本次举报之日起重新计算（第三十五条）"
    ),
    "repeat.repeated_by": Key("{ref} 重复举报同一事实，不再另行处理（第三十五条）"),
    "repeat.new_facts": Key("{ref} 补充新的事实，合并处理（第三十五条）"),
    "repeat.clock_restarted": Key("核查期限自 {date} 重新计算"),
    "repeat.facts_added": Key("已作出处理决定，事实并入"),
    "supervision.reminder": _notice(
        "【DutyDesk】催办：{ref}「{title}」{what}期限为{due}，请按时办理。"
    ),
    "supervision.overdue": _notice(
        "【DutyDesk】督办：{ref}「{title}」{what}已逾期（期限{due}），"
        "承办单位：{unit}，请督促办理并反馈。"
    ),
    "supervision.criticism": _notice(
        "【DutyDesk】通报批评：{ref}「{title}」{what}经催办仍未办理，承办单位：{unit}。"
    ),
    "supervision.criticism_since": _notice(
        "【DutyDesk】通报批评：{ref}「{title}」{what}经催办仍未办理（催办于{since}），"
        "承办单位：{unit}。"
    ),
    "supervision.no_contact": Key("（无可通知的联系人，请配置承办单位联系人）", attached=True),
    # file import
    "import.row": Key("批量导入：来源 {source}，编号 {key}，第 {row} 行，批次 {batch}"),
}


@dataclass(frozen=True)
class Part:
    key: str
    args: Mapping[str, Arg] = field(default_factory=dict)


def part(key: str, /, **args: Arg | StrEnum) -> Part:
    """One part; enumeration members are stored by their code. A key or argument that the
    template does not know is a programming error, caught here rather than on a page."""
    template = KEYS[key]
    values = {
        name: value.value if isinstance(value, StrEnum) else value for name, value in args.items()
    }
    _zh(template, values)  # raises KeyError when an argument is missing
    if unknown := set(values) - fields(template.zh):
        raise ValueError(f"note key {key!r} has no argument(s) {sorted(unknown)}")
    return Part(key, values)


def free(text: str) -> Part:
    """Words typed by staff: stored and shown as typed, in every language."""
    return Part("text", {"text": text})


def text(parts: Iterable[Part]) -> str:
    """The stored Chinese text of a note."""
    return "".join(
        ("" if i == 0 or KEYS[p.key].attached else SEPARATOR) + _zh(KEYS[p.key], p.args)
        for i, p in enumerate(parts)
    )


def _zh(key: Key, args: Mapping[str, Arg]) -> str:
    return key.zh.format(
        **{name: key.zh_values[name](v) if name in key.zh_values else v for name, v in args.items()}
    )


def dump(parts: Sequence[Part]) -> list[dict[str, Any]] | None:
    """The JSON stored beside the text (None for no parts)."""
    return [{"key": p.key, "args": dict(p.args)} for p in parts] or None


def load(raw: object) -> list[Part] | None:
    """The parts of stored JSON; None for old rows or JSON this version cannot read (a key it
    does not know), so that the reader falls back to the stored text."""
    if not isinstance(raw, list) or not raw:
        return None
    parts: list[Part] = []
    for entry in raw:
        if not isinstance(entry, Mapping) or entry.get("key") not in KEYS:
            return None
        args = entry.get("args") or {}
        if not isinstance(args, Mapping):
            return None
        parts.append(Part(str(entry["key"]), {str(k): v for k, v in args.items()}))
    return parts


def route(*, district: str | None, domain: StrEnum, rule_id: int | None, tier: str) -> Part:
    """The routing note of a rule's decision (`complaints.service.apply_route`)."""
    if rule_id is None:
        if district:
            return part("route.none", district=district, domain=domain)
        return part("route.none_unplaced", domain=domain)
    if district:
        return part("route.rule", district=district, domain=domain, rule=rule_id, tier=tier)
    return part("route.rule_unplaced", domain=domain, rule=rule_id, tier=tier)
