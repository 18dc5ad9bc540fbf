"""Masking of personal data (pure; issue 5 "reporter confidentiality").

- Phone numbers keep their first 3 and last 4 digits (138****1234), ID numbers their first
  3 and last 4 characters, in fields and in free text alike (`core.privacy`, shared with the
  duty log and re-exported here); names their first character (张*).
- A report's reporter identity (name, phone, ID, address) is hidden from everyone without
  `complaint.confidential`, including the handling unit (O121 Art. 37).
- Lists, exports and logs always mask phones and IDs, whatever the reader may see in full.
"""

from __future__ import annotations

from core.privacy import mask_id, mask_phone, mask_text_phones

__all__ = ["HIDDEN", "mask_id", "mask_name", "mask_phone", "mask_text_phones"]

HIDDEN = "（保密）"


def mask_name(name: str) -> str:
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)
