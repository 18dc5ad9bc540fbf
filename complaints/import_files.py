"""Reading an uploaded table (pure): CSV in UTF-8 or GB18030/GBK, or the first sheet of an
.xlsx workbook (openpyxl, read-only). Old binary .xls is refused with a hint. An .xlsx is
looked into before openpyxl opens it: one that would unpack to more than
`MAX_UNPACKED_BYTES`, or with a part packed more tightly than `MAX_RATIO` (a "zip bomb"), is
refused, as is a file that is not a zip archive. Rows without any value are dropped before a
cell is looked at: openpyxl yields every row up to the last one the sheet mentions, and one
stray cell at row 1,048,576 (a formatted or blank cell far down, as workbooks often carry)
turned a 5 KB upload into a million rows of checks taking most of a minute; likewise cells
right of the header's last named column are cut off unread (a stray cell in column XFD made
every row 16,384 cells wide: 32 million cells for 2,000 rows). A CSV cell
longer than the csv module's field limit makes the file unreadable, not a server error. The
first non-empty row is the header; row numbers are the ones the user sees (the header is
usually row 1); empty rows are skipped; more than `max_rows` data rows raise `TooManyRows`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, cast

from complaints.import_cells import Cell, text_of

FileFormat = Literal["csv", "xlsx"]
XLSX_MAGIC = b"PK\x03\x04"
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all parts of an .xlsx, unpacked
MAX_RATIO = 200  # unpacked / packed size of one part; real workbooks stay well below
RATIO_FROM = 1024 * 1024  # parts smaller than this may be packed as tightly as they are


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


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[Cell]]]:
    number = 0
    try:
        for row in reader:
            number += 1
            yield number, cast(list[Cell], row)
    except csv.Error as exc:
        raise TableError(f"row {number + 1} cannot be read as CSV: {exc}") from None


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
    return _with_header(_csv_rows(reader), "csv", used)


def check_archive(content: bytes) -> None:
    """TableError unless `content` is a zip archive whose parts unpack to a sane size. The
    sizes are the ones the archive declares: zipfile (and so openpyxl) never unpacks more of
    a part than its declared size, so they bound what opening the workbook can take."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise TableError(f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    limit = MAX_UNPACKED_BYTES // (1024 * 1024)
    if sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise TableError(f"the workbook unpacks to more than {limit} MiB: split it")
    for part in parts:
        ratio = part.file_size // max(part.compress_size, 1)
        if part.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise TableError(
                f"the workbook's part {part.filename!r} is packed {ratio} times as tightly as"
                " a spreadsheet is: not a workbook an export makes"
            )


def _xlsx_table(content: bytes) -> Table:
    import openpyxl  # imported lazily: only bulk import needs it

    check_archive(content)
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
        width: int | None = None  # up to the header's last named column, once it is seen
        try:
            for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                values = values[:width]
                if values.count(None) == len(values):
                    continue  # skipped cheaply: see above
                cells: list[Cell] = [v if isinstance(v, Cell) else str(v) for v in values]
                if width is None and _non_empty(cells):
                    width = max(i for i, c in enumerate(cells) if text_of(c)) + 1
                    cells = cells[:width]
                yield n, cells
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
