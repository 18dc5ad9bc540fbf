"""Open311 GeoReport v2 vocabulary (pure): the service catalogue, the mapping of a POSTed
request onto a submission, and of an item onto an Open311 service request.

- Services are the submission types × routing domains: `service_code` is
  `<item_type>-<domain>` (e.g. `complaint-food`), `group` the type's Chinese name. Each
  service's attributes are the fields that type needs beyond Open311's own (a complaint's
  claim and respondent, a report's clue …); their `code` is the API field name.
- Names: Open311 has `first_name` and `last_name`; for Chinese names the family name comes
  first (张 + 三 → 张三), otherwise "first last". `address_string` is where the problem is
  (the respondent's place of business for a complaint unless `attribute[respondent_address]`
  says otherwise). `email`, `device_id` and `account_id` are accepted and not stored.
- Status is `open` until the item is closed (办结); `status_notes` says the internal state
  in Chinese, `extended_attributes` (with `extensions=true`) carries its code.
- Nothing of the submitter (name, phone, ID, address) is ever part of a service request,
  and phone / ID numbers inside the description are masked.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from complaints import privacy
from complaints.open311_wire import (
    MAX_DESCRIPTION,
    Attribute,
    AttributeValue,
    Datatype,
    RequestForm,
    Service,
    ServiceDefinition,
)
from complaints.vocab import (
    ZH,
    ClockKind,
    Domain,
    ItemType,
    RejectionGround,
    SaleMode,
    Status,
    TerminationReason,
)
from core.errors import NotFound, ValidationFailed

# ---- the catalogue ---------------------------------------------------------------------------

_YES_NO = [AttributeValue(key="true", name="是"), AttributeValue(key="false", name="否")]
_SALE_MODES = [
    AttributeValue(key=SaleMode.offline.value, name="线下经营"),
    AttributeValue(key=SaleMode.own_website.value, name="自建网站"),
    AttributeValue(key=SaleMode.platform_operator.value, name="电商平台经营者"),
    AttributeValue(key=SaleMode.platform_merchant.value, name="平台内经营者"),
]


def _attr(
    code: str,
    datatype: Datatype,
    description: str,
    *,
    required: bool = False,
    values: list[AttributeValue] | None = None,
) -> tuple[str, Datatype, str, bool, list[AttributeValue] | None]:
    return code, datatype, description, required, values


_RESPONDENT = (
    _attr("respondent_name", "string", "被投诉（举报）经营者名称"),
    _attr("respondent_credit_code", "string", "统一社会信用代码"),
    _attr("respondent_address", "string", "经营者地址（默认取 address_string）"),
    _attr("sale_mode", "singlevaluelist", "销售方式", values=_SALE_MODES),
    _attr("platform_name", "string", "电商平台名称（平台内经营者必填）"),
)
ATTRIBUTES: dict[
    ItemType, tuple[tuple[str, Datatype, str, bool, list[AttributeValue] | None], ...]
] = {
    ItemType.complaint: (
        _attr("claim", "text", "具体诉求（如退款、赔偿）", required=True),
        _attr("respondent_name", "string", "被投诉经营者名称", required=True),
        _attr("submitter_address", "string", "投诉人联系地址（不公开）", required=True),
        *_RESPONDENT[1:],
        _attr("dispute_date", "datetime", "消费或纠纷发生日期"),
        _attr("amount", "number", "涉及金额（元）"),
        _attr("clue", "text", "同时举报的违法线索（将另立举报件，第九条）"),
        _attr("consent_publish", "singlevaluelist", "是否同意公示投诉信息", values=_YES_NO),
        _attr(
            "consent_entrusted_mediation",
            "singlevaluelist",
            "是否同意委托消费者协会等组织调解",
            values=_YES_NO,
        ),
    ),
    ItemType.report: (
        _attr("clue", "text", "具体违法线索", required=True),
        *_RESPONDENT,
        _attr("anonymous", "singlevaluelist", "是否匿名举报", values=_YES_NO),
    ),
    ItemType.consultation: (_RESPONDENT[0],),
    ItemType.suggestion: (_RESPONDENT[0],),
    ItemType.help: (_RESPONDENT[0],),
}
_DESCRIPTIONS = {
    ItemType.complaint: "消费者与经营者的消费纠纷，请求市场监管部门调解",
    ItemType.report: "反映经营者涉嫌违法的线索，由市场监管部门核查处理",
    ItemType.consultation: "咨询市场监管政策、法规与办事流程",
    ItemType.suggestion: "对市场监管工作的意见建议",
    ItemType.help: "需要市场监管部门帮助解决的问题",
}


def service_code(item_type: ItemType, domain: Domain) -> str:
    return f"{item_type.value}-{domain.value}"


def parse_service_code(code: str) -> tuple[ItemType, Domain]:
    item_type, _, domain = code.partition("-")
    try:
        return ItemType(item_type), Domain(domain)
    except ValueError:
        raise NotFound(f"service_code {code!r} is not a service of this centre") from None


def services() -> list[Service]:
    return [
        Service(
            service_code=service_code(t, d),
            service_name=f"{ZH[t]}·{ZH[d]}",
            description=f"{_DESCRIPTIONS[t]}（{ZH[d]}）",
            keywords=",".join((ZH[t], ZH[d], t.value, d.value)),
            group=ZH[t],
        )
        for t in ItemType
        for d in Domain
    ]


def definition(code: str) -> ServiceDefinition:
    item_type, _ = parse_service_code(code)
    return ServiceDefinition(
        service_code=code,
        attributes=[
            Attribute(
                code=name,
                datatype=datatype,
                required=required,
                order=order,
                description=text,
                values=values,
                datatype_description="元，最多两位小数" if datatype == "number" else None,
            )
            for order, (name, datatype, text, required, values) in enumerate(
                ATTRIBUTES[item_type], start=1
            )
        ],
    )


# ---- POST requests → a submission ------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff]")
OPEN311_FIELD = {
    "submitter_name": "first_name",
    "submitter_phone": "phone",
    "description": "description",
    "occurred_address": "address_string",
}


def field_name(name: str) -> str:
    """The Open311 name of a submission field, for error messages."""
    return OPEN311_FIELD.get(name, f"attribute[{name}]")


def full_name(first: str, last: str) -> str:
    if _CJK.search(first + last):
        return (last + first).strip()
    return " ".join(p for p in (first, last) if p)


def _bool(code: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"true", "1", "yes", "是"}:
        return True
    if value in {"false", "0", "no", "否", ""}:
        return False
    raise ValidationFailed(f"attribute[{code}]", "expected true or false")


def _attribute_value(code: str, datatype: Datatype, raw: str, tz: ZoneInfo) -> object:
    if code in {"consent_publish", "consent_entrusted_mediation", "anonymous"}:
        return _bool(code, raw)
    if code == "amount":
        try:
            amount = Decimal(raw.strip())
        except InvalidOperation:
            raise ValidationFailed("attribute[amount]", "expected an amount in yuan") from None
        if not amount.is_finite() or amount < 0 or amount > 10**11:
            raise ValidationFailed("attribute[amount]", "expected an amount in yuan, 0 or more")
        return int((amount * 100).to_integral_value())
    if datatype == "datetime":
        try:
            moment = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationFailed(f"attribute[{code}]", "expected an ISO 8601 date") from None
        day: date = (moment.astimezone(tz) if moment.tzinfo else moment).date()
        return day
    return raw.strip()


def submission(
    form: RequestForm, attributes: dict[str, str], *, channel: str, tz: ZoneInfo
) -> dict[str, object]:
    """The `ComplaintCreate` fields of a POSTed request (validated by the caller)."""
    item_type, domain = parse_service_code(form.service_code)
    specs = {spec[0]: spec for spec in ATTRIBUTES[item_type]}
    unknown = sorted(set(attributes) - set(specs))
    if unknown:
        raise ValidationFailed(
            f"attribute[{unknown[0]}]", f"not an attribute of service {form.service_code}"
        )
    if not (form.lat is not None and form.long is not None) and not (
        form.address_string or form.address_id
    ):
        raise ValidationFailed(
            "address_string", "a location is required: lat and long, address_string or address_id"
        )
    data: dict[str, object] = {
        "item_type": item_type.value,
        "channel": channel,
        "domain": domain.value,
        "description": form.description,
        "submitter_name": full_name(form.first_name, form.last_name),
        "submitter_phone": form.phone or None,
        "occurred_address": form.address_string,
    }
    for code, raw in attributes.items():
        _, datatype, _, _, values = specs[code]
        if values is not None and datatype == "singlevaluelist" and code == "sale_mode":
            if raw not in {v.key for v in values}:
                raise ValidationFailed(f"attribute[{code}]", f"not one of the values of {code}")
        value = _attribute_value(code, datatype, raw, tz)
        data["amount_cents" if code == "amount" else code] = value
    if item_type in (ItemType.complaint, ItemType.report) and not data.get("respondent_address"):
        data["respondent_address"] = form.address_string
    return data


# ---- an item → a service request -------------------------------------------------------------

GROUND_ZH = {
    RejectionGround.no_authority: "不属于本部门职责或管辖",
    RejectionGround.handled_elsewhere: "已由其他机关或组织受理处理",
    RejectionGround.not_consumption: "不属于生活消费或无法证实存在纠纷",
    RejectionGround.time_barred: "超过三年",
    RejectionGround.materials_missing: "材料不全",
    RejectionGround.false_materials: "材料虚假",
    RejectionGround.impersonation: "冒用他人身份或拒绝核实身份",
    RejectionGround.other_legal: "其他依法不予受理情形",
}
TERMINATION_ZH = {
    TerminationReason.withdrawn_or_settled: "投诉人撤回或双方自行和解",
    TerminationReason.refused_or_absent: "一方拒绝调解或无正当理由不参加",
    TerminationReason.impasse: "双方分歧较大难以调解",
    TerminationReason.testing_cost_dispute: "检测鉴定费用无法达成一致",
    TerminationReason.time_limit_reached: "调解期限届满未达成协议",
    TerminationReason.grounds_found_later: "发现不予受理情形",
    TerminationReason.party_ceased: "当事人死亡或终止",
    TerminationReason.other_legal: "其他依法终止情形",
}


def outcome(
    *,
    rejection_ground: RejectionGround | None,
    termination_reason: TerminationReason | None,
    agreed: bool,
    case_filed: bool,
    not_filed: bool,
    replied: bool,
) -> str | None:
    if rejection_ground is not None:
        return f"不予受理：{GROUND_ZH[rejection_ground]}"
    if agreed:
        return "调解成功"
    if termination_reason is not None:
        return f"终止调解：{TERMINATION_ZH[termination_reason]}"
    if case_filed:
        return "已立案"
    if not_filed:
        return "经核查不予立案"
    if replied:
        return "已答复"
    return None


def status_notes(status: Status, outcome_text: str | None, overdue: bool) -> str:
    if status is Status.closed:
        return "已办结" + (f"（{outcome_text}）" if outcome_text else "")
    text = ZH[status]
    if outcome_text and status not in (Status.replied,):
        text = outcome_text
    return text + ("；已超过办理时限，正在督办" if overdue else "")


def clock_label(kind: ClockKind | None) -> str | None:
    return None if kind is None else kind.value


def iso(moment: datetime | None, tz: ZoneInfo) -> str | None:
    """ISO 8601 with the centre's offset, seconds precision (2026-11-23T09:30:00+08:00)."""
    return None if moment is None else moment.astimezone(tz).replace(microsecond=0).isoformat()


def public_description(text: str) -> str:
    return privacy.mask_text_phones(text)[:MAX_DESCRIPTION]
