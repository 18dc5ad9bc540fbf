"""Normalised keys for finding related items (pure): respondent, phone and address.

- Respondent: the unified social credit code (统一社会信用代码, upper-cased) when given,
  else the business name without spaces, punctuation and the usual legal-form suffixes
  (有限公司, 有限责任公司, 股份有限公司, 分公司 …), so "某某餐饮有限公司" and "某某餐饮" match.
  Items also keep the name key on its own (`respondent_key(name)`), so an item that names
  the business only still finds one that gave its credit code.
- Phone: the digits only, a leading +86/0086 country code dropped.
- Address: without spaces and punctuation, lower-cased.
A key shorter than a few characters is no key (None): it would link unrelated items.
"""

from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "分公司",
    "个体工商户",
    "经营部",
    "公司",
)


def _clean(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text)).lower()


def respondent_key(name: str, credit_code: str | None = None) -> str | None:
    if credit_code and len(_clean(credit_code)) >= 15:
        return "usc:" + _clean(credit_code).upper()
    cleaned = _clean(name)
    if cleaned in _SUFFIXES:
        return None
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if cleaned.endswith(suffix) and len(cleaned) > len(suffix):
                cleaned = cleaned[: -len(suffix)]
                changed = True
    return ("name:" + cleaned)[:200] if len(cleaned) >= 2 else None


def phone_key(phone: str | None) -> str | None:
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix) :]
    return digits[:32] if len(digits) >= 7 else None


def address_key(address: str) -> str | None:
    cleaned = _clean(address)
    return cleaned[:200] if len(cleaned) >= 6 else None


def mobile_e164(phone: str | None) -> str | None:
    """A mainland mobile written any usual way, as E.164 (+8613…); None otherwise."""
    key = phone_key(phone)
    if key is not None and re.fullmatch(r"1[3-9]\d{9}", key):
        return "+86" + key
    return None
