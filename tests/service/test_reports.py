"""Analysis reports: periods, figures equal to the statistics module's, HTML and a PDF with the
Chinese text and an embedded font, a clear error instead of a PDF when the font is missing,
the scheduled make-up of a missed run with a FakeClock, and one build per (kind, period)."""

from __future__ import annotations

import io
import json
import re
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from pypdf import PdfReader
from sqlalchemy import Connection
from sqlmodel import Session, select

from api.ticker import REPORT_CATCH_UP_JOB, ReportJob, add_insight_jobs
from complaints import report_periods, reports, stats
from complaints.insight_models import AnalysisReport, ReportKind, ReportStatus
from complaints.models import ComplaintCluster
from complaints.report_periods import Period
from complaints.vocab import Channel, Domain, ItemType, Status
from complaints.warning_detection import Detector
from core.audit import AuditEntry
from core.clock import FakeClock
from core.errors import Conflict, ValidationFailed
from core.users import Role
from escalation import opening as incident_opening
from escalation import reporting
from escalation import stats as escalation_stats
from escalation.models import (
    Category,
    IncidentCreate,
    IncidentReportCreate,
    IncidentReportKind,
    ReportMethod,
)
from escalation.policy import Severity
from tests.conftest import T0, make_user, savepoint_session
from tests.insight_rows import insert_rows, row, rule_set_id

TZ = ZoneInfo("Asia/Shanghai")
NOVEMBER = report_periods.parse_period(ReportKind.monthly, "2026-11")


def _factory(connection: Connection) -> partial[AbstractContextManager[Session]]:
    return partial(savepoint_session, connection)


BUILT_AT = datetime(2026, 12, 1, 2, tzinfo=UTC)


def _november_report(connection: Connection) -> AnalysisReport | None:
    """November's monthly report, built on demand on 1 December (no PDF font: HTML)."""
    return reports.generate(
        _factory(connection),
        period=NOVEMBER,
        actor="leader",
        trigger="demand",
        now=lambda: BUILT_AT,
        tz=TZ,
        font=None,
    )


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ).astimezone(UTC)


def _seed(session: Session) -> None:
    rule_set = rule_set_id(session, now=T0)
    rows = []
    day, n = date(2026, 10, 1), 0
    domains = [Domain.food, Domain.price, Domain.special_equipment, Domain.cosmetics]
    while day <= date(2026, 11, 30):
        for i in range(3 + day.day % 4):
            n += 1
            closed = i % 2 == 0
            rows.append(
                row(
                    n,
                    _at(day, 8 + i),
                    rule_set=rule_set,
                    domain=domains[n % 4],
                    channel=[Channel.hotline_12315, Channel.wechat, Channel.platform_12315][n % 3],
                    item_type=[ItemType.complaint, ItemType.report, ItemType.consultation][n % 3],
                    district=["城东区", "城西区", None][n % 3],
                    status=Status.closed if closed else Status.registered,
                    closed_at=_at(day, 18) if closed else None,
                    closed_on_time=closed or None,
                    respondent=f"商户{n % 7}",
                )
            )
        day += timedelta(days=1)
    insert_rows(session, rows)


@pytest.mark.parametrize(
    ("kind", "text", "key", "start", "end"),
    [
        (ReportKind.weekly, "2026-W48", "2026-W48", date(2026, 11, 23), date(2026, 11, 29)),
        (ReportKind.weekly, "2026-12-02", "2026-W49", date(2026, 11, 30), date(2026, 12, 6)),
        (ReportKind.monthly, "2026-02", "2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        (ReportKind.quarterly, "2026-Q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        (ReportKind.quarterly, "2026-05-17", "2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
    ],
)
def test_periods(kind: ReportKind, text: str, key: str, start: date, end: date) -> None:
    assert report_periods.parse_period(kind, text) == Period(kind, key, start, end)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "last month", "2026-W60"])
