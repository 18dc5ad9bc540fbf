"""A report's page offers its case decision (立案 / 不予立案) without the complaint's "losses
recovered" field: the API refuses that figure on a report (it is a complaint's)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from tests.complaint_helpers import make_centre, report_data
from tests.web.test_complaint_pages import _post, _sign_in


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
