"""Demo complaint handling, seeded by `dutydesk demo` after the roster: routing rules for
the demo districts and domains, the term dictionary, unit profiles and ~40 realistic items
in every workflow and many states (some due soon, some overdue, one emergency linked to an
incident that pages the duty officer, whose initial phone report to the bureau is on record,
so its page shows one reporting clock met and one running)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from complaints import actions, classify, config, service, supervision
from complaints.action_context import ActionInput
from complaints.actions import Actor
from complaints.config_schemas import RoutingRuleCreate, UnitProfileUpdate
from complaints.models import Complaint, RoutingLevel
from complaints.schemas import ComplaintCreate
from complaints.vocab import (
    Channel,
    Domain,
    PauseReason,
    RejectionGround,
    SaleMode,
    TerminationReason,
)
from complaints.workflow import Action
from core.users import User
from escalation import reporting
from escalation.models import IncidentReportCreate, IncidentReportKind
from oncall.models import Person, Unit

ACTOR = "demo-seed"
DEMO_TZ = ZoneInfo("Asia/Shanghai")  # the demo centre's zone, as in the default settings
STAFF = Actor("demo-seed", intake=True, handle=True, supervise=True)

DISTRICT_UNITS = {
    "城东区": "d-chengdong",
    "城西区": "d-chengxi",
    "城南区": "d-chengnan",
    "城北区": "d-chengbei",
    "高新区": "d-gaoxin",
}
CONTACTS = {
    "d-chengdong": "许涛",
    "d-chengxi": "韩梅",
    "d-chengnan": "冯雷",
    "d-chengbei": "邓华",
    "d-gaoxin": "曹阳",
    "fo-chengdong-dongguan": "彭飞",
    "fo-chengxi-xiguan": "曾敏",
}


@dataclass(frozen=True)
class Sample:
    kind: str  # complaint, report, consultation, suggestion, help
    channel: Channel
    text: str
    claim: str
    respondent: str
    address: str
    days_ago: float
    steps: tuple[str, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()


C, R, Q, S, H = "complaint", "report", "consultation", "suggestion", "help"
SAMPLES = [
    Sample(
        C,
        Channel.hotline_12315,
        "在超市购买的酸奶已过保质期两天，导购拒绝退换。",
        "退货并按规定赔偿",
        "好再来超市有限公司",
        "城东区幸福路88号",
        0.2,
    ),
    Sample(
        C,
        Channel.platform_12315,
        "商场标价与结算价格不一致，结账时多收了15元。",
        "退还多收款项",
        "万达百货城西店",
        "城西区人民路200号",
        1,
        ("distribute",),
    ),
    Sample(
        C,
        Channel.wechat,
        "健身房办卡三个月后停业，预付卡余额2800元无法退款。",
        "退还预付卡余额",
        "力美健身有限公司",
        "城南区南湖路12号",
        2,
        ("distribute", "sign_for"),
    ),
    Sample(
        C,
        Channel.website,
        "网购的电饭煲使用一周后无法加热，商家拒绝三包。",
        "按三包规定更换",
        "某某电器旗舰店",
        "",
        9,
        ("distribute",),
        (
            ("sale_mode", SaleMode.platform_merchant),
            ("platform_name", "某某商城"),
            ("platform_shown_address", "高新区电商产业园3号楼"),
        ),
    ),
    Sample(
        C,
        Channel.hotline_12315,
        "4S店维修收费明显高于报价，多收工时费600元。",
        "退还多收费用",
        "城北汽车销售服务有限公司",
        "城北区北环路66号",
        12,
        ("distribute", "accept", "start_mediation"),
    ),
    Sample(
        C,
        Channel.walk_in,
        "装修公司使用的瓷砖与合同约定品牌不符。",
        "按合同更换瓷砖",
        "居然装饰工程有限公司",
        "城西区建设路8号",
        20,
        ("distribute", "accept", "start_mediation", "suspend"),
    ),
    Sample(
        C,
        Channel.letter,
        "教育培训机构承诺包过，考试未通过拒绝退费。",
        "退还培训费",
        "启航教育培训学校",
        "城东区学府路3号",
        30,
        ("distribute", "accept", "start_mediation", "agree", "close"),
    ),
    Sample(
        C,
        Channel.hotline_12315,
        "美容院推销的面膜用后面部过敏红肿。",
        "赔偿医药费",
        "丽人美容院",
        "高新区创业路9号",
        6,
        ("distribute", "reject"),
    ),
    Sample(
        C,
        Channel.douyin,
        "直播间购买的羽绒服含绒量与宣传不符。",
        "退货退款",
        "暖冬服饰直播间",
        "",
        4,
        ("distribute",),
        (
            ("sale_mode", SaleMode.platform_merchant),
            ("platform_name", "抖音"),
            ("platform_domicile_address", "高新区科技大道1号"),
        ),
    ),
    Sample(
        C,
        Channel.weibo,
        "外卖平台商家餐品中吃出异物。",
        "退款并赔偿",
        "老街烧烤",
        "城东区东关街15号",
        14,
        ("distribute", "accept"),
    ),
    Sample(
        C,
        Channel.centre_hotline,
        "手机维修后主板损坏，维修店拒不承认。",
        "赔偿损失",
        "快修通讯维修部",
        "城南区解放路27号",
        45,
        ("distribute", "accept", "start_mediation", "terminate"),
    ),
    Sample(
        C,
        Channel.toutiao,
        "旅行社擅自更改行程，降低住宿标准。",
        "退还差价",
        "环球旅行社有限公司",
        "城北区站前路2号",
        3,
        ("distribute", "sign_for"),
    ),
    Sample(
        R,
        Channel.platform_12315,
        "该店长期销售过期食品，货架上有多批过期面包。",
        "",
        "便民小卖部",
        "城西区民生路5号",
        1,
    ),
    Sample(
        R,
        Channel.hotline_12315,
        "药店无执业药师在岗，违规销售处方药。",
        "",
        "康泰大药房",
        "城东区健康路20号",
        5,
        ("distribute", "sign_for"),
    ),
    Sample(
        R,
        Channel.wechat,
        "小作坊无照经营生产辣条，卫生条件极差。",
        "",
        "无名食品作坊",
        "城南区城中村7巷",
        18,
        ("distribute", "sign_for"),
    ),
    Sample(
        R,
        Channel.website,
        "商家虚假宣传保健品能治疗糖尿病。",
        "",
        "益寿堂保健品店",
        "城北区和平街33号",
        25,
        ("distribute", "sign_for", "file_case"),
    ),
    Sample(
        R,
        Channel.letter,
        "加油站加油机计量不准，加50升实际不足。",
        "",
        "中油加油站城西站",
        "城西区西环路1号",
        40,
        ("distribute", "sign_for", "not_file", "close"),
    ),
    Sample(
        R,
        Channel.petition,
        "企业冒用知名商标生产销售假冒洗衣液。",
        "",
        "洁净日化有限公司",
        "高新区工业园9号",
        8,
        ("distribute",),
    ),
    Sample(Q, Channel.hotline_12315, "咨询网购商品七日无理由退货的规定。", "", "", "", 0.1),
    Sample(Q, Channel.wechat, "咨询个体工商户营业执照如何办理。", "", "", "", 3, ("reply",)),
    Sample(
        S, Channel.website, "建议加强对校园周边小卖部的食品安全检查。", "", "", "城东区学府路", 2
    ),
    Sample(
        H,
        Channel.centre_hotline,
        "老人被推销保健品骗走积蓄，家属求助。",
        "",
        "夕阳红健康咨询中心",
        "城北区和平街45号",
        1,
        ("distribute",),
    ),
]
TWELVE345 = [
    ("GD202611180031", "小区门口早餐店占道经营且卫生差", "城东区东关街22号", 5, ("distribute",)),
    (
        "GD202611200017",
        "理发店办卡后频繁更换门店名称拒绝消费",
        "城西区人民路88号",
        3,
        ("distribute", "sign_for"),
    ),
    ("GD202611210045", "菜市场电子秤缺斤短两", "城南区南湖菜市场", 2, ("distribute", "sign_for")),
    (
        "GD202611120008",
        "培训机构夸大宣传就业率",
        "高新区创业路18号",
        10,
        ("distribute", "sign_for", "reply"),
    ),
    (
        "GD202611050102",
        "超市冷柜温度不达标",
        "城北区北环路10号",
        16,
        ("distribute", "sign_for", "reply", "close"),
    ),
]
EMERGENCY = Sample(
    C,
    Channel.hotline_12315,
    "幸福小区3号楼电梯困人，两位老人被困超过一小时，物业联系不上维保单位。",
    "立即救援并查处维保单位",
    "安达电梯维保有限公司",
    "城东区幸福小区3号楼",
    0.05,
)
STEP_INPUT: dict[str, ActionInput] = {
    "reject": ActionInput(ground=RejectionGround.not_consumption, note="非生活消费"),
    "start_mediation": ActionInput(complainant_consent=True, respondent_consent=True),
    "suspend": ActionInput(pause_reason=PauseReason.testing, note="送检瓷砖"),
    "agree": ActionInput(result="商家退还培训费3200元", amount_recovered_cents=320_000),
    "terminate": ActionInput(termination_reason=TerminationReason.impasse, note="双方分歧较大"),
    "file_case": ActionInput(result="已立案调查"),
    "not_file": ActionInput(result="现场检定合格，不予立案"),
    "reply": ActionInput(result="已答复"),
    "close": ActionInput(result="办结"),
}


def _unit_ids(session: Session) -> dict[str, int]:
    return {u.code: u.id for u in session.exec(select(Unit)).all() if u.id is not None}


def _person_id(session: Session, name: str) -> int | None:
    person = session.exec(select(Person).where(Person.name == name)).first()
    return person.id if person else None


def _seed_config(session: Session, units: dict[str, int], now: datetime) -> None:
    rules = [
        RoutingRuleCreate(district=d, unit_id=units[code], note="属地管辖")
        for d, code in DISTRICT_UNITS.items()
    ]
    rules += [
        RoutingRuleCreate(
            district="城东区",
            domain=Domain.food,
            unit_id=units["fo-chengdong-dongguan"],
            note="东关所负责辖区食品",
        ),
        RoutingRuleCreate(
            district="城西区",
            domain=Domain.special_equipment,
            unit_id=units["fo-chengxi-xiguan"],
            note="西关所负责辖区特种设备",
        ),
    ]
    rules += [
        RoutingRuleCreate(
            domain=domain,
            unit_id=units["handling"],
            level=RoutingLevel.city,
            overrides_territory=True,
            note="药品、医疗器械、化妆品由市级处置科办理",
        )
        for domain in (Domain.drugs, Domain.medical_devices, Domain.cosmetics)
    ]
    rules.append(RoutingRuleCreate(unit_id=units["intake"], priority=1000, note="无法识别属地"))
    for rule in rules:
        config.create_routing_rule(session, data=rule, actor=ACTOR, now=now)
    config.seed_terms(session, classify.default_terms())
    session.commit()
    supervisor = _person_id(session, "马超")
    for code, contact in CONTACTS.items():
        config.set_profile(
            session,
            unit_id=units[code],
            data=UnitProfileUpdate(
                contact_person_id=_person_id(session, contact),
                supervisor_person_id=supervisor,
                supervisor_group="leadership",
            ),
            actor=ACTOR,
            now=now,
        )


def _data(sample: Sample, index: int, received_at: datetime) -> ComplaintCreate:
    body: dict[str, Any] = {
        "item_type": sample.kind,
        "channel": sample.channel,
        "description": sample.text,
        "received_at": received_at,
        "submitter_name": ["张先生", "李女士", "王女士", "赵先生", "刘女士", "陈先生"][index % 6],
        "submitter_phone": f"1390000{index:04d}",
        "submitter_address": "城西区和平路1号",
    }
    if sample.kind == C:
        body |= {
            "claim": sample.claim,
            "respondent_name": sample.respondent,
            "respondent_address": sample.address,
        }
    elif sample.kind == R:
        body |= {
            "clue": sample.text,
            "respondent_name": sample.respondent,
            "occurred_address": sample.address,
        }
    else:
        body |= {"respondent_name": sample.respondent, "occurred_address": sample.address}
    body |= dict(sample.extra)
    return ComplaintCreate.model_validate(body)


def _walk(session: Session, item: Complaint, steps: tuple[str, ...], start: datetime) -> None:
    at = start
    for step in steps:
        at += timedelta(hours=20)
        assert item.id is not None
        actions.act(
            session,
            complaint_id=item.id,
            action=Action(step),
            actor=STAFF,
            now=at,
            data=STEP_INPUT.get(step, ActionInput()),
        )


def _report_initial(session: Session, item: Complaint, at: datetime) -> None:
    user = session.exec(select(User).where(User.username == "coordinator")).first()
    if item.incident_id is None or user is None:
        return
    data = IncidentReportCreate(
        kind=IncidentReportKind.initial,
        reported_to="市市场监管局应急值班室",
        summary="幸福小区3号楼电梯困人，2名老人被困；已通知维保单位和消防救援。",
    )
    reporting.record_report(
        session, incident_id=item.incident_id, data=data, user=user, now=at, tz=DEMO_TZ
    )


def seed_complaints(session: Session, *, now: datetime) -> int:
    """Seed the demo items unless there are some already. Returns how many were created."""
    if session.exec(select(Complaint.id).limit(1)).first() is not None:
        return 0
    units = _unit_ids(session)
    _seed_config(session, units, now)
    count = 0
    samples = [*SAMPLES, *SAMPLES[:12]]  # a second wave: related items form clusters
    for index, sample in enumerate(samples):
        days = sample.days_ago + (0 if index < len(SAMPLES) else 1.5)
        received = now - timedelta(days=days)
        data = _data(sample, index, received)
        items = service.register(session, data=data, actor=ACTOR, now=received)
        if sample.steps:
            _walk(session, items[0], sample.steps, received)
        count += len(items)
    for index, (order_no, text, place, days, steps) in enumerate(TWELVE345):
        received = now - timedelta(days=days)
        data = ComplaintCreate.model_validate(
            {
                "item_type": "complaint",
                "channel": Channel.transfer_12345,
                "external_ref": order_no,
                "description": text,
                "occurred_address": place,
                "respondent_address": place,
                "submitter_phone": f"1370000{index:04d}",
                "received_at": received,
            }
        )
        (order,) = service.register(session, data=data, actor=ACTOR, now=received)
        _walk(session, order, steps, received)
        count += 1
    received = now - timedelta(days=EMERGENCY.days_ago)
    (urgent,) = service.register(
        session, data=_data(EMERGENCY, 99, received), actor=ACTOR, now=received
    )
    _walk(session, urgent, ("distribute",), received - timedelta(hours=19))
    _report_initial(session, urgent, received + timedelta(minutes=8))
    supervision.run_once(session, now=now)  # mark what is already late, as the tick would
    return count + 1
