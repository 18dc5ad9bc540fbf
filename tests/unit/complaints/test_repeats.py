"""Whether two report clues state the same facts (O121 Art. 35), table-driven."""

from __future__ import annotations

import pytest

from complaints.repeats import same_facts

BASE = "城西区民生路5号便民小卖部销售过期食品"


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (BASE, True),
        ("城西区民生路5号，便民小卖部 销售过期食品！", True),  # punctuation and spaces
        ("便民小卖部销售过期食品", True),  # contained
        (BASE + "，请查处", True),  # contains it
        ("城西区民生路5号便民小卖部销售过期的食品", True),  # nearly the same wording
        ("便民小卖部无营业执照经营", False),  # another violation
        ("便民小卖部把过期面包改换生产日期标签后继续销售", False),  # new facts
        ("", False),
        ("！！", False),
    ],
)
def test_same_facts(other: str, expected: bool) -> None:
    assert same_facts(BASE, other) is expected
    assert same_facts(other, BASE) is expected
