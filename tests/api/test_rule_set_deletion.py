"""Deleting a rule set: only one no item is timed by, not in force today and not the only
active set on its first day (the lookup by receipt day must find a set wherever it found one
before); otherwise a 409 naming rule_set_id that says why. Audited; the rule sets page offers
it only for the sets it would delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from complaints import config, config_checks
from complaints.clocks import ORDER_121
from complaints.config_checks import deletion_refusal
from complaints.config_models import ComplaintRuleSet
from complaints.config_schemas import RuleSetCreate
from core.audit import list_entries
from core.users import Role
from tests.complaint_helpers import complaint_data, make_centre
from tests.conftest import T0, TEST_PASSWORD, make_user
from web.i18n import LANG_COOKIE

Headers = Callable[[Role], dict[str, str]]
BASE = "/api/v1/complaint-config"
TODAY = date(2026, 11, 23)  # T0 in Asia/Shanghai


def _copy(
    client: TestClient, admin: dict[str, str], code: str, start: str, **extra: Any
) -> dict[str, Any]:
    o121 = next(
        s for s in client.get(f"{BASE}/rule-sets", headers=admin).json() if s["code"] == "O121"
    )
    body = {"code": code, "name": f"{code} 试行", "effective_from": start} | extra
    created = client.post(
        f"{BASE}/rule-sets", json=body | {"limits": o121["limits"]}, headers=admin
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def _codes(client: TestClient, admin: dict[str, str]) -> list[str]:
    return [s["code"] for s in client.get(f"{BASE}/rule-sets", headers=admin).json()]


def _refused(client: TestClient, admin: dict[str, str], rule_set_id: int) -> dict[str, Any]:
    refused = client.delete(f"{BASE}/rule-sets/{rule_set_id}", headers=admin)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    (error,) = refused.json()["errors"]
    assert error["field"] == "rule_set_id" and not error["type"].startswith("rule_")
    return dict(error)


def test_a_mistaken_copy_is_deleted_and_audited(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    admin = auth_headers(Role.admin)
    copy = _copy(client, admin, "O121-2030", "2030-01-01")
    inactive = _copy(client, admin, "OLD", "2019-01-01", is_active=False)
    denied = client.delete(f"{BASE}/rule-sets/{copy['id']}", headers=auth_headers(Role.leader))
    assert denied.status_code == 403
    for rule_set in (copy, inactive):
        deleted = client.delete(f"{BASE}/rule-sets/{rule_set['id']}", headers=admin)
        assert deleted.status_code == 204, deleted.text
    assert _codes(client, admin) == ["O20", "O121"]
    (entry,) = [
        e
        for e in list_entries(session, entity_type="complaint_rule_set", entity_id=str(copy["id"]))
        if e.action == "complaint.rule_set.delete"
    ]
    assert '"code": "O121-2030"' in (entry.before or "") and entry.actor
    assert client.delete(f"{BASE}/rule-sets/{copy['id']}", headers=admin).status_code == 404


def test_the_set_in_force_and_the_only_set_of_a_day_stay(
    client: TestClient, auth_headers: Headers
) -> None:
    admin = auth_headers(Role.admin)
    o20, o121 = client.get(f"{BASE}/rule-sets", headers=admin).json()
    assert _refused(client, admin, o121["id"])["type"] == "in_force_today"
    earliest = _refused(client, admin, o20["id"])
    assert earliest["type"] == "only_rule_set_on" and earliest["ctx"] == {"day": "2020-01-01"}
    # a set between the two, superseded before today: its days fall back to Order 20
    between = _copy(client, admin, "O20-2025", "2025-01-01")
    assert client.delete(f"{BASE}/rule-sets/{between['id']}", headers=admin).status_code == 204
    assert _codes(client, admin) == ["O20", "O121"]


def test_a_set_timing_items_stays(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    make_centre(session)
    admin = auth_headers(Role.admin)
    november = _copy(client, admin, "O121-NOV", "2026-11-01")
    body = complaint_data().model_dump(mode="json", exclude_none=True)
    for _ in range(2):
        posted = client.post(
            "/api/v1/complaints", json=body, headers=auth_headers(Role.coordinator)
        )
        assert posted.status_code in (200, 201), posted.text
    # a later set takes over tomorrow (one dated back over the items would be refused: they
    # keep November's set), but November's set times the items
    _copy(client, admin, "O121-LATE", "2026-11-24")
    used = _refused(client, admin, november["id"])
    assert used["type"] == "used_by_items" and used["ctx"] == {"n": 2}
    assert used["reason"] == "used by 2 items"
    assert "O121-NOV" in _codes(client, admin)


def _set(id_: int, start: date, *, active: bool = True) -> ComplaintRuleSet:
    return ComplaintRuleSet(
        id=id_,
        code=f"S{id_}",
        name=f"S{id_}",
        effective_from=start,
        limits_json="{}",
        is_active=active,
        updated_at=T0,
        updated_by="test",
    )


@pytest.mark.parametrize(
    ("sets", "target", "used", "refused"),
    [
        ([(1, date(2020, 1, 1)), (2, date(2026, 4, 15))], 2, 0, "in_force_today"),
        ([(1, date(2020, 1, 1)), (2, date(2026, 4, 15))], 1, 0, "only_rule_set_on"),
        ([(1, date(2020, 1, 1)), (2, date(2026, 4, 15))], 1, 3, "used_by_items"),
        ([(1, date(2020, 1, 1)), (2, date(2030, 1, 1))], 2, 0, None),  # a later start
        ([(1, date(2020, 1, 1)), (2, date(2026, 4, 15)), (3, date(2026, 1, 1))], 3, 0, None),
        # two sets starting the same day: the later-made one is in force, the other times no day
        ([(1, date(2020, 1, 1)), (2, date(2020, 1, 1)), (3, date(2026, 4, 15))], 1, 0, None),
        ([(1, date(2020, 1, 1)), (2, date(2020, 1, 1)), (3, date(2026, 4, 15))], 2, 0, None),
        # an inactive set times no day, even the earliest or a current one
        ([(1, date(2019, 1, 1), False), (2, date(2020, 1, 1))], 1, 0, None),
        ([(1, date(2020, 1, 1)), (2, date(2026, 11, 1), False)], 2, 0, None),
    ],
)
def test_which_set_may_be_deleted(
    sets: list[tuple[Any, ...]], target: int, used: int, refused: str | None
) -> None:
    rule_sets = [_set(*row[:2], active=row[2] if len(row) > 2 else True) for row in sets]
    found = deletion_refusal(rule_sets[target - 1], rule_sets, used=used, today=TODAY)
    assert (found.type if found else None) == refused


def test_the_page_offers_deletion_only_where_it_would_delete(
    client: TestClient, session: Session
) -> None:
    config.ensure_default_rule_sets(session, now=T0)
    copy = config.create_rule_set(
        session,
        data=RuleSetCreate(
            code="O121-2030",
            name="2030 试行",
            effective_from=date(2030, 1, 1),
            limits=ORDER_121,
        ),
        actor="test",
        now=T0,
        tz=ZoneInfo("Asia/Shanghai"),
    )
    make_user(session, role=Role.admin, username="rule-set-admin")
    client.post("/login", data={"username": "rule-set-admin", "password": TEST_PASSWORD})
    client.cookies.set(LANG_COOKIE, "zh_CN")
    page = client.get("/admin/rule-sets").text
    removes = [
        line
        for line in page.splitlines()
        if 'data-method="DELETE"' in line and "rule-sets/" in line
    ]
    assert len(removes) == 1
    assert f'data-action="/api/v1/complaint-config/rule-sets/{copy.id}"' in removes[0]
    assert 'data-confirm="1"' in removes[0] and "删除 O121-2030" in removes[0]


def test_an_item_registered_during_the_deletion_keeps_its_set(
    client: TestClient,
    auth_headers: Headers,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first look finds no item (another instance registers one right after it): the
    database's foreign key refuses the delete, and the answer is the same 409 as when seen."""
    make_centre(session)
    admin = auth_headers(Role.admin)
    november = _copy(client, admin, "O121-NOV", "2026-11-01")
    body = complaint_data().model_dump(mode="json", exclude_none=True)
    posted = client.post("/api/v1/complaints", json=body, headers=auth_headers(Role.coordinator))
    assert posted.status_code in (200, 201), posted.text
    _copy(client, admin, "O121-LATE", "2026-11-24")
    looks = [config_checks.deletion_refusals]

    def first_look_misses(session: Session, *, today: date) -> dict[int, Any]:
        if len(looks) == 1:
            looks.append(config_checks.deletion_refusals)
            return {november["id"]: None}
        return looks[0](session, today=today)

    monkeypatch.setattr(config_checks, "deletion_refusals", first_look_misses)
    used = _refused(client, admin, november["id"])
    assert used["type"] == "used_by_items" and used["ctx"] == {"n": 1}
    assert "O121-NOV" in _codes(client, admin)
    entries = list_entries(session, entity_type="complaint_rule_set", entity_id=str(november["id"]))
    assert all(e.action != "complaint.rule_set.delete" for e in entries)
