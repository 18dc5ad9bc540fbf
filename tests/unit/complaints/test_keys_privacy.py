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
    for with_country_code in ("+8613912345678", "+86 139-1234-5678", "008613912345678"):
        assert privacy.mask_phone(with_country_code) == "139****5678"
    assert privacy.mask_phone("8613912345678") == "139****5678"
    assert privacy.mask_phone("86571888866") == "865****8866"  # not a mobile: masked as it is
    assert privacy.mask_phone("+86１３９１２３４５６７８") == "139****5678"
    text = privacy.mask_text_phones("请回电 13800138000 或身份证 11010119900101123X")
    assert "13800138000" not in text and "138****8000" in text and "110***********123X" in text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("请回电13800138000。", "请回电138****8000。"),
        # each phone exactly as `mask_phone` masks it: a mobile without its country code,
        # a landline by its digits (first 3, last 4), whatever the separators
        ("手机 +86 138-0013-8000", "手机 138****8000"),
        ("电话8613900139000", "电话139****9000"),
        ("联系008613912345678", "联系139****5678"),
        ("0086 139 1234 5678 回拨", "139****5678 回拨"),
        ("备用１３９１２３４５６７８，", "备用139****5678，"),
        ("电话：＋８６ １３９－１２３４－５６７８", "电话：139****5678"),
        ("tel13912345678", "tel139****5678"),
        ("Tel:13912345678", "Tel:139****5678"),
        (
            "举报人电话008613912345678，备用１３９１２３４５６７８",
            "举报人电话139****5678，备用139****5678",
        ),
        ("身份证11010119900101123X", "身份证110***********123X"),
        ("身份证 110101199001011234，", "身份证 110***********1234，"),
        ("身份证１１０１０１１９９００１０１１２３Ｘ", "身份证110***********123X"),
        ("座机021-62345678", "座机021****5678"),
        ("座机 0755 2345678", "座机 075****5678"),
        ("座机（010）62345678", "座机010****5678"),
        ("座机 0755-8888 8888", "座机 075*****8888"),
        ("座机（0755）8888-8888", "座机075*****8888"),
        (
            "检测期间 2026-12-07～2026-12-17 不计入期限",
            "检测期间 2026-12-07～2026-12-17 不计入期限",
        ),
        ("2026/11/20 09:30 登记", "2026/11/20 09:30 登记"),
        ("20261207 至 20261217", "20261207 至 20261217"),
        ("金额 12345678.50 元", "金额 12345678.50 元"),
        ("金额 1,234,567,890 元", "金额 1,234,567,890 元"),
        ("赔偿 100000000 元", "赔偿 100000000 元"),
        ("工单 TS2026112300000001 已转", "工单 TS2026112300000001 已转"),
        ("编号 12345-67890-12", "编号 12345-67890-12"),
        ("号码 12800138000 不是手机", "号码 12800138000 不是手机"),
        ("电话 62345678", "电话 62345678"),
        ("批号 WB2026A13912345678", "批号 WB2026A13912345678"),  # letters after digits: a code
        ("日期 ２０２６－１２－０７", "日期 ２０２６－１２－０７"),  # unchanged, full-width kept
        ("金额 １２３４５６７８.50 元", "金额 １２３４５６７８.50 元"),
    ],
)
def test_free_text_masks_phone_and_id_numbers_only(text: str, masked: str) -> None:
    assert privacy.mask_text_phones(text) == masked


@pytest.mark.parametrize(
    "phone",
    [
        "+8613800000006",
        "008613800000006",
        "8613800000006",
        "+86 138-0000-0006",
        "13800000006",
        "１３８０００００００６",
        "0755-88888888",
        "0755-8888 8888",
        "（010）62345678",
    ],
)
def test_a_phone_in_free_text_is_masked_as_a_phone_field_is(phone: str) -> None:
    """One rule everywhere: the caller's phone field, a page's recipient and the same number
    in a timeline text read alike."""
    assert (
        privacy.mask_text_phones(f"sms to 杨帆 ({phone})")
        == f"sms to 杨帆 ({privacy.mask_phone(phone)})"
    )
