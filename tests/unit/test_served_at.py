"""Without DUTYDESK_PUBLIC_URL, links that leave the page (iCal feeds, Twilio callbacks) name
the address `dutydesk serve` or `demo` listens on; a configured PUBLIC_URL is kept as given."""

from __future__ import annotations

import pytest

from api.cli import _served_at
from core.config import Settings


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 8874, "http://127.0.0.1:8874"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000"),
        ("::", 9000, "http://127.0.0.1:9000"),
        ("::1", 8080, "http://[::1]:8080"),
        ("dutydesk.local", 80, "http://dutydesk.local:80"),
    ],
)
def test_the_served_address_stands_in_for_an_unset_public_url(
    host: str, port: int, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DUTYDESK_PUBLIC_URL", raising=False)
    assert _served_at(Settings(), host, port).public_url == expected


def test_a_configured_public_url_is_kept() -> None:
    given = Settings(public_url="https://dutydesk.example.gov.cn")
    assert _served_at(given, "0.0.0.0", 8000).public_url == "https://dutydesk.example.gov.cn"
