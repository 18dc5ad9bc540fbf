"""Rendering: one Jinja environment per language, the shared layout's context, filters.

Every page goes through `render()`, which adds what the layout needs (the user, the nav
built from the role's permissions, the language switch, the CSRF token, the local time)
and the security headers (a strict Content-Security-Policy: no inline scripts, no CDN).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.support import Translations
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from core.config import Settings
from web import (
    complaint_notes,
    complaint_text,
    field_errors,
    problem_text,
    roster_explanation,
    roster_notes,
    roster_violations,
    timeline_keyed,
)
from web.actor_labels import actor_name
from web.holiday_names import holiday_name
from web.i18n import HTML_LANG, LANGUAGE_NAMES, LOCALES, locale_of, translations
from web.labels import label_id
from web.nav import NAV, nav_for
from web.session import WebUser

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@cache
def asset(name: str) -> str:
    """The URL of a static file with a content hash, so browsers cache it safely."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    return f"/static/{name}?v={digest}"


@cache
def script_modules() -> tuple[str, ...]:
    """The URLs of the script's modules, for the page to preload at once: app.js imports them
    by these plain names (no content hash: the static files are revalidated instead)."""
    return tuple(f"/static/app/{path.name}" for path in sorted((STATIC / "app").glob("*.js")))


def label_text(catalogue: Translations, kind: str, value: object) -> str:
    message = label_id(kind, value)
    if message is None:
        return str(getattr(value, "value", value) if value is not None else "")
    return catalogue.gettext(message)


@pass_context
def _localtime(context: Context, value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    tz: ZoneInfo = context["tz"]
    return value.astimezone(tz).strftime(fmt)


@pass_context
def _deadline(context: Context, value: datetime | None) -> str:
    """A time limit that ends at local midnight is shown as its last day ("2026-12-03"), not
    as the next day's 00:00; any other deadline with its time."""
    if value is None:
        return ""
    tz: ZoneInfo = context["tz"]
    local = value.astimezone(tz)
    if local.time() == time(0, 0):
        return (local.date() - timedelta(days=1)).isoformat()
    return local.strftime("%Y-%m-%d %H:%M")


def _iso_date(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


@cache
def environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalogue = translations(locale)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    env.globals["label"] = lambda kind, value: label_text(catalogue, kind, value)
    env.globals["asset"] = asset
    env.globals["actor_name"] = lambda actor, names: actor_name(
        actor, names, gettext=catalogue.gettext
    )
    env.globals["script_modules"] = script_modules()
    env.globals["holiday_name"] = lambda name: holiday_name(name, catalogue.gettext)
    env.globals["field_errors"] = field_errors.texts(locale)
    env.globals["problems"] = problem_text.texts(locale)
    env.globals["event_text"] = lambda event, names, tz, actors: timeline_keyed.localise_event(
        {"text": event.text, "key": event.key, "values": event.values},
        names=names,
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
        tz=tz,
        skills={s.code: s.name_zh if locale == "zh_CN" else s.name_en for s in event.skills},
        actors=actors,
    )
    env.globals["complaint_note"] = lambda text, parts=None, incidents=None: complaint_notes.render(
        text,
        parts,
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
        incidents=incidents,
    )
    env.globals["district_source"] = lambda source: complaint_text.district_source(
        source,
        label=lambda kind, value: label_text(catalogue, kind, value),
        gettext=catalogue.gettext,
    )
    env.globals["roster_note"] = lambda roster: roster_notes.localise_note(
        roster.note, roster.repair_reason, gettext=catalogue.gettext
    )
    env.globals["violation_text"] = lambda item, names, shifts, skills: (
        roster_violations.localise_violation(
            item,
            names=names,
            shifts={code: getattr(s, "name", code) for code, s in shifts.items()},
            skills=skills,
            gettext=catalogue.gettext,
            label=lambda kind, value: label_text(catalogue, kind, value),
        )
    )
    env.globals["explanation_text"] = lambda item, shifts, skills: (
        roster_explanation.localise_explanation(
            item,
            shifts={code: getattr(s, "name", code) for code, s in shifts.items()},
            skills=skills,
            gettext=catalogue.gettext,
            ngettext=catalogue.ngettext,
            label=lambda kind, value: label_text(catalogue, kind, value),
        )
    )
    env.filters["localtime"] = _localtime
    env.filters["isodate"] = _iso_date
    env.filters["deadline"] = _deadline
    return env


def _active(path: str) -> str:
    """The nav entry the current page belongs to (the longest matching prefix)."""
    matches = [i.path for i in NAV if path == i.path or (i.path != "/" and path.startswith(i.path))]
    return max(matches, key=len) if matches else ""


def render_text(request: Request, template: str, context: Mapping[str, Any]) -> str:
    locale = locale_of(request)
    settings: Settings = request.app.state.settings
    return environment(locale).get_template(template).render({"tz": settings.tz, **context})


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    user: WebUser | None,
    status: int = 200,
) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    now: datetime = request.app.state.clock.now()
    locale = locale_of(request)
    local_now = now.astimezone(settings.tz)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    base: dict[str, Any] = {
        "user": user,
        "nav": nav_for(user.role) if user else [],
        "active": _active(request.url.path),
        "csrf": user.csrf if user else "",
        "lang": locale,
        "html_lang": HTML_LANG[locale],
        "languages": [(code, LANGUAGE_NAMES[code], HTML_LANG[code]) for code in LOCALES],
        "here": here,
        "now": now,
        "now_local": local_now.strftime("%Y-%m-%d %H:%M"),
        "today": local_now.date(),
        "tz_name": settings.timezone,
        "tz_offset": local_now.strftime("%z")[:3] + ":" + local_now.strftime("%z")[3:],
        "notifier": settings.notifier.value,
    }
    html = render_text(request, template, {**base, **(context or {})})
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def fragment(request: Request, template: str, context: Mapping[str, Any]) -> HTMLResponse:
    """A piece of a page for the live-update poller (no layout)."""
    return HTMLResponse(render_text(request, template, context), headers=SECURITY_HEADERS)


#: The header the page's script sends when it fetches a fragment (static/app/live.js).
FRAGMENT_HEADER = "X-DutyDesk-Fragment"


def page_instead(
    request: Request, page: str, *, keep_query: bool = False
) -> RedirectResponse | None:
    """Where a fragment's address opened directly (a bookmark, a copied link, a form of the
    fragment sent without the page's script) sends the browser: to the page the fragment
    belongs to, since the fragment alone is no page (with the fragment's filters when
    `keep_query`). None for the page's own script."""
    if request.headers.get(FRAGMENT_HEADER) == "1":
        return None
    query = request.url.query if keep_query else ""
    return RedirectResponse(f"{page}?{query}" if query else page, status_code=303)
