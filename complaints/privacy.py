"""Masking of personal data (pure; issue 5 "reporter confidentiality").

- Phone numbers keep their first 3 and last 4 digits (138****1234); ID numbers their first
  3 and last 4 characters; names their first character (张*).
- A report's reporter identity (name, phone, ID, address) is hidden from everyone without
  `complaint.confidential`, including the handling unit (O121 Art. 37).
- Lists, exports and logs always mask phones and IDs, whatever the reader may see in full.
"""

from __future__ import annotations

import re

HIDDEN = "（保密）"


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = [c for c in phone if c.isdigit()]
    if len(digits) < 7:
        return "*" * len(phone)
    return "".join(digits[:3]) + "*" * (len(digits) - 7) + "".join(digits[-4:])


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


def mask_text_phones(text: str) -> str:
    """Mask anything that looks like a phone or ID number inside free text (for logs)."""

    def _sub(match: re.Match[str]) -> str:
        value = match.group(0)
        return mask_id(value) or value

    return re.sub(r"(?<![0-9A-Za-z])(?:\+?\d[\d\-]{6,}\d[Xx]?)(?![0-9A-Za-z])", _sub, text)
