"""The access log's redaction (api.access_log): feed tokens and query-string credentials are
replaced, phone and ID numbers in a query string masked as everywhere else, and a line with
nothing to hide stays byte for byte."""

from __future__ import annotations

import pytest

from api.access_log import redact


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        ("/api/v1/complaints?q=13811112222", "/api/v1/complaints?q=138****2222"),
        ("/api/v1/complaints?q=%2B8613811112222&page=2", "/api/v1/complaints?q=138****2222&page=2"),
        ("/complaints?q=110101199003071234", "/complaints?q=110***********1234"),
        (
            "/complaints?status=open&q=%E5%BC%A0%E4%B8%89+138-1111-2222",
            "/complaints?status=open&q=%E5%BC%A0%E4%B8%89+138****2222",
        ),
        (
            "/open311/v2/requests.json?api_key=k3y-s3cr3t&status=open",
            "/open311/v2/requests.json?api_key=<redacted>&status=open",
        ),
        (
            "GET /api/v1/health?access_token=abc HTTP/1.1",
            "GET /api/v1/health?access_token=<redacted> HTTP/1.1",
        ),
        ("/ical/SW8cX6Nv6_aB.ics?x=1", "/ical/<redacted>.ics?x=1"),
        ("/api/v1/complaints?received_from=2026-12-01&q=TS2026120100001", None),
        ("/login?next=%2Fcomplaints%3Fq%3D1", None),
        ("/api/v1/rosters", None),
        ("127.0.0.1:50000", None),
    ],
)
def test_the_access_log_hides_credentials_and_personal_numbers(
    line: str, logged: str | None
) -> None:
    assert redact(line) == (logged if logged is not None else line)
