"""Seed a realistic demo centre (idempotent): a municipal complaint and report centre with
its sections, district bureaus, field offices, staff with duty roles, skills and mobiles,
one login per role (each linked to its person, except `viewer`), the 24-hour duty set-up
and a published two-week roster in which the `duty_officer` login is on duty when the demo
starts and the `leader` login leads that day (strong wishes the solver honours), so each
role finds its daily work in the web pages at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core import users as user_service
from core.users import Role, User
from oncall import demand, directory, planning, publishing, rosters, unit_directory, wishes
from oncall.models import (
    ContactCreate,
    ContactKind,
    DutyRole,
    Person,
    PersonCreate,
    SkillCreate,
    Unit,
    UnitCreate,
    UnitKind,
)
from oncall.resolve import shift_interval
from oncall.roster_models import (
    DemandCreate,
    DemandDayKind,
    RosterStatus,
    RulesConfig,
    ShiftRequestCreate,
    ShiftRole,
    ShiftType,
    ShiftTypeCreate,
)

DEMO_PASSWORD = "dutydesk-demo"
ACTOR = "demo-seed"

SKILLS = [
    ("food", "食品安全", "Food safety"),
    ("drugs", "药品", "Drugs"),
    ("medical_devices", "医疗器械", "Medical devices"),
    ("cosmetics", "化妆品", "Cosmetics"),
    ("special_equipment", "特种设备", "Special equipment"),
    ("product_quality", "产品质量", "Product quality"),
    ("price", "价格", "Price"),
    ("advertising", "广告", "Advertising"),
    ("ip", "知识产权", "Intellectual property"),
    ("consumer_protection", "消费者权益保护", "Consumer protection"),
    ("anti_monopoly", "反垄断与反不正当竞争", "Anti-monopoly and fair competition"),
    ("online_trade", "网络交易", "Online trade"),
]

SECTIONS = [
    ("office", "办公室", None),
    ("intake", "受理科", None),
    ("handling", "投诉举报处置科", None),
    ("petitions", "信访科", None),
    ("information", "信息科", None),
]

DISTRICTS = [
    ("d-chengdong", "城东区市场监督管理局", "城东区"),
    ("d-chengxi", "城西区市场监督管理局", "城西区"),
    ("d-chengnan", "城南区市场监督管理局", "城南区"),
    ("d-chengbei", "城北区市场监督管理局", "城北区"),
    ("d-gaoxin", "高新区市场监督管理局", "高新区"),
]

# The duty phones the centre and the district bureaus publish (DOMAIN.md §5, TZ50 Art. 13).
DUTY_PHONES = {
    "intake": "+8653186012315",
    "d-chengdong": "+8653186010001",
    "d-chengxi": "+8653186010002",
    "d-chengnan": "+8653186010003",
    "d-chengbei": "+8653186010004",
    "d-gaoxin": "+8653186010005",
}

FIELD_OFFICES = [
    ("fo-chengdong-dongguan", "城东区东关市场监管所", "城东区", "d-chengdong"),
    ("fo-chengxi-xiguan", "城西区西关市场监管所", "城西区", "d-chengxi"),
]


@dataclass(frozen=True)
class DemoPerson:
    name: str
    unit: str
    position: str
    roles: tuple[DutyRole, ...]
    skills: tuple[str, ...]
    login: Role | None = None


D, L, E, C, H, DIR = (
    DutyRole.duty_officer,
    DutyRole.leader,
    DutyRole.expert,
    DutyRole.coordinator,
    DutyRole.handler,
    DutyRole.director,
)

PEOPLE = [
    DemoPerson("王建国", "office", "中心主任", (L, DIR), (), Role.leader),
    DemoPerson("李秀英", "office", "副主任", (L,), ("food",)),
    DemoPerson("张伟", "office", "副主任", (L,), ("special_equipment",)),
    DemoPerson("刘洋", "office", "综合科员", (D,), ()),
    DemoPerson("陈静", "intake", "科长", (L, C), ("consumer_protection",), Role.coordinator),
    DemoPerson("杨帆", "intake", "值班员", (D, C), ("consumer_protection",), Role.duty_officer),
    DemoPerson("赵敏", "intake", "值班员", (D, C), ("price",)),
    DemoPerson("黄磊", "intake", "值班员", (D,), ("online_trade",)),
    DemoPerson("周婷", "intake", "值班员", (D,), ("advertising",)),
    DemoPerson("吴刚", "intake", "值班员", (D,), ("product_quality",)),
    DemoPerson("徐丽", "intake", "话务员", (D, C), ()),
    DemoPerson("孙强", "intake", "话务员", (D,), ()),
    DemoPerson("马超", "handling", "科长", (L, E), ("food", "drugs")),
    DemoPerson("朱琳", "handling", "食品专家", (E, D), ("food",)),
    DemoPerson("胡军", "handling", "特种设备专家", (E, D), ("special_equipment",)),
    DemoPerson("郭芳", "handling", "药品医疗器械专家", (E,), ("drugs", "medical_devices")),
    DemoPerson("何勇", "handling", "产品质量专家", (E, D), ("product_quality", "ip")),
    DemoPerson("林娜", "handling", "化妆品专家", (E,), ("cosmetics",)),
    DemoPerson("高峰", "handling", "价格竞争专家", (E,), ("price", "anti_monopoly")),
    DemoPerson("罗斌", "petitions", "科长", (H,), ("consumer_protection",)),
    DemoPerson("梁晓", "information", "数据分析员", (), ()),
    DemoPerson("宋杰", "information", "系统管理员", (), (), Role.admin),
    DemoPerson("唐颖", "information", "排班员", (), (), Role.planner),
    DemoPerson(
        "许涛", "d-chengdong", "投诉举报股股长", (H,), ("food", "consumer_protection"), Role.handler
    ),
    DemoPerson("韩梅", "d-chengxi", "投诉举报股股长", (H,), ("consumer_protection",)),
    DemoPerson("冯雷", "d-chengnan", "投诉举报股股长", (H,), ("product_quality",)),
    DemoPerson("邓华", "d-chengbei", "投诉举报股股长", (H,), ("price",)),
    DemoPerson("曹阳", "d-gaoxin", "投诉举报股股长", (H,), ("ip", "online_trade")),
    DemoPerson("彭飞", "fo-chengdong-dongguan", "所长", (H,), ("food",)),
    DemoPerson("曾敏", "fo-chengxi-xiguan", "所长", (H,), ("special_equipment",)),
]

LOGINS_WITHOUT_PERSON = [("viewer", Role.viewer, "只读访客")]


def demo_mobile(index: int) -> str:
    return f"+86138{index:08d}"


def is_seeded(session: Session) -> bool:
    return session.exec(select(Unit).where(Unit.code == "office")).first() is not None


def seed(session: Session, *, now: datetime) -> bool:
    """Create the demo centre unless it exists. Returns True when something was created."""
    if is_seeded(session):
        return False
    for code, name_zh, name_en in SKILLS:
        directory.create_skill(
            session,
            data=SkillCreate(code=code, name_zh=name_zh, name_en=name_en),
            actor=ACTOR,
            now=now,
        )
    units: dict[str, int] = {}
    for kind, rows in ((UnitKind.section, SECTIONS), (UnitKind.district, DISTRICTS)):
        for code, name, district in rows:
            unit = unit_directory.create_unit(
                session,
                data=UnitCreate(
                    code=code,
                    name=name,
                    kind=kind,
                    district=district,
                    phone=DUTY_PHONES.get(code),
                ),
                actor=ACTOR,
                now=now,
            )
            assert unit.id is not None
            units[code] = unit.id
    for code, name, district, parent in FIELD_OFFICES:
        unit = unit_directory.create_unit(
            session,
            data=UnitCreate(
                code=code,
                name=name,
                kind=UnitKind.field_office,
                district=district,
                parent_id=units[parent],
            ),
            actor=ACTOR,
            now=now,
        )
        assert unit.id is not None
        units[code] = unit.id
    for index, person in enumerate(PEOPLE, start=1):
        user_id = None
        if person.login is not None:
            user = _ensure_user(
                session, username=person.login.value, role=person.login, name=person.name, now=now
            )
            user_id = user.id
        directory.create_person(
            session,
            data=PersonCreate(
                name=person.name,
                unit_id=units[person.unit],
                position=person.position,
                user_id=user_id,
                duty_roles=list(person.roles),
                skills=list(person.skills),
                contacts=[ContactCreate(kind=ContactKind.mobile, value=demo_mobile(index))],
            ),
            actor=ACTOR,
            now=now,
        )
    for username, role, name in LOGINS_WITHOUT_PERSON:
        _ensure_user(session, username=username, role=role, name=name, now=now)
    _seed_duty_setup(session, unit_id=units["intake"], now=now)
    return True


DEMO_SHIFTS = [
    ("day", "白班", time(8, 30), time(17, 30), False, ShiftRole.duty),
    ("night", "夜班", time(17, 30), time(8, 30), True, ShiftRole.duty),
    ("backup", "备班（二线）", time(8, 30), time(8, 30), False, ShiftRole.oncall_backup),
    ("leader", "带班领导", time(8, 30), time(8, 30), False, ShiftRole.leader),
]
DEMO_DEMAND = [
    ("day", DemandDayKind.workday, None, 2, 2),
    ("day", DemandDayKind.makeup_workday, None, 2, 2),
    ("day", DemandDayKind.weekend, None, 1, 1),
    ("day", DemandDayKind.holiday, None, 1, 1),
    ("night", DemandDayKind.any, None, 1, 1),
    ("backup", DemandDayKind.any, None, 1, 1),
]


def _seed_duty_setup(session: Session, *, unit_id: int, now: datetime) -> None:
    """Shift types, demand and rules of the centre's 24-hour duty (DOMAIN.md §5)."""
    shift_ids: dict[str, int] = {}
    for code, name, start, end, night, role in DEMO_SHIFTS:
        shift = planning.create_shift_type(
            session,
            data=ShiftTypeCreate(
                unit_id=unit_id,
                code=code,
                name=name,
                start_time=start,
                end_time=end,
                is_night=night,
                role=role,
            ),
            actor=ACTOR,
            now=now,
        )
        assert shift.id is not None
        shift_ids[code] = shift.id
    for code, kind, skill, minimum, preferred in DEMO_DEMAND:
        demand.add_demand(
            session,
            unit_id=unit_id,
            data=DemandCreate(
                shift_type_id=shift_ids[code],
                day_kind=kind,
                skill=skill,
                minimum=minimum,
                preferred=preferred,
            ),
            actor=ACTOR,
            now=now,
        )
    planning.set_rules(
        session,
        unit_id=unit_id,
        rules=RulesConfig(
            min_rest_hours=11,
            max_consecutive_days=5,
            max_consecutive_nights=2,
            leader_shift_code="leader",
        ),
        actor=ACTOR,
        now=now,
    )


