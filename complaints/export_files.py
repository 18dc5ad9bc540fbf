"""An export's rows written as CSV or Excel (no database; `complaints.export` makes the rows).

- CSV: UTF-8 with a byte-order mark (Excel then reads the Chinese right), CRLF line ends,
  encoded a few hundred rows at a time as they come.
- Excel: openpyxl's write-only mode (each row is written out as it is appended, never held as
  a sheet of cells), saved to a temporary file that is then read back in chunks.
- Times are local (the rows hold naive local datetimes): text in CSV, date cells in Excel.
- A text that a spreadsheet would read as a formula once edited (=, +, -, @, tab or CR first)
  stays text: in CSV behind an apostrophe, in Excel as a string cell with the quote prefix
  (OWASP "CSV injection"). Characters XML cannot hold are dropped from Excel cells.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from complaints.export import Value

BOM = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_ROWS_PER_CHUNK = 500
FILE_CHUNK = 64 * 1024
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    return str(value)


def csv_chunks(
    headers: Iterable[str], rows: Iterable[list[Value]], *, per_chunk: int = CSV_ROWS_PER_CHUNK
) -> Iterator[bytes]:
    """The CSV file in pieces: the BOM and the header line, then `per_chunk` rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(list(headers))
    pending = 0
    for values in rows:
        writer.writerow([csv_text(v) for v in values])
        pending += 1
        if pending >= per_chunk:
            yield _take(buffer)
            pending = 0
    yield _take(buffer)


def _take(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def xlsx_file(
    headers: list[str], rows: Iterable[list[Value]], *, sheet_title: str, widths: list[int]
) -> IO[bytes]:
    """The workbook in a temporary file, positioned at its start (the caller closes it)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for values in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in values])
    out = tempfile.TemporaryFile()
    book.save(out)
    out.seek(0)
    return out


def _xlsx_cell(sheet: Any, value: Value) -> Any:
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(FORMULA_TRIGGERS):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would make one starting with '=' a formula
    cell.quotePrefix = True
    return cell


def file_chunks(file: IO[bytes], *, size: int = FILE_CHUNK) -> Iterator[bytes]:
    """`file` read out in chunks, closed at the end (or when the reader stops early)."""
    with file:
        while chunk := file.read(size):
            yield chunk
