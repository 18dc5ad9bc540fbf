"""Masking of personal data (pure; issue 5 "reporter confidentiality").

- Phone numbers keep their first 3 and last 4 digits (138****1234, `core.privacy.mask_phone`,
  shared with the duty log); ID numbers their first
  3 and last 4 characters; names their first character (张*).
- A report's reporter identity (name, phone, ID, address) is hidden from everyone without
  `complaint.confidential`, including the handling unit (O121 Art. 37).
- Lists, exports and logs always mask phones and IDs, whatever the reader may see in full.
"""

from __future__ import annotations

import re

from core.privacy import mask_phone

__all__ = ["HIDDEN", "mask_id", "mask_name", "mask_phone", "mask_text_phones"]

HIDDEN = "（保密）"


def mask_id(number: str | None) -> str | None:
    if not number:
        return number
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_name(name: str) -> str:
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


_EDGE_BEFORE, _EDGE_AFTER = r"(?<![0-9A-Za-z+])", r"(?![0-9A-Za-z])"
_NUMBERS = re.compile(
    _EDGE_BEFORE
    + "(?:"
    + r"\d{17}[\dXx]"  # resident ID number (18 characters)
    + r"|(?:\+?86[\s\-]?)?1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}"  # mainland mobile
    + r"|(?:0\d{2,3}[\s\-]?|[(（]0\d{2,3}[)）]\s?)[2-9]\d{6,7}"  # landline with area code
    + ")"
    + _EDGE_AFTER
)


def mask_text_phones(text: str) -> str:
    """Mask the phone numbers (mobiles, landlines with their area code) and ID numbers inside
    free text; dates, amounts and other numbers stay as they are."""

    def _sub(match: re.Match[str]) -> str:
        value = match.group(0)
        return mask_id(value) or value

    return _NUMBERS.sub(_sub, text)
