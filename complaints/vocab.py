"""The complaint centre's vocabulary (pure): submission types, channels, workflows, states,
domains, urgency, rejection grounds and termination reasons (DOMAIN.md §1, §2, §6).

Every value is a `StrEnum` whose value is the stable code stored in the database and used in
the API; `ZH` maps each to the label staff read. Nothing here imports sqlmodel or fastapi.
"""

from __future__ import annotations

from enum import StrEnum


class ItemType(StrEnum):
    """What the citizen asks for (12315 statistics: 投诉 / 举报 / 咨询; 12345 adds the rest)."""

    complaint = "complaint"  # 投诉: a consumer dispute, handled by mediation
    report = "report"  # 举报: a clue of a violation, handled by enforcement
    consultation = "consultation"  # 咨询
    suggestion = "suggestion"  # 意见建议
    help = "help"  # 求助 (a 12345 category)


class Channel(StrEnum):
    """Where an item came in (issue 5: every channel of the seed documents)."""

    hotline_12315 = "hotline_12315"  # 12315 热线
    centre_hotline = "centre_hotline"  # 中心值班电话
    platform_12315 = "platform_12315"  # 全国12315平台
    transfer_12345 = "transfer_12345"  # 12345 转办工单
    wechat = "wechat"  # 微信
    weibo = "weibo"  # 微博
    toutiao = "toutiao"  # 今日头条
    douyin = "douyin"  # 抖音
    website = "website"  # 门户网站
    letter = "letter"  # 来信
    walk_in = "walk_in"  # 来访
    petition = "petition"  # 信访
    municipal_dispatch = "municipal_dispatch"  # 市级中心派单


class Workflow(StrEnum):
    """Which state machine an item follows (`complaints.workflow`)."""

    complaint = "complaint"  # Order 121: accept/reject, mediation
    report = "report"  # verification → case filed / not filed
    order_12345 = "order_12345"  # 12345 transfer order: sign for, return, reply, close
    general = "general"  # consultation, suggestion, help: reply and close


class Status(StrEnum):
    """One state column for every workflow; each workflow uses a subset."""

    registered = "registered"  # 登记, not yet distributed
    distributed = "distributed"  # 分送 / 派单 to a handling unit
    pending_acceptance = "pending_acceptance"  # 签收, awaiting the accept/reject decision
    accepted = "accepted"  # 受理
    rejected = "rejected"  # 不予受理
    mediating = "mediating"  # 调解中
    suspended = "suspended"  # 中止调解 (testing, recusal …): the mediation clock pauses
    agreed = "agreed"  # 调解成功
    terminated = "terminated"  # 终止调解
    verifying = "verifying"  # 核查中 (reports)
    case_filed = "case_filed"  # 立案
    not_filed = "not_filed"  # 不予立案
    signed_for = "signed_for"  # 12345 签收
    returned = "returned"  # 退单 / 退回: a unit sent it back to intake (Art. 41)
    replied = "replied"  # 已回复 (12345 and general)
    closed = "closed"  # 办结


class Domain(StrEnum):
    """Routing domains (DOMAIN.md §6; [U]: check the local 权责清单)."""

    food = "food"
    drugs = "drugs"
    medical_devices = "medical_devices"
    cosmetics = "cosmetics"
    special_equipment = "special_equipment"
    product_quality = "product_quality"
    metrology = "metrology"  # 计量、标准、认证认可、检验检测
    price = "price"
    advertising = "advertising"
    ip = "ip"
    competition = "competition"  # 反垄断、反不正当竞争
    online_trade = "online_trade"
    registration = "registration"  # 登记注册、无照经营
    consumer_protection = "consumer_protection"
    private_economy = "private_economy"  # 民营企业权益
    other = "other"


class Urgency(StrEnum):
    emergency = "emergency"  # danger to life or health, mass event, accident, poisoning
    urgent = "urgent"
    normal = "normal"

    @property
    def priority(self) -> int:
        """Sort key: 0 sorts first."""
        return _URGENCY_ORDER.index(self)


_URGENCY_ORDER = (Urgency.emergency, Urgency.urgent, Urgency.normal)


class SaleMode(StrEnum):
    """How the respondent sold: decides the territory (DOMAIN.md §4)."""

    offline = "offline"  # a shop or service on the ground
    own_website = "own_website"  # its own website / app
    platform_operator = "platform_operator"  # the e-commerce platform itself
    platform_merchant = "platform_merchant"  # a merchant on a platform


class RejectionGround(StrEnum):
    """Order 121 Art. 16 grounds for 不予受理 (O20 lacked false_materials and impersonation)."""

    no_authority = "no_authority"  # (1) outside SAMR's duties or this bureau's authority
    handled_elsewhere = "handled_elsewhere"  # (2) court, arbitrator, agency, association
    not_consumption = "not_consumption"  # (3) not living consumption / no provable dispute
    time_barred = "time_barred"  # (4) more than 3 years
    materials_missing = "materials_missing"  # (5) required materials missing
    false_materials = "false_materials"  # (5) materials false (O121 only)
    impersonation = "impersonation"  # (6) impersonation / refused verification (O121 only)
    other_legal = "other_legal"  # (7)


