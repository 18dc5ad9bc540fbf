"""The phone numbers people call from, as one rule for callers and complainants (pure).

Accepted, written any usual way (spaces, hyphens, brackets, full-width digits):
- a mainland mobile, with or without +86 / 0086 / 86: stored as E.164 (+8613800001234),
  the form SMS needs;
- a landline with its area code, with or without hyphen, or as +86 without the trunk 0:
  stored as dialled at home (0531-86012345). Area codes 010 and 02x have three digits, the
  others four; the local number has 7 or 8 digits and does not start with 0 or 1;
- a 400 / 800 number (4008001234) and a hotline or short number of 5 or 6 digits (12315,
  95588), kept as digits: complainants give those deliberately;
- another country's number in E.164 (+44…), kept.
Anything else, such as a mobile missing digits (1380000) or a local number without its area
code, is refused: the number would be useless to call back.
"""

from __future__ import annotations

import re
import unicodedata

REASON = (
    "must be a phone number: a mobile (13800001234), a landline with its area code "
    "(0531-86012345), +86… or a hotline number (12315)"
)
_SEPARATORS = re.compile(r"[\s\-()./]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))([2-9]\d{6,7})")
_SERVICE = re.compile(r"[48]00\d{7}|[1-9]\d{4,5}")
_FOREIGN = re.compile(r"\+[1-9]\d{6,14}")


def normalise(text: str) -> str:
    """`text` as the one stored form of its number (module docstring), else ValueError."""
    raw = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    national = _national(raw)
    if national is None:
        if _FOREIGN.fullmatch(raw) and not raw.startswith("+86"):
            return raw
        raise ValueError(REASON)
    if _MOBILE.fullmatch(national):
        return "+86" + national
    landline = _LANDLINE.fullmatch(national)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    if _SERVICE.fullmatch(national):
        return national
    raise ValueError(REASON)


def normalised_or_none(text: str | None) -> str | None:
    """A stored number in today's form, or None when it is none (older free-form rows)."""
    try:
        return normalise(text) if text else None
    except ValueError:
        return None


def _national(raw: str) -> str | None:
    """The number as dialled inside mainland China (trunk 0 for landlines), or None when it
    is not written as one (a foreign number, or letters)."""
    for prefix in ("+86", "0086"):
        if raw.startswith(prefix):
            rest = raw[len(prefix) :]
            if not rest.isdigit():
                return None
            return rest if rest.startswith("1") else "0" + rest.removeprefix("0")
    if raw.startswith("86") and _MOBILE.fullmatch(raw[2:]):
        return raw[2:]
    return raw if raw.isdigit() else None
