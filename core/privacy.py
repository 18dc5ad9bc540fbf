"""Masking of personal numbers (pure), shared by every package that shows them: a phone
number keeps its first 3 and last 4 digits (138****1234); a mainland mobile written with its
country code (+8613800001234, 008613800001234, 8613800001234) is masked without it, the same
way."""

from __future__ import annotations

import re

_MOBILE_WITH_COUNTRY_CODE = re.compile(r"(?:00)?86(1[3-9]\d{9})")


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = "".join(c for c in phone if c.isdigit())
    if mobile := _MOBILE_WITH_COUNTRY_CODE.fullmatch(digits):
        digits = mobile.group(1)
    if len(digits) < 7:
        return "*" * len(phone)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
