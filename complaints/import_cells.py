"""Bulk-import cell parsing (pure: no database, no web framework): what one spreadsheet or
CSV cell holds, as text, a yes/no, an instant or a date, an amount, or a record, ID or phone
number.

Dates and times: Excel dates (also serial numbers such as 46362.4, as a General-format cell
stores them), ISO 8601, 2026/11/20 9:30, 2026年11月20日 9时31分 or 2026年11月20日9:31 (local
time unless an offset is given). Record, ID, credit-code and phone numbers that a spreadsheet
stored as numbers are refused where digits were lost (past 15 digits, scientific notation
such as 1.10105E+17, a landline's leading 0), never taken as a different number.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

Cell = str | int | float | bool | datetime | date | time | Decimal | None


def text_of(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # Excel stores 13800138000 as a number
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, date | time):
        return cell.isoformat()
    return str(cell).strip()


def norm(text: str) -> str:
    return re.sub(r"[\s*:：]+", "", unicodedata.normalize("NFKC", text)).lower()


_TRUE = {"是", "y", "yes", "true", "1", "同意", "匿名", "√", "t"}
_FALSE = {"否", "n", "no", "false", "0", "不同意", "实名", "", "f"}


def parse_bool(cell: Cell) -> bool | None:
    if isinstance(cell, bool):
        return cell
    text = norm(text_of(cell))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return None if text == "" else False
    raise ValueError(f"expected 是/否 (yes/no), got {text_of(cell)!r}")


_DT_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y%m%d%H%M%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
)


def _chinese_date(text: str) -> str:
    """2026年11月20日 9时31分 (or 2026年11月20日9:31, 9时31分05秒) → 2026-11-20 9:31 (the usual
    Chinese spellings; the time may follow 日 without a space)."""
    text = re.sub(r"(\d{4})年(\d{1,2})月(\d{1,2})日", r"\1-\2-\3 ", text)
    text = re.sub(r"(\d{1,2})[时点](\d{1,2})分(\d{1,2})秒", r"\1:\2:\3", text)
    text = re.sub(r"(\d{1,2})[时点](\d{1,2})分?", r"\1:\2", text)
    return re.sub(r"\s+", " ", text).strip()


EXCEL_EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (after its leap bug)
EXCEL_SERIALS = (36526, 73051)  # 2000-01-01 … 2100-01-01 as Excel serial numbers
_SERIAL_TEXT = re.compile(r"\d{5}(\.\d+)?")


def _excel_serial(cell: Cell) -> datetime | None:
    """A date stored as an Excel serial number (a cell in General format: 46362.4 is
    2026-12-06 09:36), as a number or as the text a CSV export writes; None otherwise."""
    if isinstance(cell, bool) or not isinstance(cell, int | float | Decimal | str):
        return None
    if isinstance(cell, str) and not _SERIAL_TEXT.fullmatch(cell.strip()):
        return None
    serial = float(cell)
    if not EXCEL_SERIALS[0] <= serial < EXCEL_SERIALS[1]:
        return None
    return EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))


def parse_datetime(cell: Cell, tz: ZoneInfo) -> datetime | None:
    """An aware instant; times without an offset are local (the centre's time zone)."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime):
        value = cell
    elif isinstance(cell, date):
        value = datetime.combine(cell, time(0))
    elif (serial := _excel_serial(cell)) is not None:
        value = serial
    else:
        text = _chinese_date(text_of(cell))
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            for fmt in _DT_FORMATS:
                try:
                    value = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(f"not a date and time: {text!r} (e.g. 2026-11-20 09:30)") from None
    if not 2000 <= value.year <= 2100:
        raise ValueError(f"year {value.year} is out of range")
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def parse_date(cell: Cell, tz: ZoneInfo) -> date | None:
    if isinstance(cell, date) and not isinstance(cell, datetime):
        return cell
    value = parse_datetime(cell, tz)
    return None if value is None else value.astimezone(tz).date()


MAX_YUAN_DIGITS = 11  # below ¥100 billion: 10**13 cents, the API's bound on amounts


def parse_yuan(cell: Cell) -> int | None:
    """An amount in yuan (¥12.50, 12.5元, 1,234) → cents."""
    text = re.sub(r"[¥￥元,，\s]", "", text_of(cell))
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not an amount in yuan: {text_of(cell)!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount in yuan: {text_of(cell)!r}")
    if value < 0:
        raise ValueError("the amount must be zero or more")
    if value.adjusted() >= MAX_YUAN_DIGITS:  # checked before scaling: 1e999999 overflows
        raise ValueError(f"the amount must be below ¥1{'0' * MAX_YUAN_DIGITS}")
    return int((value * 100).to_integral_value())


def parse_cents(cell: Cell) -> int | None:
    text = text_of(cell)
    if not text:
        return None
    if not re.fullmatch(r"\d{1,15}", text):
        raise ValueError(f"not a whole number of cents: {text!r}")
    return int(text)


EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number: 18-digit IDs lose their tail
AS_TEXT = "format the column as text (文本) where it was exported and export it again"
_SCIENTIFIC = re.compile(r"[1-9](\.\d+)?[eE]\+\d{2}")  # as a spreadsheet writes 1.10105E+17
# What a phone stored as a number can be: a mobile (optionally with 86), a local number without
# area code, a 400/800 number. A landline with its area code starts with 0, which a number drops.
_NUMERIC_PHONE = re.compile(r"(86)?1[3-9]\d{9}|\d{3,8}|[48]00\d{7}")


def parse_identifier(cell: Cell) -> str | None:
    """A record, ID or credit-code number as written. One that Excel stored as a number is
    taken only while it kept every digit: 110105199001011234 stored as a number is
    1.10105199001011E+17, and 20-digit work-order numbers collapse into one another."""
    if isinstance(cell, float) and abs(cell) >= 10**EXCEL_DIGITS:
        raise ValueError(
            f"stored as a number ({cell:.{EXCEL_DIGITS}g}), which keeps only {EXCEL_DIGITS}"
            f" digits: the rest are lost; {AS_TEXT}"
        )
    text = text_of(cell)
    if _SCIENTIFIC.fullmatch(text):
        raise ValueError(
            f"{text!r} is a number in scientific notation: its last digits are lost; {AS_TEXT}"
        )
    return text or None


def parse_phone(cell: Cell) -> str | None:
    """A phone number; one stored as a number must be one a number can hold (no leading 0)."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        digits = text_of(cell)
        if not _NUMERIC_PHONE.fullmatch(digits):
            raise ValueError(
                f"stored as a number ({digits}), which drops a leading 0 (the area code's);"
                f" {AS_TEXT}"
            )
    return parse_identifier(cell)


def parse_count(cell: Cell) -> int | None:
    """A number of people: 12, 12.0 (a spreadsheet number) or 12人."""
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    text = text_of(cell).removesuffix("人").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{1,6}", text):
        raise ValueError(f"not a whole number: {text!r}")
    return int(text)
