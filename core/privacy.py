"""Masking of personal numbers (pure), shared by every package that shows them: a phone
number keeps its first 3 and last 4 digits (138****1234); a mainland mobile written with its
country code (+8613800001234, 008613800001234, 8613800001234) is masked without it, the same
way. An ID number keeps its first 3 and last 4 characters.

Free text (`mask_text_phones`) gets the same rule: every phone number found in it (mobiles,
with or without a country code, landlines with their area code, in ASCII or full-width
digits, spaces or hyphens inside) is replaced by exactly what `mask_phone` makes of it, and
every 18-character ID number by `mask_id`'s result; dates, amounts and other numbers stay as
they are, and so does the rest of the text."""

from __future__ import annotations

import re

_MOBILE_WITH_COUNTRY_CODE = re.compile(r"(?:00)?86(1[3-9]\d{9})")
# full-width ASCII forms (０-９, ＋, －, Ａ-ｚ …) and the ideographic space, one character for
# one, so positions in the normalised text are positions in the original
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = "".join(c for c in phone.translate(_HALF_WIDTH) if "0" <= c <= "9")
    if mobile := _MOBILE_WITH_COUNTRY_CODE.fullmatch(digits):
        digits = mobile.group(1)
    if len(digits) < 7:
        return "*" * len(phone)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id(number: str | None) -> str | None:
    if not number:
        return number
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


_SEP = r"[\s\-]?"  # a space or hyphen between groups of digits
_NUMBERS = re.compile(
    r"(?<![0-9+])(?:"  # no digit before; letters may be (tel13912345678)
    + r"(?P<id>\d{17}[\dXx])"  # resident ID number (18 characters)
    + rf"|(?:(?:\+|00)?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}"  # mainland mobile
    + rf"|(?:0\d{{2,3}}{_SEP}|[(（]0\d{{2,3}}[)）]\s?)[2-9]\d{{2,3}}{_SEP}\d{{4}}"  # landline
    + r")(?![0-9A-Za-z])",
    re.ASCII,
)


def _glued_to_a_code(text: str, start: int) -> bool:
    """Whether letters right before `start` belong to a code that has digits of its own."""
    i = start
    while i > 0 and text[i - 1].isascii() and text[i - 1].isalnum():
        i -= 1
        if text[i].isdigit():
            return True
    return False


def mask_text_phones(text: str) -> str:
    """`text` with the phone numbers (`mask_phone`) and ID numbers (`mask_id`) inside it
    masked; dates, amounts, reference numbers (TS2026…; a number glued to letters that follow
    digits) and the rest of the text stay as they are. Letters alone may stand right before
    a number (tel13912345678)."""
    normal = text.translate(_HALF_WIDTH)
    parts: list[str] = []
    done = 0
    for match in _NUMBERS.finditer(normal):
        start, end = match.span()
        if _glued_to_a_code(normal, start):  # e.g. WB2026A13912345678: a reference
            continue
        value = match.group(0)
        masked = mask_id(value) if match.group("id") else mask_phone(value)
        parts += [text[done:start], masked or value]
        done = end
    return "".join(parts) + text[done:]
