"""A report's page offers its case decision (立案 / 不予立案) without the complaint's "losses
recovered" field: the API refuses that figure on a report (it is a complaint's)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.deps import CSRF_HEADER
from core.users import Role
from tests.complaint_helpers import make_centre, report_data
from tests.web.test_complaint_pages import _post, _sign_in
from web import field_errors


def test_a_reports_case_decision_forms_have_no_losses_field(
    client: TestClient, session: Session
) -> None:
    centre = make_centre(session)
    csrf = _sign_in(client, session, Role.coordinator)
    body = report_data().model_dump(mode="json", exclude_none=True)
    report = _post(client, csrf, "/api/v1/complaints", body).json()["items"][0]
    assert _post(client, csrf, f"/api/v1/complaints/{report['id']}/distribute", {}).is_success
    unit = centre.west if report["unit_id"] == centre.west_id else centre.east
    csrf = _sign_in(client, session, Role.handler, unit)
    assert _post(client, csrf, f"/api/v1/complaints/{report['id']}/sign-for", {}).is_success
    page = client.get(f"/complaints/{report['id']}").text
    forms = re.findall(r'<form class="action-form.*?</form>', page, flags=re.S)
    decisions = [f for f in forms if re.search(r'data-api="[^"]*/(file-case|not-file)"', f)]
    assert len(decisions) == 2
    assert all('name="result"' in f and "amount_recovered_cents" not in f for f in decisions)


@pytest.mark.parametrize(
    ("kind", "period", "chinese"),
    [
        ("monthly", "2099-01", "2099-01 尚未开始（今天是 2026-11-23）"),
        ("weekly", "2026-11", "请填写如 2026-W48 的周期"),
    ],
)
def test_a_refused_report_period_is_worded_in_chinese_beside_the_field(
    client: TestClient, session: Session, kind: str, period: str, chinese: str
) -> None:
    """A month that has not begun, or a month where a week belongs, was refused beside the
    period field in English on the Chinese reports page ("2027-01 has not begun (today is
    …)"): the refusal now has a type and values the page words in its language."""
    csrf = _sign_in(client, session, Role.leader)
    refused = client.post(
        "/api/v1/reports", json={"kind": kind, "period": period}, headers={CSRF_HEADER: csrf}
    )
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert error["field"] == "period"
    worded = field_errors.texts("zh_CN")["types"][error["type"]] % error["ctx"]
    assert worded.startswith(chinese)
    assert not re.search(r"[A-Za-z]{3,}", worded), worded
