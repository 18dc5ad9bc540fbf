"""The demo centre's complaint items for `api.demo_complaints`: sample intakes of every item
type over many channels, each with the workflow steps it is walked through after intake (and
the input those steps take), five 12345 transfer orders, and the lift emergency that opens
an incident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from complaints.action_context import ActionInput
from complaints.schemas import ComplaintCreate
from complaints.vocab import (
    Channel,
    PauseReason,
    RejectionGround,
    SaleMode,
    TerminationReason,
)


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
    # signed for by the demo handler's unit: its inbox holds an order to reply to (签收 first)
    (
        "GD202611180031",
        "小区门口早餐店占道经营且卫生差",
        "城东区东关街22号",
        5,
        ("distribute", "sign_for"),
    ),
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
    # minutes before the demo starts: its escalation starts with the server, so paging
    # follows the opening closely in its timeline (0.05 days put an hour between them)
    3 / (24 * 60),
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


def intake_data(sample: Sample, index: int, received_at: datetime) -> ComplaintCreate:
    """The intake form of a sample item received at ``received_at`` (``index`` varies the
    submitter)."""
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
