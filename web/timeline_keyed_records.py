"""The keyed timeline entries of an incident's opening, its accident details and its reports
to superiors (escalation.opening, escalation.details, escalation.reporting), worded from their
values in the page's language; `PHRASES` by key, for web/timeline_keyed.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from web.i18n import N_
from web.keyed_phrases import Values
from web.timeline_words import Words

#: escalation.details.FIELDS, by the names the detail page gives them
FIELD_NAMES = {
    "equipment_type": N_("Equipment type"),
    "equipment_user": N_("Unit using the equipment"),
    "deaths": N_("Deaths"),
    "serious_injuries": N_("Serious injuries"),
    "people_at_risk": N_("People trapped or at risk"),
    "direct_loss_yuan": N_("Estimated direct loss (yuan)"),
    "measures_taken": N_("Measures taken"),
    "explosion_or_overturn": N_("A boiler or pressure vessel exploded, or a crane overturned"),
}


def _opened(w: Words, v: Values) -> str:
    return w(
        N_("%(severity)s, %(category)s — plan %(plan)s"),
        severity=w.label("severity", v["severity"]),
        category=w.label("category", v["category"]),
        plan=w.plan(v["plan"]),
    )


def _duplicate(w: Words, v: Values) -> str:
    message = N_("of the same event: %(severity)s %(title)s")
    text = w(message, severity=w.label("severity", v["severity"]), title=v["title"])
    if v["caller"]:
        text += w(N_(" (caller %(caller)s)"), caller=v["caller"])
    if v["description"]:
        text += w.gettext(N_(": ")) + str(v["description"])
    return text


def _severity_raised(w: Words, v: Values) -> str:
    reason = N_("by a new report") if v["reason"] == "new_report" else N_("by its accident figures")
    text = w(
        N_("from %(before)s to %(after)s %(reason)s: plan %(plan)s"),
        before=w.label("severity", v["before"]),
        after=w.label("severity", v["after"]),
        reason=w.gettext(reason),
        plan=w.plan(v["plan"]),
    )
    if v["step"] is not None:
        text += w(N_("; escalation goes on at step %(step)s, paging again now"), step=v["step"])
    elif v["groups"]:
        groups = w.join(w.group(g) for g in v["groups"])
        text += w(N_("; already acknowledged: telling %(groups)s now"), groups=groups)
    message = N_("; reports due %(initial)s / %(written)s min after opening")
    return text + w(message, initial=v["initial"], written=v["written"])


def _detail(w: Words, field: str, value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return w.gettext(N_("Yes") if value else N_("No"))
    if field == "equipment_type":
        return w.label("equipment_type", value)
    return str(value)


def _field(w: Words, field: str) -> str:
    return w.gettext(FIELD_NAMES[field]) if field in FIELD_NAMES else field


def _changes(w: Words, changes: Sequence[Mapping[str, Any]]) -> str:
    return w.gettext(N_("; ")).join(
        w(
            N_("%(field)s %(before)s → %(after)s"),
            field=_field(w, c["field"]),
            before=_detail(w, c["field"], c["before"]),
            after=_detail(w, c["field"], c["after"]),
        )
        for c in changes
    )


def _kept(w: Words, kept: Sequence[Mapping[str, Any]]) -> str:
    return w.gettext(N_("; ")).join(
        w(
            N_("%(field)s %(kept)s kept (the report said %(report)s)"),
            field=_field(w, k["field"]),
            kept=_detail(w, k["field"], k["kept"]),
            report=_detail(w, k["field"], k["report"]),
        )
        for k in kept
    )


def _suggested(w: Words, v: Values) -> str:
    if not v["suggested"]:
        return ""
    return w(
        N_("; the figures suggest level %(suggested)s (now %(now)s)"),
        suggested=w.label("severity", v["suggested"]),
        now=w.label("severity", v["now"]),
    )


def _details_updated(w: Words, v: Values) -> str:
    return _changes(w, v["changes"]) + _suggested(w, v)


def _details_repeat(w: Words, v: Values) -> str:
    message = N_("from a repeat report: %(changes)s")
    text = w(message, changes=_changes(w, v["changes"]))
    if v["kept"]:
        text += w(N_("; not lowered or overwritten: %(kept)s"), kept=_kept(w, v["kept"]))
    return text + _suggested(w, v)


def _details_kept(w: Words, v: Values) -> str:
    message = N_("from a repeat report: %(kept)s")
    return w(message, kept=_kept(w, v["kept"])) + _suggested(w, v)


def _reported(w: Words, v: Values) -> str:
    rest = ""
    if v["made_at"]:
        rest += w(N_(", made at %(at)s"), at=w.local(v["made_at"]))
    if v["summary"]:
        rest += w.gettext(N_(": ")) + str(v["summary"])
    if v["implied_initial"]:
        rest += w.gettext(N_(" (also recorded as the initial report)"))
    if v["missing"]:
        items = w.join(w.label("report_item", m) for m in v["missing"])
        rest += w(N_(" (report items still missing: %(items)s)"), items=items)
    return w(
        N_("%(kind)s to %(to)s by %(method)s%(rest)s"),
        kind=w.label("superior_report_kind", v["kind"]),
        to=v["to"],
        method=w.label("report_method", v["method"]),
        rest=rest,
    )


PHRASES: dict[str, Callable[[Words, Values], str]] = {
    "opened": _opened,
    "duplicate": _duplicate,
    "severity_raised": _severity_raised,
    "details_updated": _details_updated,
    "details_repeat": _details_repeat,
    "details_kept": _details_kept,
    "reported": _reported,
}
