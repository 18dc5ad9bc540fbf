"""Files for bulk-import tests: a 全国12315平台-style export with good and bad rows, as CSV
(any encoding) or .xlsx, and an .xlsx "zip bomb"."""

from __future__ import annotations

import io
import zipfile

import openpyxl

HEADERS = [
    "登记编号",
    "登记时间",
    "诉求类型",
    "来源渠道",
    "投诉人/举报人",
    "联系电话",
    "投诉人地址",
    "被投诉人",
    "地址",
    "问题描述",
    "诉求",
    "举报线索",
    "金额（元）",
    "备注",
]
_COMPLAINT = [
    "张三",
    "13800138000",
    "城西区和平路1号",
    "好再来超市有限公司",
    "城东区幸福路88号",
    "在好再来超市购买酸奶标价12元，结账收15元。",
    "退还多收的3元",
    "",
    "3",
    "",
]
ROWS: list[list[object]] = [
    # row 2: a good complaint
    ["A001", "2026-11-20 09:31", "投诉", "12315热线", *_COMPLAINT],
    # row 3: a good (anonymous) report
    [
        "A002",
        "2026/11/20 10:05",
        "举报",
        "互联网",
        "",
        "",
        "",
        "便民小卖部",
        "城西区民生路5号",
        "货架上有多批过期面包。",
        "",
        "城西区民生路5号便民小卖部销售过期食品",
        "",
        "",
    ],
    # row 4: a complaint without phone and claim
    [
        "A003",
        "2026-11-20 11:00",
        "投诉",
        "12315热线",
        "李四",
        "",
        *_COMPLAINT[2:6],
        "",
        *_COMPLAINT[7:],
    ],
    # row 5: an unknown channel
    ["A004", "2026-11-20 11:30", "投诉", "飞鸽传书", *_COMPLAINT],
    # row 6: received in the future
    ["A005", "2026-12-30 10:00", "投诉", "12315热线", *_COMPLAINT],
    # row 7: a complaint that also reports a violation: split in two (Art. 9)
    [
        "A006",
        "2026年11月21日 8时15分",
        "投诉举报",
        "12315平台",
        "王五",
        "13700137000",
        "城东区建设路2号",
        "乐购商行",
        "城东区建设路10号",
        "买到的饼干已过保质期，要求退款。",
        "退款并赔偿",
        "乐购商行销售过期饼干",
        "¥25.50",
        "",
    ],
    # row 8: A001 again (a duplicate inside the file)
    ["A001", "2026-11-20 09:31", "投诉", "12315热线", *_COMPLAINT],
    # row 9: an emergency: people trapped in a lift
    [
        "A007",
        "2026-11-22 18:40",
        "举报",
        "12315热线",
        "赵六",
        "13600136000",
        "",
        "城东区幸福小区物业",
        "城东区幸福小区3栋",
        "电梯突然停运，有人被困在电梯里，已有人受伤。",
        "",
        "幸福小区3栋电梯困人",
        "",
        "",
    ],
]
GOOD_ROWS = (2, 3, 7, 9)
INVALID_ROWS = (4, 5, 6)
DUPLICATE_ROWS = (8,)


def csv_bytes(rows: list[list[object]] | None = None, *, encoding: str = "utf-8") -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in ROWS if rows is None else rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "投诉举报登记"
    sheet.append(HEADERS)
    for row in ROWS if rows is None else rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_bomb(unpacked_mib: int = 64, part: str = "xl/sharedStrings.xml") -> bytes:
    """A good workbook whose `part` holds one string of `unpacked_mib` MiB that packs to a few
    hundred KB; written in chunks, so building it takes little memory."""
    good = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in good.infolist():
            if info.filename != part:
                bomb.writestr(info.filename, good.read(info.filename))
        with bomb.open(part, "w", force_zip64=True) as member:
            member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
            member.write(b' count="1" uniqueCount="1"><si><t>')
            chunk = b"A" * (1024 * 1024)
            for _ in range(unpacked_mib):
                member.write(chunk)
            member.write(b"</t></si></sst>")
    return out.getvalue()
