"""Masking of personal numbers (pure), shared by every package that shows them: a phone
number keeps its first 3 and last 4 digits (138****1234); a mainland number written in E.164
(+8613800001234) is masked without its country code, the same way."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = [c for c in phone if c.isdigit()]
    if phone.startswith("+86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) < 7:
        return "*" * len(phone)
    return "".join(digits[:3]) + "*" * (len(digits) - 7) + "".join(digits[-4:])
