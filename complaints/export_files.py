"""An export's rows written as CSV or Excel (no database; `complaints.export` makes the rows).

- CSV: UTF-8 with a byte-order mark (Excel then reads the Chinese right), CRLF line ends,
  encoded a few hundred rows at a time as they come.
- Excel: one sheet written as the rows come into a zip streamed out in chunks
  (`complaints.xlsx_stream`): the first bytes leave at once and memory stays flat.
- Times are local (the rows hold naive local datetimes): text in CSV, date cells in Excel.
- A text that a spreadsheet would read as a formula once edited (=, +, -, @, tab or CR first)
  stays text: in CSV behind an apostrophe, in Excel as a string cell with the quote prefix
  (OWASP "CSV injection"). Characters XML cannot hold are dropped from Excel cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from complaints import xlsx_stream
from complaints.export import Value

BOM = "\ufeff"
FORMULA_TRIGGERS = xlsx_stream.TEXT_TRIGGERS
CSV_ROWS_PER_CHUNK = 500
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


def xlsx_chunks(
    headers: list[str], rows: Iterable[list[Value]], *, sheet_title: str, widths: list[int]
) -> Iterator[bytes]:
    """The workbook in pieces, written as the rows come."""
    return xlsx_stream.xlsx_chunks(headers, rows, sheet_title=sheet_title, widths=widths)
