"""The streamed .xlsx read back with openpyxl: values and their types, the bold frozen header,
widths, sheet name, formula-like text kept as text, characters XML cannot hold dropped,
Chinese intact; the zip valid; and the file leaving in pieces while rows are still coming."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

import openpyxl
import pytest

from complaints.xlsx_stream import column_letter, xlsx_chunks

HEADERS = ["编号", "问题描述", "登记时间", "办理期限", "投诉人数", "被投诉人"]
WIDTHS = [12, 60, 19, 19, 12, 24]
ROW = [
    "TS-0001",
    "酸奶标价12元结账收15元\u0001，“好”\ufffe & <b>\ud800",
    datetime(2026, 11, 23, 9, 30, 17),
    date(2026, 11, 30),
    12,
    '=HYPERLINK("http://x")',
]


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_streamed_workbook_reads_back_with_its_values_types_and_header() -> None:
    rows = [
        ROW,
        ["TS-0002", "", None, None, 0, "+86 电话"],
        ["  空格  ", "-1", None, None, 3, "@x"],
    ]
    data = b"".join(xlsx_chunks(HEADERS, rows, sheet_title="投诉举报", widths=WIDTHS))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert "xl/worksheets/sheet1.xml" in archive.namelist()
        assert "xl/sharedStrings.xml" not in archive.namelist()
    sheet = _book(data).active
    assert sheet is not None and sheet.title == "投诉举报" and sheet.freeze_panes == "A2"
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0] == HEADERS and all(c.font.b for c in sheet[1])
    assert not sheet["A2"].font.b
    assert [sheet.column_dimensions[column_letter(i)].width for i in (1, 2, 6)] == [12, 60, 24]
    assert table[1] == [
        "TS-0001",
        "酸奶标价12元结账收15元，“好” & <b>",  # control, U+FFFE and a lone surrogate dropped
        datetime(2026, 11, 23, 9, 30, 17),
        datetime(2026, 11, 30),  # a date cell (openpyxl reads every date as a datetime)
        12,
        '=HYPERLINK("http://x")',
    ]
    assert sheet["C2"].is_date and sheet["C2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet["D2"].is_date and sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet["E2"].data_type == "n" and sheet["E3"].value == 0
    assert table[2][1:4] == [None, None, None]  # empty text and no value: empty cells
    assert table[3][:2] == ["  空格  ", "-1"]
    for ref in ("F2", "F3", "B4", "F4"):  # = + - @ first: text with the quote prefix
        assert sheet[ref].data_type == "s" and sheet[ref].quotePrefix, ref
    assert not sheet["A2"].quotePrefix and not sheet["B2"].quotePrefix


def test_a_long_sheet_name_is_cut_to_excels_31_characters() -> None:
    data = b"".join(xlsx_chunks(["a"], [["x"]], sheet_title="表" * 40))
    sheet = _book(data).active
    assert sheet is not None and sheet.title == "表" * 31


def test_the_file_leaves_in_pieces_while_rows_are_still_being_read() -> None:
    read = 0

    def rows() -> Iterator[list[str | int | datetime]]:
        nonlocal read
        for n in range(5000):
            read += 1
            yield [f"TS-{n:05d}", f"第{n}条 描述 {n * 7919 % 100003}", datetime(2026, 1, 1), n]

    chunks = xlsx_chunks(HEADERS[:4], rows(), sheet_title="s", widths=WIDTHS[:4])
    first = next(chunks)
    assert first.startswith(b"PK\x03\x04") and read == 0  # before any row was read
    pieces = [first]
    read_at = []
    for chunk in chunks:
        pieces.append(chunk)
        read_at.append(read)
    # the fixed parts, at least one piece of the sheet while rows were still coming, the end
    assert len(pieces) >= 3 and read_at[0] < 5000
    sheet = _book(b"".join(pieces)).active
    assert sheet is not None and sheet.max_row == 5001
    assert [c.value for c in sheet[5001]] == [
        "TS-04999",
        f"第4999条 描述 {4999 * 7919 % 100003}",
        datetime(2026, 1, 1),
        4999,
    ]


@pytest.mark.parametrize(("index", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (33, "AG")])
def test_column_letters(index: int, letters: str) -> None:
    assert column_letter(index) == letters