def seed_roster(
    open_session: rosters.SessionOpener,
    *,
    now: datetime,
    tz: ZoneInfo,
    days: int = 14,
    time_limit_s: float = 10,
) -> int | None:
    """Generate and publish a roster from yesterday for `days` days unless one exists."""
    with open_session() as session:
        unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
        assert unit.id is not None
        if rosters.list_rosters(session, unit_id=unit.id):
            return None
        start = now.astimezone(tz).date() - timedelta(days=1)
        _wish_logins_on_duty(session, unit_id=unit.id, now=now, tz=tz)
        roster = rosters.start_generation(
            session,
            unit_id=unit.id,
            start=start,
            end=start + timedelta(days=days - 1),
            time_limit_s=time_limit_s,
            note="演示排班",
            actor=ACTOR,
            now=now,
        )
        roster_id = roster.id
    assert roster_id is not None
    rosters.run_generation(open_session, roster_id=roster_id, now=lambda: now, tz=tz)
    with open_session() as session:
        if rosters.get_roster(session, roster_id=roster_id).status is RosterStatus.draft:
            publishing.publish(session, roster_id=roster_id, actor=ACTOR, now=now)
    return roster_id


WISH_WEIGHT = 10  # the strongest wish: worth more than any fairness or cover goal it bends


