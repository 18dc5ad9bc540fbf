"""System-written notes as parts (complaints/notes.py): the stored Chinese text is the text
written before parts existed, the JSON round-trips, and unknown input is refused or falls
back to the text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from complaints import notes
from complaints.models import Complaint, ComplaintClock
from complaints.supervision_notices import _body
from complaints.vocab import (
    Channel,
    ClockKind,
    ClockStatus,
    Domain,
    PauseReason,
    SupervisionKind,
    Urgency,
)
from escalation.models import Category
from escalation.policy import Severity


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        (
            [notes.route(district="城东区", domain=Domain.food, rule_id=6, tier="district+domain")],
            "城东区 × food → 规则 #6（district+domain）",
        ),
        (
            [notes.route(district=None, domain=Domain.price, rule_id=None, tier="none")],
            "未识别属地 × price：无匹配的分送规则，待人工分送",
        ),
        (
            [notes.route(district="城西区", domain=Domain.price, rule_id=None, tier="none")],
            "城西区 × price：无匹配的分送规则，待人工分送",
        ),
        (
            [notes.route(district="", domain=Domain.drugs, rule_id=3, tier="override")],
            "未识别属地 × drugs → 规则 #3（override）",
        ),
        (
            [
                notes.part("register.channel", channel=Channel.hotline_12315),
                notes.part("route.manual"),
                notes.part("register.split", ref="TS202611200000007"),
            ],
            "hotline_12315 登记；人工指定承办单位；与 TS202611200000007 拆分自同一件（第九条）",
        ),
        (
            [
                notes.part("classify.domain", old=Domain.price, new=Domain.drugs),
                notes.part("classify.rerouted", rule=3),
                notes.part("classify.urgency", old=Urgency.normal, new=Urgency.urgent),
                notes.part("classify.utility_on"),
                notes.free("请尽快核实 13800138000"),
            ],
            "领域 price → drugs；按新领域重新匹配承办单位（规则 #3）；紧急程度 normal → urgent；"
            "水电气热 否 → 是；请尽快核实 13800138000",
        ),
        (
            [notes.part("action.pause_reason", reason=PauseReason.testing)],
            "中止原因：testing",
        ),
        (
            [notes.part("action.testing", start="2026-11-02", end="2026-11-05", days=3)],
            "检测期间 2026-11-02～2026-11-05 不计入期限，顺延 3 天",
        ),
        (
            [
                notes.part(
                    "emergency.opened",
                    incident=12,
                    category=Category.food_safety,
                    severity=Severity.II,
                )
            ],
            "紧急件：已开启应急事件 #12（食品安全，II级）",
        ),
        (
            [
                notes.part("agent.changed", fields=["agent_name", "group_size"]),
                notes.part("agent.poa_missing"),
            ],
            "代理人/群体投诉信息变更：代理人姓名、投诉人数；授权委托书未收到",
        ),
        (
            [
                notes.part(
                    "supervision.overdue",
                    ref="TS1",
                    title="酸奶标价",
                    what=ClockKind.acceptance,
                    due="2026-11-24",
                    unit="",
                ),
                notes.part("supervision.no_contact"),
            ],
            "【DutyDesk】督办：TS1「酸奶标价」受理已逾期（期限11月24日），承办单位：受理科（待分送），"
            "请督促办理并反馈。（无可通知的联系人，请配置承办单位联系人）",
        ),
        (
            [
                notes.part(
                    "supervision.reminder",
                    ref="TS1",
                    title="酸奶标价",
                    what=ClockKind.reply,
                    due="2026-11-24 01:10",
                )
            ],
            "【DutyDesk】催办：TS1「酸奶标价」办理回复期限为11月24日01:10，请按时办理。",
        ),
        ([notes.part("classify.confirmed")], "确认分类"),
        ([], ""),
    ],
)
def test_the_stored_text_is_the_chinese_text_written_before_parts(
    parts: list[notes.Part], text: str
) -> None:
    assert notes.text(parts) == text


def test_parts_store_codes_and_round_trip_through_json() -> None:
    parts = [
        notes.part("classify.urgency", old=Urgency.normal, new=Urgency.emergency),
        notes.free("家属在现场"),
    ]
    stored = notes.dump(parts)
    assert stored == [
        {"key": "classify.urgency", "args": {"old": "normal", "new": "emergency"}},
        {"key": "text", "args": {"text": "家属在现场"}},
    ]
    assert notes.load(stored) == parts
    assert notes.dump([]) is None


@pytest.mark.parametrize(
    "raw",
    [None, [], "领域 food → drugs", [{"key": "from.a.newer.version", "args": {}}], [{"args": {}}]],
)
def test_rows_without_readable_parts_load_as_none(raw: object) -> None:
    assert notes.load(raw) is None


def test_a_key_or_argument_the_template_does_not_know_is_refused() -> None:
    with pytest.raises(KeyError):
        notes.part("classify.nonsense")
    with pytest.raises(KeyError):
        notes.part("classify.urgency", old=Urgency.normal)  # `new` missing
    with pytest.raises(ValueError, match="surplus"):
        notes.part("classify.confirmed", surplus="x")


def test_every_labelled_argument_is_in_its_template() -> None:
    for key, template in notes.KEYS.items():
        fields = notes.fields(template.zh)
        assert set(template.labels) <= fields, key
        assert set(template.zh_values) <= fields, key


def test_a_written_criticism_names_the_local_day_of_the_reminder() -> None:
    """Reminded at 01:00 on 11-25 in Shanghai (17:00 UTC on 11-24): the notice says 11-25."""
    clock = ComplaintClock(
        complaint_id=1,
        kind=ClockKind.sign_for,
        status=ClockStatus.running,
        started_on=date(2026, 11, 23),
        limit=1,
        unit="working",
        due_on=date(2026, 11, 24),
        due_at=datetime(2026, 11, 24, 16, 0, tzinfo=UTC),
        reminded_at=datetime(2026, 11, 24, 17, 0, tzinfo=UTC),
    )
    item = Complaint.model_construct(ref="TS-1", title="电梯故障")
    said = _body(SupervisionKind.criticism, item, clock, "东城所", ZoneInfo("Asia/Shanghai"))
    assert said.args["since"] == "2026-11-25"
    assert "催办于11月25日" in notes.text([said])
