"""Leadership pages for early warnings (list, detail with the evidence) and analysis reports
(list, generate, download). Actions are the JSON API (`api.routers.insight`) called by
`static/app.js`, so pages and API clients share one code path and one set of problems."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, select

from api.deps import ClockDep, SessionDep, SettingsDep
from complaints import report_periods, reports, warnings
from complaints.detect import WarningLevel
from complaints.insight_models import EarlyWarning, ReportKind, WarningStatus
from core.config import Settings
from core.types import MAX_ID
from core.users import Permission
from oncall.layers import people_by_id
from oncall.models import Skill
from web import warning_evidence, warning_keyed, warning_links
from web.actor_labels import names_of
from web.charts import Series, columns
from web.i18n import gettext, locale_of, translations
from web.params import EmptyIsNone
from web.render import label_text, render
from web.session import RequirePage, WebUser
from web.warning_keyed import Worded

router = APIRouter(include_in_schema=False)
WarningPage = Annotated[WebUser, Depends(RequirePage(Permission.warning_read))]
ReportPage = Annotated[WebUser, Depends(RequirePage(Permission.report_read))]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _worded(
    request: Request,
    settings: Settings,
    rows: Sequence[EarlyWarning],
    skills: Mapping[str, str],
) -> dict[int | None, Worded]:
    """Each warning's title and summary in the page's language (web.warning_keyed), skills
    named by `skills` (`_skill_names`)."""
    catalogue = translations(locale_of(request))
    return {
        w.id: warning_keyed.word(
            w.model_dump(),
            gettext=catalogue.gettext,
            label=lambda kind, value: label_text(catalogue, kind, value),
            tz=settings.tz,
            skills=skills,
        )
        for w in rows
    }


def _skill_names(session: Session, locale: str) -> dict[str, str]:
    return {
        s.code: s.name_zh if locale == "zh_CN" else s.name_en
        for s in session.exec(select(Skill)).all()
    }


@router.get("/warnings")
def warning_list(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: WarningPage,
    status: Annotated[WarningStatus | None, Query(), EmptyIsNone] = None,
    level: Annotated[WarningLevel | None, Query(), EmptyIsNone] = None,
) -> HTMLResponse:
    rows, total = warnings.list_warnings(session, status=status, level=level, limit=200)
    context = {
        "warnings": rows,
        "worded": _worded(request, settings, rows, _skill_names(session, locale_of(request))),
        "total": total,
        "status": status,
        "level": level,
        "statuses": list(WarningStatus),
        "levels": list(reversed(WarningLevel)),
    }
    return render(request, "insight/warnings.html", context, user=user)


@router.get("/warnings/{warning_id}")
def warning_detail(
    request: Request, session: SessionDep, settings: SettingsDep, user: WarningPage, warning_id: Id
) -> HTMLResponse:
    warning = warnings.get(session, warning_id=warning_id)
    locale = locale_of(request)
    skills = _skill_names(session, locale)
    worded = _worded(request, settings, [warning], skills)[warning.id]
    evidence: dict[str, Any] = json.loads(warning.evidence_json or "{}")
    catalogue = translations(locale)
    people = people_by_id(session, warning_evidence.person_ids(evidence))
    evidence_words = warning_evidence.Words(
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
        tz=settings.tz,
        skills=skills,
        people={pid: p.name for pid, p in people.items()},
    )
    chart = None
    series = evidence.get("series") or []
    if series:
        labels = [
            str(p["day"])[5:] if i % 7 == len(series) % 7 else "" for i, p in enumerate(series)
        ]
        counts = tuple(float(p["count"]) for p in series)
        expected = tuple(float(p["expected"]) for p in series)
        chart = columns(
            labels,
            [Series(gettext(locale, "items per day"), "warn-count", counts)],
            title=worded.title,
            col=18,
            markers=Series(gettext(locale, "expected (baseline)"), "warn-expected", expected),
            tips=[str(p["day"]) for p in series],
        )
    context = {
        "warning": warning,
        "worded": worded,
        "evidence_tables": warning_evidence.tables(evidence, evidence_words),
        "items": warning_links.items(session, evidence.get("items", [])),
        "related": warning_links.related(
            session, warning.dimension, evidence, roster_text=gettext(locale, "Roster")
        ),
        "chart": chart,
        "actor_names": names_of(session, [warning.acknowledged_by, warning.closed_by]),
    }
    return render(request, "insight/warning.html", context, user=user)


@router.get("/reports")
def report_list(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    user: ReportPage,
) -> HTMLResponse:
    today: date = clock.now().astimezone(settings.tz).date()
    rows = reports.list_reports(session, limit=200)
    context = {
        "reports": rows,
        "actor_names": names_of(session, [r.requested_by for r in rows]),
        "preliminary": {r.id for r in rows if report_periods.is_preliminary(r, settings.tz)},
        "kinds": list(ReportKind),
        "suggested": {k.value: report_periods.latest_complete(k, today).key for k in ReportKind},
    }
    return render(request, "insight/reports.html", context, user=user)