def test_bad_periods_name_the_field(text: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        report_periods.parse_period(
            ReportKind.monthly if "Q" not in text else ReportKind.quarterly, text
        )
    assert raised.value.errors[0].field == "period"


def test_latest_complete_periods() -> None:
    today = date(2026, 12, 2)  # a Wednesday
    assert report_periods.latest_complete(ReportKind.weekly, today).key == "2026-W48"
    assert report_periods.latest_complete(ReportKind.monthly, today).key == "2026-11"
    assert report_periods.latest_complete(ReportKind.quarterly, today).key == "2026-Q3"


def test_report_numbers_equal_the_statistics_module(
    session: Session, connection: Connection
) -> None:
    _seed(session)
    report = _november_report(connection)
    assert report is not None and report.status is ReportStatus.done
    data = json.loads(report.data_json or "{}")
    expected = stats.compute(
        session,
        filters=stats.StatsFilter(start=date(2026, 11, 1), end=date(2026, 11, 30)),
        now=BUILT_AT,
        tz=TZ,
    )
    assert data["stats"] == expected.model_dump(mode="json")
    assert data["stats"]["total"] == sum(d["count"] for d in data["daily"]) > 0
    october = stats.compute(
        session,
        filters=stats.StatsFilter(start=date(2026, 10, 1), end=date(2026, 10, 31)),
        now=BUILT_AT,
        tz=TZ,
    )
    assert data["previous"]["total"] == october.total
    assert data["top_businesses"][0]["count"] >= data["top_businesses"][-1]["count"]
    # items received are 接收/登记; 受理 is only the accepted ones
    assert data["focus"] and "本期接收登记投诉举报咨询共" in data["focus"][0]
    assert data["preliminary"] is False

    assert report.html is not None
    assert "投诉举报分析月报（2026年11月）" in report.html
    assert "<th>接收总量</th>" in report.html and "受理总量" not in report.html
    assert "每日接收量" in report.html and "每日受理量" not in report.html
    # built 2026-12-01 02:00 UTC: 10:00 in Asia/Shanghai
    assert "数据截至 2026-12-01 10:00（Asia/Shanghai）" in report.html
    assert "UTC" not in report.html and 'id="preliminary"' not in report.html
    assert f'data-figure="total">{expected.total}<' in report.html
    assert "<svg" in report.html and "<script" not in report.html

    assert report.pdf is not None and report.pdf_error is None
    reader = PdfReader(io.BytesIO(report.pdf))
    # pypdf spells out the CID font's two-byte codes of the CFF (Noto) font with NULs;
    # poppler's pdftotext reads the same file cleanly
    text = "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    assert "投诉举报分析月报" in text and "焦点提示与建议" in text
    assert "2026-12-01 10:00" in text and "接收总量" in text and "受理总量" not in text
    assert str(expected.total) in text
    fonts = reader.pages[0]["/Resources"]["/Font"]  # type: ignore[index]
    descriptor = (
        next(iter(fonts.values()))
        .get_object()["/DescendantFonts"][0]
        .get_object()["/FontDescriptor"]
    )
    assert any(k in descriptor for k in ("/FontFile2", "/FontFile3")), "the font is embedded"

    audit = session.exec(
        select(AuditEntry.action).where(AuditEntry.entity_type == "analysis_report")
    ).all()
    assert list(audit) == ["report.request", "report.generate"]


def test_the_reports_figures_are_defined_in_chinese(
    session: Session, connection: Connection
) -> None:
    """The Chinese report's 口径 column read "items distributed to a handling unit within the
    distribution limit ÷ …", the API's English definitions."""
    _seed(session)
    report = _november_report(connection)
    assert report is not None and report.html is not None
    figures = report.html.split('<table id="figures">', 1)[1].split("</table>", 1)[0]
    definitions = re.findall(r'<td class="muted">([^<]*)</td>', figures)
    assert len(definitions) == len(stats.DEFINITIONS)
    for text in definitions:
        assert not re.search(r"[A-Za-z]{3,}", text), text
    assert "在分送时限内分送至承办单位的件数 ÷ 分送时限已结束或已届满的件数（各类型）" in figures


def test_clue_groups_say_in_chinese_what_links_their_items(
    session: Session, connection: Connection
) -> None:
    rule_set = rule_set_id(session, now=T0)
    cluster = ComplaintCluster(created_at=T0, updated_at=T0, size=2, reasons="address,respondent")
    session.add(cluster)
    session.commit()
    day = date(2026, 11, 10)
    insert_rows(
        session,
        [row(n, _at(day, 9 + n), rule_set=rule_set, cluster_id=cluster.id) for n in (1, 2)],
    )
    session.commit()
    report = _november_report(connection)
    assert report is not None and report.html is not None and report.pdf is not None
    (group,) = json.loads(report.data_json or "{}")["top_clusters"]
    assert group["basis"] == "同一地址、同一经营者"
    assert "<td>同一地址、同一经营者</td>" in report.html
    assert "address,respondent" not in report.html
    reader = PdfReader(io.BytesIO(report.pdf))
    text = "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    assert "同一地址、同一经营者" in text and "address" not in text


def test_a_missing_font_explains_itself_and_keeps_the_html(
    session: Session, connection: Connection
) -> None:
    _seed(session)
    report = reports.generate(
        _factory(connection),
        period=NOVEMBER,
        actor="leader",
        trigger="demand",
        now=lambda: T0,
        tz=TZ,
        font="/nonexistent/simsun.ttf",
    )
    assert report is not None and report.status is ReportStatus.done
    assert report.pdf is None and report.html
    assert "DUTYDESK_REPORT_FONT=/nonexistent/simsun.ttf does not exist" in (report.pdf_error or "")


def test_a_missed_run_is_made_up_once(session: Session, connection: Connection) -> None:
    _seed(session)
    factory = _factory(connection)
    clock = FakeClock(datetime(2026, 11, 29, 12, tzinfo=UTC))  # Sunday: W48 not over yet
    kinds = list(ReportKind)
    built = reports.run_due(factory, now=clock.now, tz=TZ, font=None, kinds=[ReportKind.weekly])
    assert built == ["weekly:2026-W47"]
    # the service is down from Sunday until Wednesday: Monday's weekly and the 1st's
    # monthly runs are missed, and made up when it starts again
    clock.set(datetime(2026, 12, 2, 1, 15, tzinfo=UTC))
    built = reports.run_due(factory, now=clock.now, tz=TZ, font=None, kinds=kinds)
    assert built == ["weekly:2026-W48", "monthly:2026-11", "quarterly:2026-Q3"]
    clock.advance(timedelta(hours=1))
    assert reports.run_due(factory, now=clock.now, tz=TZ, font=None, kinds=kinds) == []
    rows = session.exec(select(AnalysisReport)).all()
    assert sorted(r.period_key for r in rows) == ["2026-11", "2026-Q3", "2026-W47", "2026-W48"]
    assert all(r.status is ReportStatus.done and r.trigger == "schedule" for r in rows)


def test_a_running_period_is_preliminary_and_the_schedule_replaces_it(
    session: Session, connection: Connection
) -> None:
    _seed(session)
    factory = _factory(connection)
    clock = FakeClock(datetime(2026, 12, 6, 2, 34, tzinfo=UTC))
    today = date(2026, 12, 6)
    with pytest.raises(ValidationFailed) as raised:
        report_periods.requested_period(ReportKind.monthly, "2030-01", today=today)
    assert raised.value.errors[0].field == "period"
    december = report_periods.requested_period(ReportKind.monthly, "2026-12", today=today)
    early = reports.generate(
        factory,
        period=december,
        actor="leader",
        trigger="demand",
        now=clock.now,
        tz=TZ,
        font=None,
    )
    assert early is not None and report_periods.is_preliminary(early, TZ)
    assert json.loads(early.data_json or "{}")["preliminary"] is True
    assert "初步统计" in (early.html or "")
    # the month has ended: the schedule rebuilds December over the whole month
    clock.set(datetime(2027, 1, 1, 0, 5, tzinfo=TZ).astimezone(UTC))
    built = reports.run_due(factory, now=clock.now, tz=TZ, font=None, kinds=[ReportKind.monthly])
    assert built == ["monthly:2026-12"]
    final = session.exec(select(AnalysisReport).where(AnalysisReport.period_key == "2026-12")).one()
    session.refresh(final)
    assert final.revision == 2 and not report_periods.is_preliminary(final, TZ)
    assert json.loads(final.data_json or "{}")["preliminary"] is False
    clock.advance(timedelta(hours=1))
    assert (
        reports.run_due(factory, now=clock.now, tz=TZ, font=None, kinds=[ReportKind.monthly]) == []
    )


def test_two_builders_never_build_the_same_report_twice(session: Session) -> None:
    first = reports.claim(session, period=NOVEMBER, actor="schedule", trigger="schedule", now=T0)
    assert first is not None and first.status is ReportStatus.running
    later = T0 + timedelta(minutes=1)
    assert (
        reports.claim(session, period=NOVEMBER, actor="schedule", trigger="schedule", now=later)
        is None
    )
    with pytest.raises(Conflict):
        reports.claim(session, period=NOVEMBER, actor="leader", trigger="demand", now=later)
    stale = T0 + reports.STALE + timedelta(seconds=1)  # the first builder died: taken over
    again = reports.claim(session, period=NOVEMBER, actor="schedule", trigger="schedule", now=stale)
    assert again is not None and again.attempts == 2
    assert len(session.exec(select(AnalysisReport)).all()) == 1


def test_duty_figures_count_reports_to_superiors_within_their_limits(
    session: Session, connection: Connection
) -> None:
    user = make_user(session, role=Role.coordinator, username="reporter")
    opened_at = _at(date(2026, 11, 10))  # II: initial report within 15 min, written within 30
    made: list[tuple[int, int | None]] = [(10, 30), (20, 25), (15, None)]  # minutes after opening
    for initial, written in made:
        data = IncidentCreate(
            title="电梯困人", category=Category.special_equipment, severity=Severity.II
        )
        incident, _ = incident_opening.open_incident(
            session, data=data, actor="coord", now=opened_at
        )
        assert incident.id is not None
        for kind, minutes, method in (
            (IncidentReportKind.initial, initial, ReportMethod.phone),
            (IncidentReportKind.written, written, ReportMethod.fax),
        ):
            if minutes is None:
                continue
            at = opened_at + timedelta(minutes=minutes)
            body = IncidentReportCreate(kind=kind, reported_to="市局", method=method)
            reporting.record_report(
                session, incident_id=incident.id, data=body, user=user, now=at, tz=TZ
            )
        opened_at += timedelta(hours=1)  # no deduplication (no place anyway)
    report = _november_report(connection)
    assert report is not None and report.html is not None
    duty = json.loads(report.data_json or "{}")["duty"]
    expected = escalation_stats.in_time(
        session, start=_at(date(2026, 11, 1), 0), end=_at(date(2026, 12, 1), 0)
    )
    assert (
        (duty["initial_reported_within_limit"], duty["written_reported_within_limit"])
        == (
            expected.initial_reported_within_limit,
            expected.written_reported_within_limit,
        )
        == (2, 2)
    )  # initial at 10 and 15 min; written at 30 (the due instant) and 25 min
    assert '<span id="initial-in-time">2</span>' in report.html
    assert '<span id="written-in-time">2</span>' in report.html


def test_a_build_cut_off_by_a_stopped_process_is_made_up_by_the_hourly_catch_up(
    session: Session, connection: Connection
) -> None:
    _seed(session)
    factory = _factory(connection)
    clock = FakeClock(datetime(2026, 12, 6, 2, 0, tzinfo=UTC))
    # what a kill -9 in the middle of the build leaves: the claim, no figures
    cut = reports.claim(
        session,
        period=NOVEMBER,
        actor="schedule",
        trigger="schedule",
        now=clock.now() - timedelta(minutes=1),
    )
    assert cut is not None and cut.status is ReportStatus.running
    kinds = [ReportKind.monthly]
    assert reports.run_due(factory, now=clock.now, tz=TZ, font=None, kinds=kinds) == []
    # the scheduler runs the catch-up hourly, not only at start-up and the monthly cron
    scheduler = BackgroundScheduler(timezone="UTC")
    add_insight_jobs(
        scheduler, Detector(factory, clock, TZ), ReportJob(factory, clock, TZ, None), TZ
    )
    trigger = scheduler.get_job(REPORT_CATCH_UP_JOB).trigger
    assert isinstance(trigger, IntervalTrigger) and trigger.interval <= timedelta(hours=1)
    clock.advance(trigger.interval)
    assert reports.run_due(factory, now=clock.now, tz=TZ, font=None, kinds=kinds) == [
        "monthly:2026-11"
    ]
    session.refresh(cut)
    assert cut.status is ReportStatus.done and cut.attempts == 2


def test_the_overview_agrees_with_the_breakdown_and_the_definitions(
    session: Session, connection: Connection
) -> None:
    """二、总体情况 said 投诉 10 where 按类型 said 13 (three came as 12345 orders), and 办结 0
    where 调解成功率 read 0 / 2 "÷ 办结的投诉" (rejected complaints are 办结)."""
    _seed(session)
    rule_set = rule_set_id(session, now=T0)
    orders = [
        row(90_000 + i, _at(date(2026, 11, 3), 9 + i), rule_set=rule_set,
            channel=Channel.transfer_12345)
        for i in range(3)
    ]  # fmt: skip
    rejected = [
        row(90_010 + i, _at(date(2026, 11, 4), 9 + i), rule_set=rule_set,
            status=Status.rejected, rejected_at=_at(date(2026, 11, 5), 9))
        for i in range(2)
    ]  # fmt: skip
    insert_rows(session, [*orders, *rejected])
    report = _november_report(connection)
    assert report is not None and report.html is not None
    data = json.loads(report.data_json or "{}")["stats"]
    html = report.html

    def cell(name: str) -> int:
        found = re.search(rf'data-figure="{name}">(\d+)<', html)
        assert found is not None, name
        return int(found.group(1))

    def figure(name: str) -> tuple[int, int]:
        row = html.split(f'<tr data-figure="{name}">', 1)[1].split("</tr>", 1)[0]
        numerator, denominator = re.findall(r'<td class="n">(\d+)</td>', row)[:2]
        return int(numerator), int(denominator)

    by_type = html.split("<h3>按类型</h3>", 1)[1].split("</table>", 1)[0]
    typed = re.search(r"<td>投诉</td><td class=\"n\">(\d+)</td>", by_type)
    assert typed is not None and cell("complaints") == int(typed.group(1))
    assert cell("complaint_orders") == data["complaint_orders"]
    assert cell("complaints") == data["complaints"] + data["complaint_orders"]
    assert cell("complaints_closed") == figure("mediation_success")[1]
    assert cell("complaint_orders") == 3 and "以 12345 转办工单接收的投诉（3 件" in html
    assert cell("concluded") == data["closed"] + 2  # the two rejected, not closed yet
    on_time_denominator = figure("on_time_closure")[1]
    assert cell("concluded") == data["concluded"] <= on_time_denominator
    assert cell("concluded") >= cell("complaints_closed")
    assert 'id="totals-basis"' in html and "只计按总局令第121号办理的投诉" in html
