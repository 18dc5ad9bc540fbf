"""GET /api/v1/incidents pages through every incident: newest first by opening time then id,
the Link header's next/prev URLs walk the whole list (filters kept) with every incident
exactly once, also when several opened in the same instant and when new ones open during
the walk; a cursor that is not one of ours is a 422 naming the parameter. (It used to return
at most the newest 500 with no way to reach older ones.)"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.clock import FakeClock
from core.users import Role
from tests.timeline_checks import keyed_events  # noqa: F401  (checks every test)

Headers = Callable[[Role], dict[str, str]]
STAMP = "2026-12-01T00:00:00.000000"
LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def _open(client: TestClient, headers: Headers, n: int) -> int:
    response = client.post(
        "/api/v1/incidents",
        json={
            "title": f"锅炉泄漏{n}",
            "category": "special_equipment",
            "severity": "IV",
            "place": f"城北区工业路{n}号",
        },
        headers=headers(Role.coordinator),
    )
    assert response.status_code == 201, response.text
    incident_id: int = response.json()["id"]
    return incident_id


def _seed(client: TestClient, headers: Headers, clock: FakeClock, count: int) -> list[int]:
    """`count` incidents, three or four opened in each instant; newest first."""
    opened = []
    for n in range(count):
        if n % 4 == 3:
            clock.advance(timedelta(minutes=1))
        opened.append(_open(client, headers, n))
    return list(reversed(opened))  # same instant: the higher id is listed first


def _links(response: Any) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(response.headers.get("link", ""))}


def _walk(client: TestClient, headers: dict[str, str], url: str, rel: str) -> list[list[int]]:
    pages = []
    while True:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        pages.append([i["id"] for i in response.json()])
        if rel not in _links(response):
            return pages
        url = _links(response)[rel]
        assert url.startswith("/api/v1/incidents?")


def test_the_pages_list_every_incident_once_in_a_stable_order(
    client: TestClient, auth_headers: Headers, clock: FakeClock
) -> None:
    newest_first = _seed(client, auth_headers, clock, 23)
    viewer = auth_headers(Role.viewer)
    pages = _walk(client, viewer, "/api/v1/incidents?limit=5", "next")
    listed = [i for page in pages for i in page]
    mine = [i for i in listed if i in set(newest_first)]
    assert mine == newest_first  # each once, newest first, ties by id
    assert len(listed) == len(set(listed))
    assert [len(p) for p in pages[:-1]] == [5] * (len(pages) - 1) and 0 < len(pages[-1]) <= 5

    # and back from the last page: the same incidents, page by page
    last = client.get("/api/v1/incidents?limit=5", headers=viewer)
    url = _links(last)["next"]
    while "next" in _links(response := client.get(url, headers=viewer)):
        url = _links(response)["next"]
    back = _walk(client, viewer, url, "prev")
    assert list(reversed(back)) == pages
    assert "prev" not in _links(last)


def test_incidents_opened_during_the_walk_neither_shift_nor_repeat_it(
    client: TestClient, auth_headers: Headers, clock: FakeClock
) -> None:
    newest_first = _seed(client, auth_headers, clock, 12)
    viewer = auth_headers(Role.viewer)
    first = client.get("/api/v1/incidents?limit=4", headers=viewer)
    seen = [i["id"] for i in first.json()]
    clock.advance(timedelta(minutes=1))
    late = [_open(client, auth_headers, 100 + n) for n in range(3)]  # the newest now
    rest = _walk(client, viewer, _links(first)["next"], "next")
    seen += [i for page in rest for i in page]
    assert [i for i in seen if i in set(newest_first)] == newest_first
    assert not set(late) & set(seen)
    # back from the second page: the first page as it was, then the late arrivals
    second = client.get(_links(first)["next"], headers=viewer)
    again = client.get(_links(second)["prev"], headers=viewer)
    assert [i["id"] for i in again.json()] == [i["id"] for i in first.json()]
    newer = client.get(_links(again)["prev"], headers=viewer)
    assert [i["id"] for i in newer.json()] == list(reversed(late))
    assert "prev" not in _links(newer) and "next" in _links(newer)


def test_the_filters_are_kept_across_the_pages(
    client: TestClient, auth_headers: Headers, clock: FakeClock
) -> None:
    newest_first = _seed(client, auth_headers, clock, 10)
    resolved = newest_first[1::3]
    for incident_id in resolved:
        done = client.post(
            f"/api/v1/incidents/{incident_id}/resolve", headers=auth_headers(Role.coordinator)
        )
        assert done.status_code == 200, done.text
    viewer = auth_headers(Role.viewer)
    pages = _walk(client, viewer, "/api/v1/incidents?status=resolved&limit=2", "next")
    listed = [i for page in pages for i in page]
    assert [i for i in listed if i in set(newest_first)] == resolved
    for page in pages:
        assert all(i not in set(newest_first) or i in resolved for i in page)
    first = client.get("/api/v1/incidents?status=resolved&limit=2", headers=viewer)
    assert "status=resolved" in _links(first)["next"] and "limit=2" in _links(first)["next"]


def test_one_page_has_no_links(client: TestClient, auth_headers: Headers) -> None:
    _open(client, auth_headers, 1)
    response = client.get("/api/v1/incidents", headers=auth_headers(Role.viewer))
    assert response.status_code == 200 and "link" not in response.headers


def _token(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("before=not-a-cursor", "before"),
        ("after=%25%25%25", "after"),
        ("before=", "before"),
        (f"before={_token(f'{STAMP}|0')}", "before"),
        (f"before={_token(f'{STAMP}|x')}", "before"),
        (f"after={_token('yesterday|5')}", "after"),
        (f"before={_token('2026-13-01T00:00:00.000000|5')}", "before"),
        ("before=" + "A" * 101, "before"),
        (f"before={_token(f'{STAMP}|5')}&after={_token(f'{STAMP}|9')}", "after"),
    ],
)
def test_a_bad_cursor_is_a_problem_naming_the_parameter(
    client: TestClient, auth_headers: Headers, query: str, field: str
) -> None:
    response = client.get(f"/api/v1/incidents?{query}", headers=auth_headers(Role.viewer))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_the_schema_documents_the_paging(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/incidents"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"before", "after", "limit", "status"} <= names
    assert "Link" in operation["responses"]["200"]["headers"]
    assert 'rel="next"' in operation["responses"]["200"]["headers"]["Link"]["description"]
