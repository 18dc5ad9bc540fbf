"""GET /api/v1/incidents reads every listed incident's timeline and reports in one query each:
the number of statements does not grow with the incidents listed (it read two per incident,
1.5 s for the 500 newest of 3,000), and each incident still carries its own timeline and
reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from core.users import Role

Headers = Callable[[Role], dict[str, str]]
PLACES = ("幸福路", "建设路", "人民路", "解放路", "和平路", "中山路", "新华街", "工业大道")


def _open(client: TestClient, headers: Headers, n: int) -> int:
    response = client.post(
        "/api/v1/incidents",
        json={
            "title": f"电梯困人{n}",
            "category": "special_equipment",
            "severity": "III",
            "place": f"城东区{PLACES[n % len(PLACES)]}{n}号",
        },
        headers=headers(Role.coordinator),
    )
    assert response.status_code == 201, response.text
    incident_id: int = response.json()["id"]
    if n % 2 == 0:
        report = client.post(
            f"/api/v1/incidents/{incident_id}/reports",
            json={"kind": "initial", "reported_to": "市局应急值班室", "summary": f"报告{n}"},
            headers=headers(Role.duty_officer),
        )
        assert report.status_code == 201, report.text
    return incident_id


@contextmanager
def _counting(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_statements_do_not_grow_with_the_incidents_listed(
    client: TestClient, auth_headers: Headers, engine: Engine
) -> None:
    headers = auth_headers(Role.viewer)
    opened = [_open(client, auth_headers, n) for n in range(2)]
    with _counting(engine) as few:
        first = client.get("/api/v1/incidents", headers=headers)
    assert first.status_code == 200 and len(first.json()) == 2
    opened += [_open(client, auth_headers, n) for n in range(2, 9)]
    with _counting(engine) as many:
        listed = client.get("/api/v1/incidents", headers=headers)
    assert listed.status_code == 200 and len(listed.json()) == 9
    assert len(many) == len(few), (len(few), len(many))

    by_id = {i["id"]: i for i in listed.json()}
    assert sorted(by_id) == sorted(opened)
    for n, incident_id in enumerate(opened):
        one = client.get(f"/api/v1/incidents/{incident_id}", headers=headers).json()
        assert by_id[incident_id]["timeline"] == one["timeline"]
        assert by_id[incident_id]["reports"] == one["reports"]
        assert len(one["reports"]) == (1 if n % 2 == 0 else 0)
        assert one["title"] == f"电梯困人{n}" and one["timeline"]
