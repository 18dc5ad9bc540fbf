"""Bulk-import cells as spreadsheets really hold them (pure): Chinese date spellings without a
space, Excel serial dates, and numbers a spreadsheet stored as numbers (digits past the 15th
lost, scientific notation, a landline's leading 0), which must be refused, never taken as a
different number."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from complaints import import_cells as cells
from complaints import import_columns as columns
from complaints import import_files as files

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026年12月6日14:05", datetime(2026, 12, 6, 6, 5, tzinfo=UTC)),
        ("2026年12月6日14时05分", datetime(2026, 12, 6, 6, 5, tzinfo=UTC)),
        ("2026年12月6日 14时05分30秒", datetime(2026, 12, 6, 6, 5, 30, tzinfo=UTC)),
        ("2026年12月6日", datetime(2026, 12, 5, 16, 0, tzinfo=UTC)),
        ("2026/12/6 14:05", datetime(2026, 12, 6, 6, 5, tzinfo=UTC)),
        (46362.4, datetime(2026, 12, 6, 1, 36, tzinfo=UTC)),  # a General-format date cell
        (46362, datetime(2026, 12, 5, 16, 0, tzinfo=UTC)),
        ("46362.586805556", datetime(2026, 12, 6, 6, 5, tzinfo=UTC)),  # as a CSV writes it
        ("20261206", datetime(2026, 12, 5, 16, 0, tzinfo=UTC)),  # still yyyymmdd, no serial
    ],
)
def test_dates_as_spreadsheets_write_them(cell: cells.Cell, expected: datetime) -> None:
    assert cells.parse_datetime(cell, TZ) == expected


@pytest.mark.parametrize("cell", [12.5, 99999, "3000"])
def test_numbers_that_are_no_serial_date_are_refused(cell: cells.Cell) -> None:
    with pytest.raises(ValueError):
        cells.parse_datetime(cell, TZ)


@pytest.mark.parametrize(
    ("header", "cell", "reason"),
    [
        ("证件号码", 1.1010519900101123e17, "keeps only 15 digits"),  # 18-digit ID as a number
        ("证件号码", "1.10105E+17", "scientific notation"),  # the same, through a CSV
        ("登记编号", 2.0261206000000012e19, "keeps only 15 digits"),
        ("工单编号", "2.02612E+19", "scientific notation"),
        ("统一社会信用代码", "9.1110108E+17", "scientific notation"),
        ("联系电话", 2164001234, "leading 0"),  # 021-64001234 stored as a number
        ("联系电话", 1064001234.0, "leading 0"),  # 010-64001234
    ],
)
def test_numbers_that_lost_digits_are_reported(header: str, cell: cells.Cell, reason: str) -> None:
    mapped = columns.map_headers([header])
    values, errors = columns.convert_row(mapped, [cell], TZ)
    assert values == {}
    assert len(errors) == 1 and errors[0].column == header and reason in errors[0].reason


@pytest.mark.parametrize(
    ("header", "cell", "expected"),
    [
        ("联系电话", 13800138000, "13800138000"),
        ("联系电话", 13800138000.0, "13800138000"),
        ("联系电话", 8613800138000, "8613800138000"),
        ("联系电话", 64001234, "64001234"),  # a local number without area code
        ("联系电话", 4008123123, "4008123123"),
        ("联系电话", "021-64001234", "021-64001234"),
        ("证件号码", "110105199001011234", "110105199001011234"),
        ("证件号码", 110105199001011234, "110105199001011234"),  # an exact whole number
        ("登记编号", 20261206001.0, "20261206001"),  # 11 digits survive as a number
        ("登记编号", "E20261206", "E20261206"),
        ("登记编号", "2026E123", "2026E123"),  # an E inside is no scientific notation
    ],
)
def test_numbers_that_kept_their_digits_are_taken(
    header: str, cell: cells.Cell, expected: str
) -> None:
    mapped = columns.map_headers([header])
    values, errors = columns.convert_row(mapped, [cell], TZ)
    assert errors == []
    assert list(values.values()) == [expected]


def test_a_stray_cell_far_down_an_xlsx_costs_no_million_rows() -> None:
    """One blank-looking cell at the sheet's last row made openpyxl yield 1,048,576 rows, each
    converted cell by cell (48 s for a 5 KB file); empty rows are now dropped unconverted
    (row 200,000 here keeps the test light on the old code)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["登记编号", "问题描述"])
    sheet.append(["D001", "多收钱"])
    sheet.cell(row=200_000, column=60, value=" ")
    sheet.cell(row=200_001, column=1, value="D002")
    out = io.BytesIO()
    book.save(out)
    table = files.read_table(out.getvalue(), "export.xlsx")
    assert list(table.rows) == [(2, ["D001", "多收钱"]), (200_001, ["D002", None])]


def test_a_stray_cell_far_right_of_the_header_does_not_widen_every_row() -> None:
    """One cell in column XFD made every row 16,384 cells wide (2,000 rows: 32 million cells
    converted and kept in memory, half a minute more per upload)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["登记编号", None, "问题描述"])
    sheet.append(["D001", "无名列", "多收钱", "右侧无表头"])
    sheet.cell(row=1, column=16_384, value=" ")
    out = io.BytesIO()
    book.save(out)
    table = files.read_table(out.getvalue(), "export.xlsx")
    assert table.headers == ["登记编号", None, "问题描述"]
    assert list(table.rows) == [(2, ["D001", "无名列", "多收钱"])]
