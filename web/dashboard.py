"""The leadership dashboard: a list of panels, each built by one function.

It shows the duty team, open incidents by severity, complaint figures (this week against the
same days of last week, the month's on-time rates and top domains, open early warnings),
incidents per category over the last weeks and acknowledgement times. Each builder in
`PANELS` returns a `Panel` naming its template, or None to show nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from api.deps import ClockDep, SessionDep, SettingsDep
from complaints import stats as complaint_stats
from complaints import warnings as early_warnings
from complaints.detect import WarningLevel
from complaints.insight_models import WarningStatus
from core.users import Permission
from escalation import stats
from escalation.models import Category
from escalation.policy import Severity
from web.charts import Bar, Segment, Series, columns, hbars
from web.duty import duty_team
from web.i18n import gettext, locale_of
from web.labels import label_id
from web.render import render
from web.session import RequirePage, WebUser

router = APIRouter(include_in_schema=False)
DashboardPage = Annotated[WebUser, Depends(RequirePage(Permission.dashboard_read))]
WEEKS = 8


@dataclass(frozen=True)
class PanelInput:
    session: Session
    now: datetime
    tz: ZoneInfo
    locale: str

    def _(self, message: str) -> str:
        return gettext(self.locale, message)

    def label(self, kind: str, value: object) -> str:
        message = label_id(kind, value)
        return self._(message) if message else str(value)


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    wide: bool = False


PanelBuilder = Callable[[PanelInput], Panel | None]


def duty_team_panel(data: PanelInput) -> Panel:
    return Panel(
        "dashboard/duty_team.html", {"team": duty_team(data.session, now=data.now, tz=data.tz)}
    )


def open_incidents_panel(data: PanelInput) -> Panel:
    """One bar per severity: its unacknowledged part red, its acknowledged part yellow (the
    two colours of the legend), so a leader sees what nobody has taken yet."""
    figures = stats.open_by_severity(data.session)
    bars = [
        Bar(
            data.label("severity", severity),
            (
                Segment(figures[severity.value]["open"], "open-fill", data._("Open")),
                Segment(
                    figures[severity.value]["acknowledged"], "ack-fill", data._("Acknowledged")
                ),
            ),
        )
        for severity in Severity
    ]
    total = sum(v["open"] + v["acknowledged"] for v in figures.values())
    chart = hbars(bars, title=data._("Open incidents by severity"))
    return Panel("dashboard/open_incidents.html", {"chart": chart, "total": total})


def incidents_per_week_panel(data: PanelInput) -> Panel:
    per_week, _ = stats.weekly_figures(data.session, now=data.now, tz=data.tz, weeks=WEEKS)
    labels = [w.week_start.strftime("%m-%d") for w in per_week]
    series = [
        Series(
            data.label("category", category),
            f"cat-{category.value}",
            tuple(float(w.counts.get(category.value, 0)) for w in per_week),
        )
        for category in Category
    ]
    chart = columns(labels, series, title=data._("Incidents per category and week"))
    return Panel(
        "dashboard/per_week.html",
        {"chart": chart, "series": series, "total": sum(w.total for w in per_week)},
        wide=True,
    )


def acknowledgement_panel(data: PanelInput) -> Panel:
    _, acks = stats.weekly_figures(data.session, now=data.now, tz=data.tz, weeks=WEEKS)
    labels = [a.week_start.strftime("%m-%d") for a in acks]
    median = Series(data._("median minutes"), "ack-median", tuple(a.median_minutes for a in acks))
    p90 = Series(data._("90th percentile"), "ack-p90", tuple(a.p90_minutes for a in acks))
    chart = columns(labels, [median], title=data._("Minutes to acknowledge"), markers=p90)
    return Panel("dashboard/acknowledgement.html", {"chart": chart, "weeks": acks})


def complaints_panel(data: PanelInput) -> Panel:
    """This week so far against the same days of last week, the month's on-time figures,
    top domains and districts (complaints.stats), and the open early warnings by level."""
    today = data.now.astimezone(data.tz).date()
    monday = today - timedelta(days=today.weekday())
    this_week = complaint_stats.compute(
        data.session, filters=complaint_stats.StatsFilter(monday, today), now=data.now, tz=data.tz
    )
    last_week = complaint_stats.compute(
        data.session,
        filters=complaint_stats.StatsFilter(monday - timedelta(days=7), today - timedelta(days=7)),
        now=data.now,
        tz=data.tz,
    )
    month = complaint_stats.compute(
        data.session,
        filters=complaint_stats.StatsFilter(today.replace(day=1), today),
        now=data.now,
        tz=data.tz,
    )
    figures = {f.name: f for f in month.figures}
    open_warnings, _ = early_warnings.list_warnings(
        data.session, status=WarningStatus.open, limit=500
    )
    by_level = {level.value: 0 for level in reversed(WarningLevel)}
    for warning in open_warnings:
        by_level[warning.level.value] += 1
    return Panel(
        "dashboard/complaints.html",
        {
            "this_week": this_week.total,
            "last_week": last_week.total,
            "figures": [figures[n] for n in ("on_time_closure", "on_time_acceptance")],
            "domains": month.by_domain[:5],
            "districts": month.by_district[:5],
            "month_total": month.total,
            "warnings": by_level,
            "open_warnings": len(open_warnings),
        },
    )


PANELS: list[PanelBuilder] = [
    duty_team_panel,
    open_incidents_panel,
    complaints_panel,
    incidents_per_week_panel,
    acknowledgement_panel,
]


@router.get("/dashboard")
def dashboard(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    user: DashboardPage,
) -> HTMLResponse:
    data = PanelInput(session, clock.now(), settings.tz, locale_of(request))
    panels = [panel for build in PANELS if (panel := build(data)) is not None]
    return render(request, "dashboard/page.html", {"panels": panels}, user=user)
