"""Migration 0029 gives every timeline entry, broken wish and repair note stored before keys
its key and values, read once from its English text by the phrases the pages recognised
(web/timeline.py's regular expressions, deleted with it): the pages then word each one as
that fallback did (the wording below is what it produced, in Chinese and English), a text no
phrase matches is a `note` shown as stored, rows keyed already are left alone, and a table
larger than a batch is keyed whole."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import (
    Engine,
    MetaData,
    Table,
    select,
)

from core.db import make_engine
from core.migrate import upgrade
from escalation.timeline_keys import KEYS
from scheduler.roster_soft import KEYS as WISH_KEYS
from tests.conftest import T0
from tests.migration_rows import required_values
from tests.service.keyed_history_corpus import TIMELINE, WISHES
from web.i18n import translations
from web.render import label_text
from web.roster_notes import localise_note
from web.roster_violations import localise_violation
from web.timeline_keyed import localise_event

PREVIOUS = "0028_event_keys"
BATCH, ROSTER_BATCH = 500, 50  # the migration's
NAMES = {6: "杨帆", 7: "陈静"}
SHIFTS = {"day": "白班", "night": "夜班"}
SKILLS = {"zh_CN": {"food": "食品安全"}, "en": {"food": "Food safety"}}
SHANGHAI = ZoneInfo("Asia/Shanghai")

KEYED = {  # keyed when written: the migration leaves it as it is
    "id": 9000,
    "text": "reply from +8613800000006: 3080 确认",
    "key": "reply",
    "values": {"number": "+8613800000006", "said": "kept as written"},
}


def _tables(engine: Engine) -> dict[str, Table]:
    meta = MetaData()
    meta.reflect(engine, only=["incident", "incident_event", "unit", "roster"])
    return dict(meta.tables)


def _store_old_rows(url: str, extra_events: int = 0, extra_rosters: int = 0) -> None:
    """At revision 0028: the corpus as entries stored before keys, one entry keyed already,
    `extra_events` more, and a roster version with old broken wishes per repair note and
    `extra_rosters` more."""
    upgrade(url, PREVIOUS)
    engine = make_engine(url)
    try:
        tables = _tables(engine)
        incident, event, unit, roster = (
            tables[name] for name in ("incident", "incident_event", "unit", "roster")
        )
        base = {"incident_id": 1, "at": T0, "kind": "note", "actor": "system"}
        old = [base | {"id": i + 1, "text": text} for i, (text, *_) in enumerate(TIMELINE)]
        more = [
            base | {"id": 10_000 + i, "text": "step 1: no acknowledgement, climbing"}
            for i in range(extra_events)
        ]
        wishes = [{"goal": "x", "cost": 1, "detail": d} for d, *_ in WISHES]
        keyed_wish = {"goal": "x", "cost": 1, "detail": "kept", "key": "note", "values": {}}
        document = {"violations": [*wishes, keyed_wish], "seconds": 1.5}
        with engine.begin() as connection:
            connection.execute(incident.insert().values(required_values(incident) | {"id": 1}))
            connection.execute(event.insert(), old + more)
            connection.execute(event.insert().values(base | KEYED))
            connection.execute(unit.insert().values(required_values(unit) | {"id": 1}))
            more_notes = [(100 + i, "", None, None) for i in range(extra_rosters)]
            for roster_id, note, reason, _ in NOTES + more_notes:
                connection.execute(
                    roster.insert().values(
                        required_values(roster)
                        | {"id": roster_id, "unit_id": 1, "note": note, "repair_reason": reason}
                        | {"result_json": json.dumps(document, ensure_ascii=False)}
                    )
                )
    finally:
        engine.dispose()


#: (roster id, note, repair_reason as stored at 0028, repair_reason after)
NOTES = [
    (1, "repair: 病假（发热）", None, "病假（发热）"),
    (2, "repair: cut to its colu", "cut to its column", "cut to its column"),  # kept
    (3, "月初排班", None, None),
]


def _rows(url: str, name: str) -> dict[int, dict[str, Any]]:
    """The rows of table `name` (incident_event, roster) by id, as stored."""
    engine = make_engine(url)
    try:
        table = _tables(engine)[name]
        with engine.connect() as connection:
            rows = connection.execute(select(table).order_by(table.c.id)).mappings().all()
    finally:
        engine.dispose()
    return {row["id"]: dict(row) for row in rows}


def _worded(event: dict[str, Any], locale: str) -> str:
    catalogue = translations(locale)
    return localise_event(
        event,
        names=NAMES,
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
        tz=SHANGHAI,
        skills=SKILLS[locale],
    )


def _wish(item: dict[str, Any], locale: str) -> str:
    catalogue = translations(locale)
    return localise_violation(
        item,
        names=NAMES,
        shifts=SHIFTS,
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
    )


def test_old_entries_get_keys_and_read_as_the_fallback_read_them(fresh_url: str) -> None:
    _store_old_rows(fresh_url)
    upgrade(fresh_url)
    events = _rows(fresh_url, "incident_event")
    got = [
        (e["text"], e["key"], _worded(e, "zh_CN"), _worded(e, "en"))
        for i, e in events.items()
        if i != KEYED["id"]
    ]
    assert got == TIMELINE
    assert all(set(e["values"]) == KEYS[e["key"]] for e in events.values())
    assert {k: events[KEYED["id"]][k] for k in KEYED} == KEYED


def test_the_values_are_those_the_text_says(fresh_url: str) -> None:
    _store_old_rows(fresh_url)
    upgrade(fresh_url)
    values = {e["text"]: e["values"] for e in _rows(fresh_url, "incident_event").values()}
    assert values["step 4 round 2 started (group leaders, person 7): groups only"] == {
        "step": 4,
        "round": 2,
        "targets": [{"type": "group", "group": "leaders"}, {"type": "person", "person_id": 7}],
        "people": [],
    }
    outbox = "acknowledged by person:6 (outbox reply by coord) via outbox; escalation stopped"
    assert values[outbox] == {"by": "person:6", "person": 6, "replier": "coord", "via": "outbox"}
    made = "written report to 市局 by fax, made at 2026-12-06 10:30 +0800: 已控制"
    assert values[made] == {
        "kind": "written",
        "to": "市局",
        "method": "fax",
        "made_at": "2026-12-06T02:30:00+00:00",
        "summary": "已控制",
        "implied_initial": False,
        "missing": [],
    }
    details = (
        "accident details: explosion_or_overturn False → True; the figures suggest level III "
        "(now IV)"
    )
    assert values[details] == {
        "changes": [{"field": "explosion_or_overturn", "before": False, "after": True}],
        "suggested": "III",
        "now": "IV",
    }
    unknown = "1234 确认 — acknowledged"
    assert values[unknown] == {"text": unknown}


def test_a_table_larger_than_a_batch_is_keyed_whole(fresh_url: str) -> None:
    _store_old_rows(fresh_url, extra_events=BATCH + 7, extra_rosters=ROSTER_BATCH + 3)
    upgrade(fresh_url)
    events = _rows(fresh_url, "incident_event")
    assert len(events) == len(TIMELINE) + BATCH + 8
    assert [e["id"] for e in events.values() if e["key"] is None] == []
    assert {e["key"] for i, e in events.items() if i >= 10_000} == {"step_climbing"}
    rosters = _rows(fresh_url, "roster")
    assert len(rosters) == len(NOTES) + ROSTER_BATCH + 3
    for roster in rosters.values():
        violations = json.loads(roster["result_json"])["violations"]
        assert all(v["key"] for v in violations), roster["id"]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_old_broken_wishes_and_repair_notes_read_as_before(fresh_url: str, locale: str) -> None:
    _store_old_rows(fresh_url)
    upgrade(fresh_url)
    rosters = _rows(fresh_url, "roster")
    assert [(i, r["note"], r["repair_reason"]) for i, r in rosters.items()] == [
        (i, note, after) for i, note, _, after in NOTES
    ]
    catalogue = translations(locale)
    notes = [
        localise_note(r["note"], r["repair_reason"], gettext=catalogue.gettext)
        for r in rosters.values()
    ]
    assert notes == (
        ["调整：病假（发热）", "调整：cut to its column", "月初排班"]
        if locale == "zh_CN"
        else ["repair: 病假（发热）", "repair: cut to its column", "月初排班"]
    )
    document = json.loads(rosters[1]["result_json"])
    *items, kept = document["violations"]
    column = 2 if locale == "zh_CN" else 3
    assert [(i["detail"], i["key"], _wish(i, locale)) for i in items] == [
        (w[0], w[1], w[column]) for w in WISHES
    ]
    assert all(set(i["values"]) == WISH_KEYS[i["key"]] for i in items)
    assert kept == {"goal": "x", "cost": 1, "detail": "kept", "key": "note", "values": {}}
    assert document["seconds"] == 1.5
