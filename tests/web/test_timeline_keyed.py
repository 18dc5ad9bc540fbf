"""Keyed timeline entries worded from their key and values in Chinese and English
(web/timeline_keyed.py); a `note` (an old text migration 0029 could not read), or an entry
with a key the page does not know or without a value its phrase says, is shown as stored."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest

from escalation.timeline_keys import KEYS
from web import timeline_keyed
from web.i18n import translations
from web.render import label_text

NAMES = {6: "杨帆", 7: "陈静"}
SKILLS = {"zh_CN": {"food": "食品安全"}, "en": {"food": "Food safety"}}
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _shown(locale: str, event: dict[str, Any]) -> str:
    catalogue = translations(locale)
    return timeline_keyed.localise_event(
        event,
        names=NAMES,
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
        tz=SHANGHAI,
        skills=SKILLS[locale],
    )


#: (key, values, Chinese, English): one entry of each key
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "opened",
        {"severity": "I", "category": "special_equipment", "plan": "special_equipment-I"},
        "I级 · 特别重大，特种设备 — 预案：特种设备 I级",
        "I · particularly serious, Special equipment — plan Special equipment, level I",
    ),
    (
        "duplicate",
        {
            "severity": "II",
            "title": "电梯困人",
            "caller": "刘女士, +8613800000001",
            "description": "3号楼",
        },
        "同一事件：II级 · 重大 电梯困人（来电人 刘女士, +8613800000001）：3号楼",
        ("of the same event: II · serious 电梯困人 (caller 刘女士, +8613800000001): 3号楼"),
    ),
    (
        "severity_raised",
        {
            "before": "III",
            "after": "I",
            "reason": "figures",
            "plan": "特种设备一级预案",
            "step": None,
            "groups": ["leadership"],
            "initial": 30,
            "written": 120,
        },
        (
            "因事故数字，级别由 III级 · 较大 上调为 I级 · 特别重大：预案 特种设备一级预案；"
            "已确认接警：立即通知 领导群；开启后 30 / 120 分钟内报告"
        ),
        (
            "from III · relatively serious to I · particularly serious "
            "by its accident figures: plan 特种设备一级预案; already acknowledged: telling "
            "Leadership group now; reports due 30 / 120 min after opening"
        ),
    ),
    (
        "details_updated",
        {
            "changes": [
                {"field": "deaths", "before": None, "after": 3},
                {"field": "explosion_or_overturn", "before": False, "after": True},
            ],
            "suggested": "I",
            "now": "III",
        },
        (
            "死亡人数 — → 3；锅炉、压力容器爆炸或起重机械整体倾覆 否 → 是；"
            "按上报数字建议 I级 · 特别重大（现为 III级 · 较大）"
        ),
        (
            "Deaths — → 3; A boiler or pressure vessel exploded, or "
            "a crane overturned No → Yes; the figures suggest level I · particularly "
            "serious (now III · relatively serious)"
        ),
    ),
    (
        "details_repeat",
        {
            "changes": [{"field": "equipment_type", "before": None, "after": "lift"}],
            "kept": [{"field": "deaths", "kept": 3, "report": 1}],
            "suggested": None,
            "now": None,
        },
        "来自重复报告：设备种类 — → 电梯；未调低或覆盖：死亡人数 3 保持不变（报告为 1）",
        (
            "from a repeat report: Equipment type — → Lift; not "
            "lowered or overwritten: Deaths 3 kept (the report said 1)"
        ),
    ),
    (
        "details_kept",
        {
            "kept": [{"field": "measures_taken", "kept": "疏散", "report": "封锁"}],
            "suggested": None,
            "now": None,
        },
        "来自重复报告：处置措施 疏散 保持不变（报告为 封锁）",
        ("from a repeat report: Measures taken 疏散 kept (the report said 封锁)"),
    ),
    (
        "step_started",
        {
            "step": 1,
            "round": 1,
            "targets": [
                {"type": "on_duty", "role": "expert", "skill": "food"},
                {"type": "person", "person_id": 7},
                {"type": "group", "group": "leadership"},
            ],
            "people": [6, 7],
        },
        "第 1 步第 1 轮开始（值班：食品安全专家、陈静、领导群）：杨帆、陈静",
        "step 1 round 1 started (on duty: Food safety expert, 陈静, Leadership group): 杨帆, 陈静",
    ),
    (
        "own_rules_silent",
        {"person": 7, "minutes": 5, "step": 2},
        "陈静 的个人通知规则在第 2 步的 5 分钟内不发出任何通知",
        "陈静's own rules send nothing within the 5 min of step 2",
    ),
    (
        "step_repeat",
        {"step": 1, "round": 2},
        "第 1 步无人确认，第 2 轮",
        "step 1: no acknowledgement, round 2",
    ),
    (
        "step_climbing",
        {"step": 1},
        "第 1 步无人确认，进入下一步",
        "step 1: no acknowledgement, climbing to the next step",
    ),
    (
        "last_step_repeat",
        {"step": 3, "round": 4},
        "最后一步（第 3 步）无人确认，再次呼叫（第 4 轮）",
        "last step 3: no acknowledgement, paging again (round 4)",
    ),
    (
        "step_nobody",
        {"step": 2, "targets": [{"type": "on_duty", "role": "duty_backup", "skill": None}]},
        "第 2 步（值班：备班值班员）找不到人员：立即进入下一步",
        "step 2 (on duty: Backup duty officer) found nobody: climbing at once",
    ),
    (
        "last_step_nobody",
        {
            "step": 3,
            "targets": [{"type": "on_duty", "role": "leader", "skill": None}],
            "minutes": 10,
        },
        "最后一步（第 3 步，值班：带班领导）找不到人员：10 分钟后重试",
        "last step 3 (on duty: Leader on duty) found nobody: trying again in 10 min",
    ),
    (
        "escalated_now",
        {"step": 1},
        "从第 1 步立即升级",
        "escalated now from step 1",
    ),
    (
        "person_acknowledged",
        {"person": 6, "via": "sms", "at": "2026-12-06T02:00:00+00:00"},
        "杨帆 通过短信回复确认接警",
        "acknowledged by 杨帆 via SMS reply",
    ),
    (
        "person_resolved",
        {"person": 6, "at": "2026-12-06T02:00:00+00:00"},
        "杨帆 办结",
        "resolved by 杨帆",
    ),
    (
        "restarted",
        {"at": "2026-12-06T02:00:00+00:00"},
        "已重新打开：从第 1 步重新升级",
        "reopened: escalation restarts at step 1",
    ),
    (
        "raise_telling",
        {"plan": "food_safety-I", "groups": ["leadership", "ops"]},
        "级别提高，改用预案 食品安全 I级：现在通知 领导群、ops",
        "severity raised, plan Food safety, level I: telling Leadership group, ops now",
    ),
    (
        "raise_restarts",
        {"plan": "food_safety-I", "step": 2},
        "级别提高，改用预案 食品安全 I级：第 2 步现在重新开始",
        "severity raised, plan Food safety, level I: step 2 restarts now",
    ),
    (
        "broadcast",
        {"group": "leadership"},
        "领导群",
        "to Leadership group",
    ),
    (
        "exhausted",
        {},
        "各步均已呼叫但无人确认，重复最后一步",
        "every step paged without acknowledgement; repeating the last step",
    ),
    (
        "paged",
        {"step": 2, "kind": "voice", "person": 6, "to": "+8613800000006"},
        "第 2 步：语音电话发给 杨帆（+8613800000006）",
        "step 2: Voice call to 杨帆 (+8613800000006)",
    ),
    (
        "no_contact_method",
        {"person": 7, "kind": "voice"},
        "陈静 没有可用的语音电话联系方式",
        "陈静 has no contact method for Voice call",
    ),
    (
        "retry",
        {"kind": "sms", "to": "+8613800000006", "code": "20429", "seconds": "5"},
        "短信发往 +8613800000006：20429，5 秒后重试",
        "SMS to +8613800000006: 20429, retry in 5 s",
    ),
    (
        "delivery_failed",
        {"kind": "sms", "to": "+8613800000006", "reason": "provider reported undelivered (30003)"},
        "短信发往 +8613800000006 最终失败：provider reported undelivered (30003)",
        "SMS to +8613800000006 failed permanently: provider reported undelivered (30003)",
    ),
    (
        "fallback",
        {"kind": "voice", "to": "+8613800000016"},
        "改用下一个联系方式：语音电话发往 +8613800000016",
        "trying Voice call to the next contact +8613800000016",
    ),
    (
        "no_further_contact",
        {"person": 7},
        "陈静 没有其他联系方式",
        "no further contact method for 陈静",
    ),
    (
        "delivery_status",
        {"kind": "sms", "to": "+8613800000006", "status": "delivered"},
        "短信发往 +8613800000006：已送达",
        "SMS to +8613800000006: delivered",
    ),
    (
        "acknowledged",
        {"by": "person:6", "person": 6, "replier": None, "via": "sms"},
        "杨帆 通过短信回复确认接警，升级停止",
        "by 杨帆 via SMS reply; escalation stopped",
    ),
    (
        "resolved",
        {"by": "coord", "person": None, "replier": None},
        "coord",
        "by coord",
    ),
    (
        "reopened",
        {"by": "coord", "person": None, "replier": None, "old_code": "3080", "new_code": "4127"},
        "coord 重新打开，从第 1 步重新升级；原事件码 3080 已被其他事件使用，新事件码 4127",
        (
            "by coord; escalation restarts at step 1; its code 3080 is now "
            "another incident's, new code 4127"
        ),
    ),
    (
        "escalate_requested",
        {"by": "person:6", "person": 6, "replier": "coord"},
        "杨帆（coord 在发件箱代为回复） 要求立即升级",
        "杨帆 (outbox reply by coord) asked to escalate now",
    ),
    (
        "reported",
        {
            "kind": "written",
            "to": "市局应急办",
            "method": "fax",
            "made_at": "2026-12-06T02:30:00+00:00",
            "summary": "已处置",
            "implied_initial": True,
            "missing": ["measures_taken"],
        },
        (
            "书面报告报送 市局应急办，方式：传真，报告时间 2026-12-06 "
            "10:30：已处置（同时记为初报）（事故报告尚缺：已采取的措施）"
        ),
        (
            "Written report to 市局应急办 (Fax), made at 2026-12-06 10:30: 已处置 (also "
            "recorded as the initial report) (report items still missing: measures taken)"
        ),
    ),
    (
        "reply",
        {"number": "+8613800000006", "said": "3080 确认"},
        "短信 +8613800000006：3080 确认",
        "from +8613800000006: 3080 确认",
    ),
    (
        "reply_refused",
        {"number": "+8613999999999", "said": "3080 确认", "person": None},
        "短信 +8613999999999：3080 确认 — 已拒绝：未知号码 未接到本事件的通知，升级继续",
        (
            "from +8613999999999: 3080 确认 — refused: an unknown sender was not "
            "paged for this incident; escalation continues"
        ),
    ),
    (
        "reply_already_acknowledged",
        {"number": "+8613800000007", "said": "3080 esc", "acknowledged_by": "person:6"},
        "短信 +8613800000007：3080 esc — 已由 杨帆 确认，未作处理",
        "from +8613800000007: 3080 esc — already acknowledged by 杨帆; nothing changed",
    ),
    (
        "reply_not_understood",
        {"number": "+8613800000006", "said": "3080 嗯"},
        "短信 +8613800000006：3080 嗯 — 未能识别，未作处理",
        "from +8613800000006: 3080 嗯 — not understood; nothing changed",
    ),
    (
        "key_press",
        {
            "digits": "3",
            "to": "+8613800000006",
            "outcome": "already_acknowledged",
            "acknowledged_by": "person:6",
        },
        "呼叫 +8613800000006 时按键 3 — 已由 杨帆 确认接警，未作处理",
        ("3 on the call to +8613800000006 — already acknowledged by 杨帆; nothing changed"),
    ),
    (
        "note",
        {"text": "1234 确认 — acknowledged"},
        "1234 确认 — acknowledged",
        "1234 确认 — acknowledged",
    ),
]


def test_every_key_has_a_phrase_and_a_case_with_exactly_its_values() -> None:
    assert timeline_keyed.PHRASES.keys() == KEYS.keys()
    assert [key for key, *_ in CASES] == list(dict.fromkeys(key for key, *_ in CASES))
    assert {key: set(values) for key, values, *_ in CASES} == {
        key: set(names) for key, names in KEYS.items()
    }


@pytest.mark.parametrize(("key", "values", "zh", "en"), CASES, ids=[c[0] for c in CASES])
def test_a_keyed_entry_is_worded_from_its_values(
    key: str, values: dict[str, Any], zh: str, en: str
) -> None:
    event = {"text": "not the English of this entry", "key": key, "values": values}
    assert (_shown("zh_CN", event), _shown("en", event)) == (zh, en)


@pytest.mark.parametrize(
    "event",
    [
        {"key": "no_further_contact", "values": {}},  # a value missing
        {"key": "paged", "values": {"step": 2, "kind": "sms", "person": 7}},
        {"key": "no_such_key", "values": {"person": 7}},  # a key this page does not know
        {"key": "no_further_contact", "values": None},
        {"key": None, "values": {}},  # no key (migration 0029 gives every stored entry one)
    ],
)
def test_a_partial_or_unknown_entry_is_shown_as_stored(event: dict[str, Any]) -> None:
    text = "no further contact method for person 7"
    assert _shown("zh_CN", event | {"text": text}) == text


def test_a_person_the_page_has_no_name_for_is_named_by_id() -> None:
    event = {"text": "", "key": "no_further_contact", "values": {"person": 99}}
    assert _shown("zh_CN", event) == "人员 99 没有其他联系方式"


def test_the_people_the_values_name() -> None:
    events = [
        {"values": {"person": 6}},
        {"values": {"people": [7, 8], "targets": [{"type": "person", "person_id": 9}]}},
        {"values": {"by": "person:10", "acknowledged_by": "person:11"}},
        {"values": {"by": "coord", "acknowledged_by": "+8613800000006"}},
        {"values": {}},
    ]
    assert timeline_keyed.person_ids(events) == {6, 7, 8, 9, 10, 11}


def test_a_user_who_acted_or_replied_is_named_as_the_page_names_users() -> None:
    catalogue = translations("zh_CN")

    def shown(values: dict[str, Any]) -> str:
        return timeline_keyed.localise_event(
            {"text": "", "key": "resolved", "values": values},
            names=NAMES,
            gettext=catalogue.gettext,
            label=lambda kind, value: label_text(catalogue, kind, value),
            tz=SHANGHAI,
            actors={"coord": "王建国"},  # web.actor_labels.names_of
        )

    assert "王建国" in shown({"by": "coord", "person": None, "replier": None})
    replied = shown({"by": "person:6", "person": 6, "replier": "coord"})
    assert "杨帆" in replied and "王建国" in replied and "coord" not in replied
    assert "gone" in shown({"by": "gone", "person": None, "replier": None})  # as stored


@pytest.mark.parametrize(
    ("acknowledged_by", "shown"),
    [
        ("person:6 (outbox reply by coord)", "杨帆（王建国 在发件箱代为回复）"),
        ("coord", "王建国"),
        ("system", "系统"),
    ],
)
def test_who_had_acknowledged_is_named_as_the_page_names_actors(
    acknowledged_by: str, shown: str
) -> None:
    catalogue = translations("zh_CN")
    text = timeline_keyed.localise_event(
        {
            "text": "",
            "key": "reply_already_acknowledged",
            "values": {
                "number": "+8613800000007",
                "said": "3080",
                "acknowledged_by": acknowledged_by,
            },
        },
        names=NAMES,
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
        tz=SHANGHAI,
        actors={"coord": "王建国"},
    )
    assert f"已由 {shown} 确认" in text
