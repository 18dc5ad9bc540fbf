"""Bulk-import column mapping, cell parsing and file reading (pure), table-driven."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from complaints import import_cells as cells
from complaints import import_columns as columns
from complaints import import_files as files

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("登记编号", "external_ref"),
        (" 登记时间 ", "received_at"),
        ("诉求类型*", "item_type"),
        ("来源渠道：", "channel"),
        ("投诉人/举报人", "submitter_name"),
        ("联系电话", "submitter_phone"),
        ("被投诉人", "respondent_name"),
        ("地址", "respondent_address"),
        ("问题描述", "description"),
        ("金额（元）", "amount_cents"),  # full-width brackets normalised
        ("Item_Type", "item_type"),  # English: the API field names, any case
        ("amount_cents", "amount_cents"),
        ("respondent_registered_address", "respondent_registered_address"),
    ],
)
def test_headers_map_to_fields(header: str, field: str) -> None:
    mapped = columns.map_headers([header])
    assert [spec.field for _, _, spec in mapped.columns] == [field]
    assert mapped.column_of(field) == header.strip()


def test_unknown_headers_are_reported_and_empty_ones_skipped() -> None:
    mapped = columns.map_headers(["登记编号", "", None, "处理人备注", "问题描述"])
    assert mapped.fields == {"external_ref", "description"}
    assert mapped.ignored == ("处理人备注",)
    assert [i for i, _, _ in mapped.columns] == [0, 4]


@pytest.mark.parametrize(
    ("header", "cell", "expected"),
    [
        ("诉求类型", "投诉", "complaint"),
        ("诉求类型", "举报件", "report"),
        ("诉求类型", "咨询", "consultation"),
        ("诉求类型", "意见建议", "suggestion"),
        ("诉求类型", "投诉举报", columns.MIXED),
        ("诉求类型", "report", "report"),
        ("来源渠道", "12315热线", "hotline_12315"),
        ("来源渠道", "互联网", "platform_12315"),
        ("来源渠道", "12345", "transfer_12345"),
        ("来源渠道", "抖音", "douyin"),
        ("来源渠道", "信访", "petition"),
        ("问题类别", "食品安全", "food"),
        ("问题类别", "特种设备", "special_equipment"),
        ("问题类别", "price", "price"),
        ("紧急程度", "紧急", "emergency"),
        ("销售方式", "平台内经营者", "platform_merchant"),
        ("是否匿名", "是", True),
        ("是否匿名", "N", False),
        ("同意公示", 1, True),
        ("金额（元）", "¥1,234.50", 123450),
        ("金额", "12.5元", 1250),
        ("金额", 99, 9900),
        ("amount_cents", "1250", 1250),
        ("联系电话", 13800138000.0, "13800138000"),  # Excel keeps phones as numbers
        ("消费日期", "2026年11月20日", date(2026, 11, 20)),
        ("消费日期", datetime(2026, 11, 20, 15, 0), date(2026, 11, 20)),
    ],
)
def test_cells_parse(header: str, cell: cells.Cell, expected: object) -> None:
    mapped = columns.map_headers([header])
    values, errors = columns.convert_row(mapped, [cell], TZ)
    assert errors == []
    assert list(values.values()) == [expected]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-11-20 09:31:00", datetime(2026, 11, 20, 1, 31, tzinfo=UTC)),
        ("2026/11/20 9:31", datetime(2026, 11, 20, 1, 31, tzinfo=UTC)),
        ("2026年11月20日 9时31分", datetime(2026, 11, 20, 1, 31, tzinfo=UTC)),
        ("2026-11-20T09:31:00+08:00", datetime(2026, 11, 20, 1, 31, tzinfo=UTC)),
        ("2026-11-20T01:31:00Z", datetime(2026, 11, 20, 1, 31, tzinfo=UTC)),
        ("20261120", datetime(2026, 11, 19, 16, 0, tzinfo=UTC)),  # local midnight
        (datetime(2026, 11, 20, 9, 31), datetime(2026, 11, 20, 1, 31, tzinfo=UTC)),
    ],
)
def test_times_without_offset_are_local(cell: cells.Cell, expected: datetime) -> None:
    parsed = cells.parse_datetime(cell, TZ)
    assert parsed == expected


@pytest.mark.parametrize(
    ("header", "cell", "reason"),
    [
        ("诉求类型", "表扬", "unknown submission type"),
        ("来源渠道", "飞鸽传书", "unknown channel"),
        ("登记时间", "昨天下午", "not a date and time"),
        ("登记时间", "1899-01-01", "out of range"),
        ("金额", "十元", "not an amount"),
        ("金额", "-5", "zero or more"),
        ("金额", "1e999999", "below"),
        ("金额", "-1e999999", "zero or more"),
        ("金额", "1e12", "below"),
        ("金额", "NaN", "not an amount"),
        ("金额", "sNaN", "not an amount"),
        ("金额", "Infinity", "not an amount"),
        ("金额", "-inf", "not an amount"),
        ("amount_cents", "1e999999", "whole number of cents"),
        ("amount_cents", "NaN", "whole number of cents"),
        ("amount_cents", "-5", "whole number of cents"),
        ("登记时间", "9999-12-31T23:59:59-10:00", "out of range"),
        ("登记时间", "0001-01-01T00:00:00+08:00", "out of range"),
        ("登记时间", "NaN", "not a date and time"),
        ("消费日期", "99999999999999", "not a date and time"),
        ("消费日期", "2101-01-01", "out of range"),
        ("amount_cents", "12.5", "whole number of cents"),
        ("是否匿名", "也许", "expected 是/否"),
    ],
)
def test_bad_cells_are_reported_with_their_column(header: str, cell: str, reason: str) -> None:
    mapped = columns.map_headers([header])
    values, errors = columns.convert_row(mapped, [cell], TZ)
    assert values == {}
    assert len(errors) == 1 and errors[0].column == header and reason in errors[0].reason


def test_first_non_empty_column_wins_for_a_field() -> None:
    mapped = columns.map_headers(["被投诉人地址", "地址"])
    values, _ = columns.convert_row(mapped, ["", "城东区幸福路88号"], TZ)
    assert values == {"respondent_address": "城东区幸福路88号"}
    values, _ = columns.convert_row(mapped, ["城西区民生路5号", "城东区幸福路88号"], TZ)
    assert values == {"respondent_address": "城西区民生路5号"}


CSV_TEXT = '登记编号,诉求类型,问题描述\nA1,投诉,酸奶多收钱\n\n,,\nA2,举报,"过期面包,多批"\n'


@pytest.mark.parametrize(
    ("encoding", "prefix", "expected"),
    [("utf-8", b"", "utf-8"), ("utf-8", b"\xef\xbb\xbf", "utf-8"), ("gb18030", b"", "gb18030")],
)
def test_csv_in_utf8_bom_or_gb18030(encoding: str, prefix: bytes, expected: str) -> None:
    table = files.read_table(prefix + CSV_TEXT.encode(encoding), "export.csv")
    assert table.file_format == "csv" and table.encoding == expected
    assert table.headers == ["登记编号", "诉求类型", "问题描述"]
    rows = list(files.data_rows(table, 10))
    assert [(n, cells[0]) for n, cells in rows] == [(2, "A1"), (5, "A2")]
    assert rows[1][1][2] == "过期面包,多批"


def test_semicolon_and_tab_separated_files_are_sniffed() -> None:
    for sep in (";", "\t"):
        text = CSV_TEXT.replace(",", sep).replace('"过期面包' + sep + '多批"', "过期面包")
        table = files.read_table(text.encode(), "x.csv")
        assert table.headers == ["登记编号", "诉求类型", "问题描述"]


def test_an_explicit_encoding_is_honoured_and_checked() -> None:
    gbk = CSV_TEXT.encode("gbk")
    assert files.read_table(gbk, "x.csv", "gbk").encoding == "gbk"
    with pytest.raises(files.TableError, match="not valid utf-8"):
        files.read_table(gbk, "x.csv", "utf-8")


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_first_sheet_with_typed_cells() -> None:
    content = _xlsx(
        [
            [],
            ["登记编号", "登记时间", "联系电话", "问题描述"],
            ["A1", datetime(2026, 11, 20, 9, 31), 13800138000, "多收钱"],
            [None, None, None, None],
            ["A2", "2026-11-21", "13900139000", "过期"],
        ]
    )
    table = files.read_table(content, "anything.bin")  # detected by content
    assert table.file_format == "xlsx" and table.header_row == 2
    rows = list(files.data_rows(table, 10))
    assert [n for n, _ in rows] == [3, 5]
    mapped = columns.map_headers(table.headers)
    values, errors = columns.convert_row(mapped, rows[0][1], TZ)
    assert errors == []
    assert values["submitter_phone"] == "13800138000"
    assert values["received_at"] == datetime(2026, 11, 20, 1, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "x.csv", "empty"),
        (b"\xd0\xcf\x11\xe0rest-of-an-ole-file", "old.xls", "not supported"),
        (b"PK\x03\x04not really a zip", "x.xlsx", "not a readable .xlsx"),
        (b"\xff\xfe\x00\x00garbage\x00", "x.csv", "not valid UTF-8 or GB18030"),
        ("问题描述\n内容\x00".encode(), "x.csv", "NUL"),
        (b"\n\n ,\n", "x.csv", "no header row"),
    ],
)
def test_unreadable_files_raise_table_errors(content: bytes, name: str, message: str) -> None:
    with pytest.raises(files.TableError, match=message):
        table = files.read_table(content, name)
        list(files.data_rows(table, 10))


def test_too_many_rows() -> None:
    text = "问题描述\n" + "".join(f"第{i}行\n" for i in range(11))
    table = files.read_table(text.encode(), "x.csv")
    with pytest.raises(files.TooManyRows):
        list(files.data_rows(table, 10))
