"""Bulk-import column mapping (pure: no database, no web framework); the cells are parsed by
`complaints.import_cells`.

A file is a table whose first non-empty row holds the headers. Each header is matched, after
normalisation (NFKC, so full-width brackets and colons become ASCII; spaces, a trailing `*`
or `:` removed; ASCII lower-cased), against the Chinese and English names in `COLUMNS`; a
header that matches nothing is reported as ignored. When two columns map to the same field,
the first non-empty cell wins. English headers are the field names of
`POST /api/v1/complaints` (`amount_cents` in cents; the Chinese 金额 columns are in yuan).
The mapping is documented for users in docs/complaint-import.md.

Cells: codes or Chinese labels for enumerations (投诉 / complaint, 12315热线, 食品 …; 投诉举报
means a complaint that also reports a violation); dates and times as Excel dates, ISO 8601,
2026/11/20 9:30 or 2026年11月20日 (local time unless an offset is given); yes/no as 是/否,
Y/N, 1/0; amounts in yuan as 12.50, ¥12.5 or 12.5元.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from complaints.import_cells import (
    Cell,
    norm,
    parse_bool,
    parse_cents,
    parse_count,
    parse_date,
    parse_datetime,
    parse_identifier,
    parse_phone,
    parse_yuan,
    text_of,
)
from complaints.vocab import ZH, Channel, Domain, ItemType, SaleMode, Urgency

MIXED = "mixed"  # 投诉举报: a complaint that also reports a violation


def _lookup(table: dict[str, str], what: str) -> Callable[[Cell], str | None]:
    def parse(cell: Cell) -> str | None:
        text = text_of(cell)
        if not text:
            return None
        found = table.get(norm(text))
        if found is None:
            raise ValueError(f"unknown {what} {text!r}")
        return found

    return parse


def _labels(enum: type[StrEnum], aliases: dict[str, StrEnum]) -> dict[str, str]:
    table = {norm(m.value): m.value for m in enum}
    table |= {norm(ZH[m]): m.value for m in enum if m in ZH}
    table |= {norm(k): v.value for k, v in aliases.items()}
    return table


ITEM_TYPES = _labels(
    ItemType,
    {"投诉件": ItemType.complaint, "举报件": ItemType.report, "咨询件": ItemType.consultation},
) | {norm(t): MIXED for t in ("投诉举报", "投诉+举报", "投诉、举报", "投诉和举报", "mixed")}
ITEM_TYPES |= {norm(t): ItemType.suggestion.value for t in ("建议", "意见", "suggest")}
CHANNELS = _labels(
    Channel,
    {
        "12315": Channel.hotline_12315,
        "12315电话": Channel.hotline_12315,
        "电话": Channel.hotline_12315,
        "话务接收": Channel.hotline_12315,
        "热线": Channel.hotline_12315,
        "值班电话": Channel.centre_hotline,
        "12315平台": Channel.platform_12315,
        "互联网": Channel.platform_12315,
        "群众互联网填写": Channel.platform_12315,
        "平台": Channel.platform_12315,
        "app": Channel.platform_12315,
        "小程序": Channel.platform_12315,
        "监管人员录入": Channel.platform_12315,
        "12345": Channel.transfer_12345,
        "12345热线": Channel.transfer_12345,
        "12345转办": Channel.transfer_12345,
        "头条": Channel.toutiao,
        "门户网站": Channel.website,
        "信件": Channel.letter,
        "来信": Channel.letter,
        "窗口": Channel.walk_in,
        "现场": Channel.walk_in,
        "来访": Channel.walk_in,
        "市级派单": Channel.municipal_dispatch,
        "市中心派单": Channel.municipal_dispatch,
    },
)
DOMAINS = _labels(
    Domain,
    {
        "食品安全": Domain.food,
        "餐饮": Domain.food,
        "药械": Domain.drugs,
        "器械": Domain.medical_devices,
        "质量": Domain.product_quality,
        "计量": Domain.metrology,
        "标准": Domain.metrology,
        "认证认可": Domain.metrology,
        "检验检测": Domain.metrology,
        "价格监管": Domain.price,
        "收费": Domain.price,
        "商标": Domain.ip,
        "专利": Domain.ip,
        "反垄断": Domain.competition,
        "不正当竞争": Domain.competition,
        "网络交易": Domain.online_trade,
        "网购": Domain.online_trade,
        "无照经营": Domain.registration,
        "消费维权": Domain.consumer_protection,
        "合同": Domain.consumer_protection,
        "售后服务": Domain.consumer_protection,
        "民营企业": Domain.private_economy,
    },
)
URGENCIES = _labels(
    Urgency, {"特急": Urgency.emergency, "急": Urgency.urgent, "普通": Urgency.normal}
)
SALE_MODES = _labels(
    SaleMode,
    {
        "线下": SaleMode.offline,
        "实体店": SaleMode.offline,
        "自建网站": SaleMode.own_website,
        "自营网站": SaleMode.own_website,
        "平台经营者": SaleMode.platform_operator,
        "电商平台": SaleMode.platform_operator,
        "平台内经营者": SaleMode.platform_merchant,
        "平台商家": SaleMode.platform_merchant,
        "网店": SaleMode.platform_merchant,
    },
)

# ---- columns ---------------------------------------------------------------------------------

Parser = Callable[[Cell, ZoneInfo], object]


def _plain(fn: Callable[[Cell], object]) -> Parser:
    return lambda cell, _tz: fn(cell)


def _optional_text(cell: Cell) -> str | None:
    return text_of(cell) or None


_PLAIN_TEXT: Parser = _plain(text_of)


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    headers: tuple[str, ...]
    parse: Parser = _PLAIN_TEXT


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "external_ref",
        (
            "登记编号",
            "投诉举报编号",
            "工单编号",
            "工单号",
            "受理编号",
            "编号",
            "registration_number",
            "order_number",
            "ref",
        ),
        _plain(parse_identifier),
    ),
    ColumnSpec(
        "received_at",
        ("登记时间", "受理时间", "接收时间", "来件时间", "派单时间", "来电时间", "registered_at"),
        parse_datetime,
    ),
    ColumnSpec(
        "item_type",
        ("诉求类型", "类型", "件类型", "业务类型", "诉求分类", "type"),
        _plain(_lookup(ITEM_TYPES, "submission type")),
    ),
    ColumnSpec(
        "channel",
        ("来源渠道", "来源", "渠道", "来源方式", "受理渠道", "source_channel"),
        _plain(_lookup(CHANNELS, "channel")),
    ),
    ColumnSpec(
        "submitter_name",
        ("投诉人/举报人", "投诉人", "举报人", "诉求人", "反映人", "来电人", "姓名", "name"),
    ),
    ColumnSpec(
        "submitter_phone",
        ("联系电话", "电话", "手机", "手机号码", "来电号码", "联系方式", "phone"),
        _plain(parse_phone),
    ),
    ColumnSpec("submitter_id_type", ("证件类型",), _plain(_optional_text)),
    ColumnSpec(
        "submitter_id_number", ("证件号码", "身份证号码", "身份证号"), _plain(parse_identifier)
    ),
    ColumnSpec("submitter_address", ("投诉人地址", "举报人地址", "诉求人地址", "联系地址")),
    ColumnSpec(
        "respondent_name",
        (
            "被投诉人",
            "被举报人",
            "被投诉人/被举报人",
            "被投诉方",
            "经营者名称",
            "涉事主体",
            "respondent",
        ),
    ),
    ColumnSpec(
        "respondent_credit_code",
        ("统一社会信用代码", "信用代码", "credit_code"),
        _plain(parse_identifier),
    ),
    ColumnSpec(
        "respondent_address",
        ("地址", "被投诉人地址", "被举报人地址", "经营地址", "经营场所", "address"),
    ),
    ColumnSpec("respondent_registered_address", ("住所", "注册地址", "登记住所")),
    ColumnSpec("occurred_address", ("发生地址", "事发地址", "事发地点", "违法行为发生地")),
    ColumnSpec(
        "description",
        ("问题描述", "诉求内容", "投诉内容", "举报内容", "反映内容", "内容", "事实"),
    ),
    ColumnSpec("claim", ("诉求", "投诉请求", "投诉诉求", "具体诉求")),
    ColumnSpec("clue", ("举报线索", "违法线索", "线索")),
    ColumnSpec("title", ("标题", "主题")),
    ColumnSpec(
        "domain",
        ("问题类别", "领域", "业务领域", "涉及领域", "行业"),
        _plain(_lookup(DOMAINS, "domain")),
    ),
    ColumnSpec("urgency", ("紧急程度", "缓急程度"), _plain(_lookup(URGENCIES, "urgency"))),
    ColumnSpec("sale_mode", ("销售方式", "经营方式"), _plain(_lookup(SALE_MODES, "sale mode"))),
    ColumnSpec("platform_name", ("平台名称", "电商平台")),
    ColumnSpec("platform_shown_address", ("平台展示地址",)),
    ColumnSpec("platform_domicile_address", ("平台住所", "平台注册地址")),
    ColumnSpec("dispute_date", ("消费日期", "购买日期", "纠纷发生日期", "发生时间"), parse_date),
    ColumnSpec(
        "amount_cents",
        ("金额", "涉及金额", "涉案金额", "金额(元)", "涉及金额(元)", "amount", "amount_yuan"),
        _plain(parse_yuan),
    ),
    ColumnSpec("anonymous", ("是否匿名", "匿名"), _plain(parse_bool)),
    ColumnSpec("consent_publish", ("同意公示", "是否同意公示"), _plain(parse_bool)),
    ColumnSpec(
        "consent_entrusted_mediation", ("同意委托调解", "是否同意委托调解"), _plain(parse_bool)
    ),
    ColumnSpec("received_by_district", ("首先接收区县", "接收区县"), _plain(_optional_text)),
    # O121 Art. 11: an agent; Art. 12: a group complaint's size and its two representatives
    ColumnSpec("agent_name", ("代理人", "代理人姓名", "委托代理人")),
    ColumnSpec("agent_phone", ("代理人电话", "代理人联系电话", "代理人手机"), _plain(parse_phone)),
    ColumnSpec("agent_id_type", ("代理人证件类型",), _plain(_optional_text)),
    ColumnSpec("agent_id_number", ("代理人证件号码", "代理人身份证号码"), _plain(parse_identifier)),
    ColumnSpec(
        "agent_poa_received", ("授权委托书", "已收授权委托书", "授权委托书原件"), _plain(parse_bool)
    ),
    ColumnSpec("agent_poa_date", ("授权委托书收到日期", "委托书收到日期"), parse_date),
    ColumnSpec("group_size", ("投诉人数", "群体投诉人数"), _plain(parse_count)),
    ColumnSpec(
        "representatives.0.name", ("代表人1", "代表人1姓名", "第一代表人", "representative1_name")
    ),
    ColumnSpec(
        "representatives.0.phone",
        ("代表人1电话", "代表人1联系电话", "第一代表人电话", "representative1_phone"),
        _plain(parse_phone),
    ),
    ColumnSpec(
        "representatives.1.name", ("代表人2", "代表人2姓名", "第二代表人", "representative2_name")
    ),
    ColumnSpec(
        "representatives.1.phone",
        ("代表人2电话", "代表人2联系电话", "第二代表人电话", "representative2_phone"),
        _plain(parse_phone),
    ),
)
# English: the API's own field names (amount_cents in cents, everything else as in the API).
_BY_HEADER: dict[str, ColumnSpec] = {}
for _spec in COLUMNS:
    for _header in (*_spec.headers, _spec.field):
        _BY_HEADER.setdefault(norm(_header), _spec)
_BY_HEADER[norm("amount_cents")] = ColumnSpec(
    "amount_cents", ("amount_cents",), _plain(parse_cents)
)


@dataclass(frozen=True)
class HeaderMap:
    columns: tuple[tuple[int, str, ColumnSpec], ...]  # (index, header as written, spec)
    ignored: tuple[str, ...]

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(spec.field for _, _, spec in self.columns)

    def column_of(self, field_name: str) -> str | None:
        for _, header, spec in self.columns:
            if spec.field == field_name:
                return header
        return None


def map_headers(headers: list[Cell]) -> HeaderMap:
    columns: list[tuple[int, str, ColumnSpec]] = []
    ignored: list[str] = []
    for index, cell in enumerate(headers):
        header = text_of(cell)
        if not header:
            continue
        spec = _BY_HEADER.get(norm(header))
        if spec is None:
            ignored.append(header)
        else:
            columns.append((index, header, spec))
    return HeaderMap(tuple(columns), tuple(ignored))


@dataclass(frozen=True)
class CellError:
    field: str
    column: str
    reason: str


def convert_row(
    header_map: HeaderMap, cells: list[Cell], tz: ZoneInfo
) -> tuple[dict[str, object], list[CellError]]:
    """The row's values by field (empty cells left out) and the cells that did not parse."""
    values: dict[str, object] = {}
    errors: list[CellError] = []
    for index, header, spec in header_map.columns:
        cell = cells[index] if index < len(cells) else None
        if spec.field in values or cell is None or text_of(cell) == "":
            continue
        try:
            value = spec.parse(cell, tz)
        except (ValueError, ArithmeticError) as exc:  # ArithmeticError: decimal, overflow
            errors.append(CellError(spec.field, header, str(exc) or type(exc).__name__))
            continue
        if value is not None and value != "":
            values[spec.field] = value
    return _nest(values), errors


def _nest(values: dict[str, object]) -> dict[str, object]:
    """Dotted fields as the API's nested form: representatives.0.name → representatives
    [{"name": …}] (a representative with no cell filled is left out)."""
    nested: dict[str, object] = {}
    people: dict[int, dict[str, object]] = {}
    for name, value in values.items():
        head, _, rest = name.partition(".")
        if not rest:
            nested[name] = value
            continue
        index, _, part = rest.partition(".")
        people.setdefault(int(index), {})[part] = value
    if people:
        nested["representatives"] = [people[i] for i in sorted(people)]
    return nested


def fingerprint_source(cells: list[Cell]) -> str:
    """The row's content in a stable form (for the dedup key of rows without a number)."""
    return "\x1f".join(text_of(c) for c in cells).rstrip("\x1f")
