"""Cluster keys and masking."""

from __future__ import annotations

import pytest

from complaints import keys, privacy


@pytest.mark.parametrize(
    ("name", "code", "key"),
    [
        ("好再来超市有限公司", None, "name:好再来超市"),
        ("好再来 超市", None, "name:好再来超市"),
        ("某某餐饮管理股份有限公司城东分公司", None, "name:某某餐饮管理股份有限公司城东"),
        ("任意名称", "91110105mA01abcd2x", "usc:91110105MA01ABCD2X"),
        ("公司", None, None),
    ],
)
def test_respondent_key(name: str, code: str | None, key: str | None) -> None:
    assert keys.respondent_key(name, code) == key


@pytest.mark.parametrize(
    ("phone", "key", "e164"),
    [
        ("13800138000", "13800138000", "+8613800138000"),
        ("+86 138-0013-8000", "13800138000", "+8613800138000"),
        ("0571-88886666", "057188886666", None),
        ("123", None, None),
    ],
)
def test_phone_key_and_mobile(phone: str, key: str | None, e164: str | None) -> None:
    assert keys.phone_key(phone) == key and keys.mobile_e164(phone) == e164


def test_masking() -> None:
    assert privacy.mask_phone("13800138000") == "138****8000"
    assert privacy.mask_phone("0571-88886666") == "057*****6666"
    assert privacy.mask_id("110101199001011234") == "110***********1234"
    assert privacy.mask_name("张三丰") == "张**"
    assert privacy.mask_phone(None) is None
    text = privacy.mask_text_phones("请回电 13800138000 或身份证 11010119900101123X")
    assert "13800138000" not in text and "138****8000" in text and "110***********123X" in text
