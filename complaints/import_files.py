"""Reading an uploaded table (pure): CSV in UTF-8 or GB18030/GBK, or the first sheet of an
.xlsx workbook (openpyxl, read-only). Old binary .xls is refused with a hint. The first
non-empty row is the header; row numbers are the ones the user sees (the header is usually
row 1); empty rows are skipped; more than `max_rows` data rows raise `TooManyRows`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, cast

from complaints.import_columns import Cell, text_of

FileFormat = Literal["csv", "xlsx"]
XLSX_MAGIC = b"PK\x03\x04"


class TableError(ValueError):
    """The file as a whole cannot be read (bad encoding, not a spreadsheet, no header)."""


class TooManyRows(ValueError):
    pass


@dataclass(frozen=True)
class Table:
    file_format: FileFormat
    encoding: str | None
    header_row: int
    headers: list[Cell]
    rows: Iterator[tuple[int, list[Cell]]]  # (row number as the user sees it, cells)


def detect_format(content: bytes, filename: str) -> FileFormat:
    name = filename.lower()
    if content.startswith(XLSX_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError("old binary .xls files are not supported: save the sheet as .xlsx or CSV")
    return "csv"


def decode(content: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and the encoding used: UTF-8 (with or without BOM) first, then GB18030 (a
    superset of GBK/GB2312, which Chinese platforms export); or the one asked for."""
    candidates = [encoding] if encoding else ["utf-8-sig", "gb18030"]
    for name in candidates:
        try:
            return content.decode(name), "utf-8" if name == "utf-8-sig" else name
        except (UnicodeDecodeError, LookupError):
            continue
    raise TableError(
        f"the file is not valid {encoding or 'UTF-8 or GB18030'} text"
        + ("" if encoding else "; export it as CSV (UTF-8 or GBK) or .xlsx")
    )


def _non_empty(cells: list[Cell]) -> bool:
    return any(text_of(c) for c in cells)


def _csv_table(content: bytes, encoding: str | None) -> Table:
    text, used = decode(content, encoding)
    if "\x00" in text:
        raise TableError("the file contains NUL characters: it is not a CSV text file")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    numbered = ((n, cast(list[Cell], row)) for n, row in enumerate(reader, start=1))
    return _with_header(numbered, "csv", used)


def _xlsx_table(content: bytes) -> Table:
    import openpyxl  # imported lazily: only bulk import needs it

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise TableError(f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    except Exception as exc:  # openpyxl raises assorted errors on damaged files
        raise TableError(f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise TableError("the workbook has no sheet")

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        try:
            for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield n, [v if isinstance(v, Cell) else str(v) for v in values]
        finally:
            book.close()

    return _with_header(rows(), "xlsx", None)


def _with_header(
    rows: Iterator[tuple[int, list[Cell]]], file_format: FileFormat, encoding: str | None
) -> Table:
    for number, cells in rows:
        if _non_empty(cells):
            return Table(file_format, encoding, number, cells, rows)
    raise TableError("the file has no header row")


def read_table(content: bytes, filename: str, encoding: str | None = None) -> Table:
    if not content:
        raise TableError("the file is empty")
    if detect_format(content, filename) == "xlsx":
        return _xlsx_table(content)
    return _csv_table(content, encoding)


def data_rows(table: Table, max_rows: int) -> Iterator[tuple[int, list[Cell]]]:
    """The non-empty rows after the header; TooManyRows past `max_rows`."""
    count = 0
    for number, cells in table.rows:
        if not _non_empty(cells):
            continue
        count += 1
        if count > max_rows:
            raise TooManyRows(f"the file has more than {max_rows} rows: split it")
        yield number, cells
