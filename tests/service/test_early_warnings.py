"""Detection runs over real tables: a food surge becomes one warning with its evidence, the
leadership group hears of it once, repeated runs refresh instead of duplicating, closing is
respected until new data arrives, and every state change is audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from complaints import insight_config, warning_detection, warnings
from complaints.detect import WarningLevel
from complaints.insight_config import Dimension, InsightSettings
from complaints.insight_models import EarlyWarning, WarningStatus
from complaints.vocab import Domain
from complaints.warning_keys import KEYS, notice_zh
from core.audit import AuditEntry
from core.clock import FakeClock
from core.errors import Conflict
from escalation.models import NoticeTopic, Notification
from tests.conftest import T0  # Monday 2026-11-23 09:30 local
from tests.insight_rows import insert_rows, row, rule_set_id

TZ = ZoneInfo("Asia/Shanghai")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ).astimezone(UTC)


def _seed(session: Session, *, surge_days: list[date]) -> None:
    rule_set = rule_set_id(session, now=T0)
    rows = []
    n = 0
    day = date(2026, 9, 10)
    while day <= date(2026, 11, 23):
        weekend = day.weekday() >= 5
        food = 25 if day in surge_days else (3 if weekend else 6)
        for i in range(food):
            n += 1
            respondent = "好再来超市有限公司" if day in surge_days else f"商户{n % 40}"
            rows.append(row(n, _at(day, 9 + i % 8), rule_set=rule_set, respondent=respondent))
        for i in range(4):
            n += 1
            rows.append(
                row(
                    n,
                    _at(day, 10 + i),
                    rule_set=rule_set,
                    domain=Domain.price,
                    district="城西区",
                    respondent=f"加油站{i}",
                    title="加油站价格标示不清",
                )
            )
        day += timedelta(days=1)
    insert_rows(session, rows)


SURGE = [date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)]


def _leadership_notices(session: Session) -> list[Notification]:
    return list(
        session.exec(select(Notification).where(Notification.topic == NoticeTopic.warning)).all()
    )


def test_a_surge_raises_one_warning_with_evidence_and_notifies_once(session: Session) -> None:
    _seed(session, surge_days=SURGE)
    result = warning_detection.run_detection(session, now=T0, tz=TZ)
    assert result.as_of == "2026-11-22"
    live = session.exec(select(EarlyWarning)).all()
    keys = {w.key for w in live}
    assert "domain:food" in keys and "domain:price" not in keys
    assert "district:城西区" not in keys
    assert "business:好再来超市有限公司" in keys
    food = next(w for w in live if w.key == "domain:food")
    assert food.status is WarningStatus.open and food.open_key == "domain:food"
    assert food.level is WarningLevel.red
    assert food.observed == 75 and food.expected is not None and food.expected < 25
    assert food.window_end == date(2026, 11, 22)
    # a 3-day window against the configured 56-day baseline (not the 60 days shown before it)
    assert "按此前 56 天基线" in food.summary
    assert food.wording_key == "rise" and set(food.values) == KEYS["rise"]
    assert (food.values["dimension"], food.values["subject"]) == ("domain", "food")
    assert (food.values["start"], food.values["end"]) == ("2026-11-20", "2026-11-22")
    assert all(set(w.values) == KEYS[w.wording_key or ""] for w in live)
    evidence = warnings_evidence(food)
    assert evidence["baseline_days"] == 56  # type: ignore[comparison-overlap]
    assert len(evidence["series"]) == 63
    assert evidence["series"][-1] == {
        "day": "2026-11-22",
        "count": 25,
        "expected": pytest.approx(evidence["series"][-1]["expected"]),
        "day_class": "sun",
        "in_window": True,
    }
    assert len(evidence["items"]) == 50 and evidence["items"][0]["ref"].startswith("T")
    notices = _leadership_notices(session)
    notified = [w for w in live if w.level.rank >= WarningLevel.orange.rank]
    assert len(notices) == len(notified) >= 2
    assert all(n.to == "leadership" and n.channel == "group" for n in notices)
    assert any("红色预警" in n.body and "领域「食品」" in n.body for n in notices)
    assert {n.body for n in notices} == {
        notice_zh(w) for w in live if w.level.rank >= WarningLevel.orange.rank
    }

    again = warning_detection.run_detection(session, now=T0 + timedelta(minutes=60), tz=TZ)
    assert again.created == 0 and again.refreshed == result.created + result.refreshed
    assert len(session.exec(select(EarlyWarning)).all()) == len(live)
    assert len(_leadership_notices(session)) == len(notices)
    session.refresh(food)
    assert food.detections == 2
    raised = session.exec(select(AuditEntry).where(AuditEntry.action == "warning.raise")).all()
    assert len(raised) == len(live)


def warnings_evidence(warning: EarlyWarning) -> dict[str, list[dict[str, object]]]:
    import json

    data: dict[str, list[dict[str, object]]] = json.loads(warning.evidence_json)
    return data


def test_plain_weeks_raise_nothing(session: Session) -> None:
    _seed(session, surge_days=[])
    result = warning_detection.run_detection(session, now=T0, tz=TZ)
    assert result.series >= 4 and result.alarms == 0 and result.created == 0
    assert session.exec(select(EarlyWarning)).all() == []


def test_closing_is_respected_until_a_new_day_shows_the_rise_again(session: Session) -> None:
    _seed(session, surge_days=[*SURGE, date(2026, 11, 23)])
    clock = FakeClock(T0)
    warning_detection.run_detection(session, now=clock.now(), tz=TZ)
    food = session.exec(select(EarlyWarning).where(EarlyWarning.key == "domain:food")).one()
    assert food.id is not None
    acked = warnings.acknowledge(session, warning_id=food.id, actor="leader", now=clock.now())
    assert acked.status is WarningStatus.acknowledged
    assert warnings.acknowledge(session, warning_id=food.id, actor="x", now=clock.now()) is acked
    clock.advance(timedelta(minutes=5))
    warnings.close(session, warning_id=food.id, actor="leader", now=clock.now(), note="已核实")
    with pytest.raises(Conflict):
        warnings.acknowledge(session, warning_id=food.id, actor="leader", now=clock.now())
    with pytest.raises(Conflict):
        warnings.close(session, warning_id=food.id, actor="leader", now=clock.now())

    clock.advance(timedelta(hours=1))
    warning_detection.run_detection(session, now=clock.now(), tz=TZ)  # same data: stays closed
    foods = session.exec(select(EarlyWarning).where(EarlyWarning.key == "domain:food")).all()
    assert len(foods) == 1 and foods[0].open_key is None

    clock.set(T0 + timedelta(days=1))  # 11-23 is now complete and still high
    warning_detection.run_detection(session, now=clock.now(), tz=TZ)
    foods = session.exec(
        select(EarlyWarning).where(EarlyWarning.key == "domain:food").order_by(col(EarlyWarning.id))
    ).all()
    assert len(foods) == 2 and foods[1].status is WarningStatus.open
    actions = [
        e.action
        for e in session.exec(select(AuditEntry).where(AuditEntry.entity_id == str(food.id))).all()
    ]
    assert actions == ["warning.raise", "warning.acknowledge", "warning.close"]


def test_settings_limit_the_dimensions_and_are_audited(session: Session) -> None:
    _seed(session, surge_days=SURGE)
    settings = InsightSettings(dimensions=[Dimension.domain], notify_level=WarningLevel.red)
    insight_config.save(session, settings=settings, actor="admin", now=T0)
    assert insight_config.load(session).dimensions == [Dimension.domain]
    warning_detection.run_detection(session, now=T0, tz=TZ)
    keys = {w.key for w in session.exec(select(EarlyWarning)).all()}
    assert keys == {"domain:food"}
    assert len(_leadership_notices(session)) == 1
    entry = session.exec(
        select(AuditEntry).where(AuditEntry.action == "insight.settings.update")
    ).one()
    assert entry.actor == "admin" and '"domain"' in (entry.after or "")