def _wish_logins_on_duty(session: Session, *, unit_id: int, now: datetime, tz: ZoneInfo) -> None:
    """Wishes that put the `duty_officer` login on the duty shift running at `now` and the
    `leader` login on the leader shift of that day."""
    shifts = {s.code: s for s in planning.list_shift_types(session, unit_id=unit_id)}
    today = now.astimezone(tz).date()
    running: tuple[ShiftType, date] | None = None
    for code in ("day", "night"):
        for day in (today - timedelta(days=1), today):
            begin, end = shift_interval(day, shifts[code].start_time, shifts[code].end_time, tz)
            if begin <= now < end:
                running = (shifts[code], day)
    wanted = [(Role.leader, shifts["leader"], running[1] if running else today)]
    if running is not None:
        wanted.append((Role.duty_officer, running[0], running[1]))
    for role, shift, day in wanted:
        person = session.exec(
            select(Person).join(User, col(User.id) == Person.user_id).where(User.role == role)
        ).first()
        if person is None or person.id is None or shift.id is None:
            continue
        wishes.add_request(
            session,
            data=ShiftRequestCreate(
                person_id=person.id,
                day=day,
                shift_type_id=shift.id,
                wanted=True,
                weight=WISH_WEIGHT,
            ),
            actor=ACTOR,
            # recorded as at the start of its day (the day of a night shift still running may
            # be yesterday, and a wish for a day already past is refused)
            now=min(now, datetime.combine(day, time(0), tz).astimezone(UTC)),
            tz=tz,
        )


def _ensure_user(session: Session, *, username: str, role: Role, name: str, now: datetime) -> User:
    existing = session.exec(select(User).where(User.username == username)).first()
    if existing is not None:
        return existing
    return user_service.create_user(
        session,
        username=username,
        password=DEMO_PASSWORD,
        role=role,
        full_name=name,
        actor=ACTOR,
        now=now,
    )
