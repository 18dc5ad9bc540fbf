"""The refusals of the duty page's forms read in the page's language: "how to reach me" with
one channel twice, a duty-log entry or a handover more than a day ahead, a handover to
someone outside the unit's duty staff. Each carries a `type` (values in `ctx`) that the
`field_errors` catalogue words, so a Chinese page no longer shows the API's English reason
("a second sms rule; one per kind", "must not be more than 1 day in the future")."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from oncall.models import UnitKind
from tests.api.test_dutylog_api import _entry, _people
from tests.api.test_refusal_wording import EN, ZH, _worded
from tests.factories import make_person, make_unit

Headers = Callable[[Role], dict[str, str]]


def _only_error(response: object) -> dict[str, str]:
    assert getattr(response, "status_code", None) == 422, getattr(response, "text", "")
    errors: list[dict[str, str]] = response.json()["errors"]  # type: ignore[attr-defined]
    assert len(errors) == 1, errors
    return errors[0]


def test_one_channel_twice_in_my_rules(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    _, me, _ = _people(session)
    rules = [{"kind": "sms", "after_minutes": 0}, {"kind": "sms", "after_minutes": 2}]
    error = _only_error(
        client.put(
            f"/api/v1/people/{me.id}/notify-rules",
            json={"rules": rules},
            headers=auth_headers(Role.admin),
        )
    )
    assert error["field"] == "rules[1].kind"
    assert _worded(error, ZH) == "上面已选择此方式：请选择另一种方式，或将延后分钟留空"
    assert _worded(error, EN).startswith("Already chosen above")


def test_a_log_entry_and_a_handover_more_than_a_day_ahead(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    unit, giver, taker = _people(session)
    entry = _only_error(
        client.post(
            "/api/v1/duty-log",
            json=_entry(unit.id, occurred_at="2027-05-08T09:00:00+08:00"),
            headers=auth_headers(Role.duty_officer),
        )
    )
    handover = _only_error(
        client.post(
            "/api/v1/handovers",
            json={
                "unit_id": unit.id,
                "from_person_id": giver.id,
                "to_person_id": taker.id,
                "handed_over_at": "2027-05-08T09:00:00+08:00",
            },
            headers=auth_headers(Role.admin),
        )
    )
    assert (entry["field"], handover["field"]) == ("occurred_at", "handed_over_at")
    for error in (entry, handover):
        assert _worded(error, ZH) == "最多只能比当前时间晚 1 天"
        assert _worded(error, EN) == "At most 1 day ahead of now"


def test_a_handover_to_someone_outside_the_duty_staff_names_them(
    client: TestClient, auth_headers: Headers, session: Session
) -> None:
    unit, giver, _ = _people(session)
    far = make_unit(session, code="far", name="城西区局", kind=UnitKind.district)
    elsewhere = make_person(session, unit=far, name="周敏")
    error = _only_error(
        client.post(
            "/api/v1/handovers",
            json={"unit_id": unit.id, "from_person_id": giver.id, "to_person_id": elsewhere.id},
            headers=auth_headers(Role.admin),
        )
    )
    assert error["field"] == "to_person_id"
    assert _worded(error, ZH) == f"周敏 既不是{unit.name}的成员，也不属于为其值班的中心科室"
    assert str(elsewhere.id) not in _worded(error, EN)
