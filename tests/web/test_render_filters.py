"""Template filters: times are shown in the configured zone; a time limit ending at local
midnight is shown as its last day."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from web.render import environment

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _render(source: str, value: datetime) -> str:
    return environment("zh_CN").from_string(source).render(tz=SHANGHAI, v=value)


def test_a_limit_ending_at_local_midnight_shows_its_last_day() -> None:
    end_of_dec_3 = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)  # 12-04 00:00 in Shanghai
    assert _render("{{ v|deadline }}", end_of_dec_3) == "2026-12-03"
    assert _render("{{ v|localtime }}", end_of_dec_3) == "2026-12-04 00:00"


def test_other_deadlines_keep_their_local_time() -> None:
    assert _render("{{ v|deadline }}", datetime(2026, 12, 3, 2, 30, tzinfo=UTC)) == (
        "2026-12-03 10:30"
    )
