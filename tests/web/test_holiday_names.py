"""Holiday names from core.workcal are worded in the page's language; an override's own name
is shown as typed."""

from __future__ import annotations

import pytest

from web.holiday_names import holiday_name
from web.i18n import gettext


@pytest.mark.parametrize(
    ("name", "zh", "en"),
    [
        ("Spring Festival", "春节", "Spring Festival"),
        ("Tomb-Sweeping Day (observed)", "清明节（补休）", "Qingming Festival (day off in lieu)"),
        (
            "Mid-Autumn Festival; National Day",
            "中秋节、国庆节",
            "Mid-Autumn Festival, National Day",
        ),
        ("本局调休", "本局调休", "本局调休"),
        (None, "", ""),
    ],
)
def test_holiday_names(name: str | None, zh: str, en: str) -> None:
    assert holiday_name(name, lambda m: gettext("zh_CN", m)) == zh
    assert holiday_name(name, lambda m: gettext("en", m)) == en