class TerminationReason(StrEnum):
    """Order 121 Art. 23 grounds for 终止调解."""

    withdrawn_or_settled = "withdrawn_or_settled"
    refused_or_absent = "refused_or_absent"
    impasse = "impasse"
    testing_cost_dispute = "testing_cost_dispute"
    time_limit_reached = "time_limit_reached"  # no agreement within 60 days
    grounds_found_later = "grounds_found_later"  # Art. 16 or Art. 42 grounds found later
    party_ceased = "party_ceased"
    other_legal = "other_legal"


class PauseReason(StrEnum):
    testing = "testing"  # 检测、检验、鉴定: excluded from the mediation / verification period
    recusal = "recusal"  # 回避申请 (Art. 21)
    other = "other"


class ClockKind(StrEnum):
    """The statutory timers (one row each in `complaint_clock`)."""

    distribution = "distribution"  # intake distributes to a unit: N WD from receipt [U]
    acceptance = "acceptance"  # accept or reject a complaint: 7 WD from receipt
    mediation = "mediation"  # 60 D from acceptance (O20: 45 WD), pauses excluded
    termination_notice = "termination_notice"  # notify termination within 7 WD
    verification = "verification"  # report: 15 WD (+15) from receipt
    sign_for = "sign_for"  # 12345: sign for within 1 WD of dispatch
    reply = "reply"  # 12345 / general: reply within N WD (+extension)


# the timers' names as notices and exports word them
CLOCK_ZH: dict[ClockKind, str] = {
    ClockKind.distribution: "分送",
    ClockKind.acceptance: "受理",
    ClockKind.mediation: "调解",
    ClockKind.termination_notice: "终止调解告知",
    ClockKind.verification: "核查",
    ClockKind.sign_for: "签收",
    ClockKind.reply: "办理回复",
}


class ClockStatus(StrEnum):
    running = "running"
    paused = "paused"
    met = "met"
    cancelled = "cancelled"  # the step it timed no longer applies (e.g. returned to intake)


class SupervisionKind(StrEnum):
    reminder = "reminder"  # 催办: due soon, to the handling unit's contact
    supervision = "supervision"  # 督办: overdue, to the unit's supervisor
    criticism = "criticism"  # 通报批评: a 12345 reminder ignored for N WD, to leadership


ZH: dict[StrEnum, str] = {
    ItemType.complaint: "投诉",
    ItemType.report: "举报",
    ItemType.consultation: "咨询",
    ItemType.suggestion: "意见建议",
    ItemType.help: "求助",
    Channel.hotline_12315: "12315热线",
    Channel.centre_hotline: "中心热线",
    Channel.platform_12315: "全国12315平台",
    Channel.transfer_12345: "12345转办",
    Channel.wechat: "微信",
    Channel.weibo: "微博",
    Channel.toutiao: "今日头条",
    Channel.douyin: "抖音",
    Channel.website: "网站",
    Channel.letter: "来信",
    Channel.walk_in: "来访",
    Channel.petition: "信访",
    Channel.municipal_dispatch: "市级中心派单",
    Status.registered: "已登记",
    Status.distributed: "已分送",
    Status.pending_acceptance: "待受理",
    Status.accepted: "已受理",
    Status.rejected: "不予受理",
    Status.mediating: "调解中",
    Status.suspended: "中止调解",
    Status.agreed: "调解成功",
    Status.terminated: "终止调解",
    Status.verifying: "核查中",
    Status.case_filed: "已立案",
    Status.not_filed: "不予立案",
    Status.signed_for: "已签收",
    Status.returned: "已退单",
    Status.replied: "已回复",
    Status.closed: "已办结",
    Domain.food: "食品",
    Domain.drugs: "药品",
    Domain.medical_devices: "医疗器械",
    Domain.cosmetics: "化妆品",
    Domain.special_equipment: "特种设备",
    Domain.product_quality: "产品质量",
    Domain.metrology: "计量标准认证",
    Domain.price: "价格",
    Domain.advertising: "广告",
    Domain.ip: "知识产权",
    Domain.competition: "反垄断与反不正当竞争",
    Domain.online_trade: "网络交易",
    Domain.registration: "登记注册",
    Domain.consumer_protection: "消费者权益保护",
    Domain.private_economy: "民营经济",
    Domain.other: "其他",
    Urgency.emergency: "紧急",
    Urgency.urgent: "加急",
    Urgency.normal: "一般",
}


def workflow_for(item_type: ItemType, channel: Channel) -> Workflow:
    """12345 transfer orders follow the 12345 loop whatever their type; otherwise by type."""
    if channel is Channel.transfer_12345:
        return Workflow.order_12345
    if item_type is ItemType.complaint:
        return Workflow.complaint
    if item_type is ItemType.report:
        return Workflow.report
    return Workflow.general


OPEN_STATUSES = frozenset(Status) - {Status.closed}
