"""The incidents page pages like the API: "Older" and "Newer" links walk every incident once
(the status filter and page size kept), the live fragment of a page keeps its cursor, and a
cursor that is not one of ours is a 422 page naming the parameter. (The page showed the
newest 200 and nothing older.)"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from tests.web.test_incident_reports_page import _sign_in

ROW = re.compile(r'<tr data-incident="(\d+)"')


def _link(page: str, which: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)"[^>]*data-page="{which}"', page)
    return html.unescape(found.group(1)) if found else None


def test_older_and_newer_links_walk_every_incident_once(
    client: TestClient, session: Session, auth_headers: Callable[[Role], dict[str, str]]
) -> None:
    opened = []
    for n in range(7):  # all in the same instant (the clock does not move)
        response = client.post(
            "/api/v1/incidents",
            json={"title": f"事件{n}", "category": "other", "severity": "IV", "place": f"A路{n}号"},
            headers=auth_headers(Role.coordinator),
        )
        assert response.status_code == 201, response.text
        opened.append(response.json()["id"])
    _sign_in(client, session, Role.viewer)
    url: str | None = "/incidents?limit=3"
    pages = []
    while url:
        page = client.get(url).text
        pages.append([int(i) for i in ROW.findall(page)])
        assert (_link(page, "newer") is None) == (len(pages) == 1)
        assert (_link(page, "newest") is None) == (len(pages) == 1)
        url = _link(page, "older")
        if url:
            assert "limit=3" in url and "before=" in url
            live = re.search(r'data-refresh="([^"]+)"', page)
            assert live is not None
            assert ROW.findall(client.get(html.unescape(live.group(1))).text) == ROW.findall(page)
    listed = [i for p in pages for i in p]
    assert [i for i in listed if i in opened] == list(reversed(opened))
    assert len(listed) == len(set(listed)) and all(len(p) == 3 for p in pages[:-1])

    # from the second page, Newer leads back to the first
    second = _link(client.get("/incidents?limit=3").text, "older")
    assert second is not None
    newer = _link(client.get(second).text, "newer")
    assert newer is not None and "after=" in newer and "limit=3" in newer
    assert [int(i) for i in ROW.findall(client.get(newer).text)] == pages[0]


def test_a_bad_cursor_is_a_page_naming_the_parameter(client: TestClient, session: Session) -> None:
    _sign_in(client, session, Role.viewer)
    for path in ("/incidents?before=nonsense", "/incidents/live?after=%2F%2F"):
        page = client.get(path)
        assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
        field = "before" if "before" in path else "after"
        # the Chinese page words the problem itself (web.problem_text) and names the field
        assert re.search(rf'data-status="422">.*?请检查以下字段：{field}</p>', page.text, re.S)
    assert client.get("/incidents?before=&after=").status_code == 200  # empty: the first page
