"""A one-sheet .xlsx written as it goes: SpreadsheetML parts in a zip written to a stream that
cannot seek (each entry's sizes follow it in a data descriptor), so the first bytes can leave
before the last row is read and memory stays flat whatever the number of rows.

- Strings are inline (`t="inlineStr"`): no shared-strings table to hold until the end.
- The header row is bold and frozen; columns have the widths given.
- A text that a spreadsheet would read as a formula once edited (`TEXT_TRIGGERS` first) is a
  string cell with the quote prefix (OWASP "CSV injection"); no cell is ever a formula.
- Characters XML 1.0 cannot hold (C0 controls but tab, LF and CR; U+FFFE, U+FFFF; lone
  surrogates) are dropped.
- Dates and datetimes (naive, local) are serial numbers with a date format, integers numbers.
- No zip64: Excel refuses a zip64 entry it does not need, and an export's sheet stays far
  below 2 GiB (`MAX_ROWS` rows); zipfile raises, cutting the download, if one ever did not.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

TEXT_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 64 * 1024
ROWS_PER_WRITE = 200
SHEET_PART = "xl/worksheets/sheet1.xml"

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# cellXfs indices in STYLES
BOLD, TEXT_PREFIXED, DATETIME, DATE = 1, 2, 3, 4

CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    f'<Override PartName="/{SHEET_PART}" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_TAIL = "</sheetData></worksheet>"


def workbook_xml(sheet_title: str) -> str:
    return (
        _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
        f'<sheets><sheet name={quoteattr(sheet_title)} sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )


def sheet_head(widths: Iterable[int]) -> str:
    """The sheet up to its first row: header frozen, column widths."""
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    return (
        _HEAD + f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )


def column_letter(index: int) -> str:
    """The column's letters, `index` from 1 (1 → A, 27 → AA)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def excel_serial(value: date | datetime) -> str:
    """Days since Excel's 1900 epoch (as Excel counts them after February 1900)."""
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EXCEL_EPOCH
        return repr(delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000)
    return str((value - _EXCEL_EPOCH.date()).days)


def clean_text(value: str) -> str:
    return _ILLEGAL_XML.sub("", value)


def _text_cell(ref: str, value: str, style: int = 0) -> str:
    value = clean_text(value)
    if not value:
        return ""
    if not style and value.startswith(TEXT_TRIGGERS):
        style = TEXT_PREFIXED
    space = ' xml:space="preserve"' if value.strip() != value else ""
    text = escape(value).replace("\r", "&#13;")
    shown = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{shown} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def cell(ref: str, value: str | int | date | datetime | None) -> str:
    """One cell's XML ("" for an empty one)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _text_cell(ref, value)
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{DATETIME}"><v>{excel_serial(value)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE}"><v>{excel_serial(value)}</v></c>'
    return f'<c r="{ref}"><v>{int(value)}</v></c>'


def row_xml(number: int, values: Iterable[str | int | date | datetime | None]) -> str:
    cells = "".join(cell(f"{column_letter(i)}{number}", v) for i, v in enumerate(values, start=1))
    return f'<row r="{number}">{cells}</row>'


def header_xml(headers: Iterable[str]) -> str:
    cells = "".join(
        _text_cell(f"{column_letter(i)}1", h, BOLD) for i, h in enumerate(headers, start=1)
    )
    return f'<row r="1">{cells}</row>'


class _Sink:
    """Where the zip is written: bytes collected until taken. No `tell` or `seek`, so zipfile
    writes each entry's sizes after it (data descriptor) instead of going back for them."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        self.size = 0
        return data


def xlsx_chunks(
    headers: Iterable[str],
    rows: Iterable[Iterable[str | int | date | datetime | None]],
    *,
    sheet_title: str,
    widths: Iterable[int] = (),
    chunk: int = CHUNK,
) -> Iterator[bytes]:
    """The workbook's bytes in pieces of about `chunk`: the fixed parts at once, then the sheet
    as its rows come."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", workbook_xml(sheet_title[:31]))
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/styles.xml", STYLES)
        with book.open(SHEET_PART, "w") as sheet:
            sheet.write((sheet_head(widths) + header_xml(headers)).encode())
            yield sink.take()
            pending: list[str] = []
            for number, values in enumerate(rows, start=2):
                pending.append(row_xml(number, values))
                if len(pending) >= ROWS_PER_WRITE:
                    sheet.write("".join(pending).encode())
                    pending.clear()
                    if sink.size >= chunk:
                        yield sink.take()
            pending.append(SHEET_TAIL)
            sheet.write("".join(pending).encode())
    yield sink.take()
