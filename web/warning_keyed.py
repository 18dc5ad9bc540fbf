"""An early warning's title and summary worded in the page's language from the key of its
wording and the values it says (complaints/warning_keys.py, ``KEYS``).

Codes are worded from the label tables at render time (the dimension, a domain, an incident
category) and skills by the directory's names; names that are data (a business, a district,
a keyword, a unit, a shift, a person) are shown as stored. A warning without a key (stored
before keys), or whose key or values this module does not know, shows its stored text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from complaints.warning_keys import KEYS
from web.i18n import N_
from web.keyed_phrases import Values, phrase_of
from web.timeline_words import Gettext, Label, Words

# the label table that words a rise's subject, by dimension; others are shown as stored
_SUBJECT_LABELS = {"domain": "domain", "incident_category": "category"}


class Worded(NamedTuple):
    title: str
    summary: str


# ---- a count above its baseline --------------------------------------------------------------


def _span(w: Words, v: Values) -> str:
    if v["start"] == v["end"]:
        return w(N_("on %(day)s"), day=v["end"])
    return w(N_("from %(start)s to %(end)s"), start=v["start"], end=v["end"])


def _rise_title(w: Words, v: Values) -> str:
    figures = {
        "dimension": w.label("warning_dimension", v["dimension"]),
        "span": _span(w, v),
        "observed": v["observed"],
        "expected": f"{v['expected']:.1f}",
    }
    if v["dimension"] == "total":
        message = N_("%(dimension)s rose %(span)s: %(observed)s items, baseline %(expected)s")
        return w(message, **figures)
    kind = _SUBJECT_LABELS.get(v["dimension"])
    subject = w.label(kind, v["subject"]) if kind else str(v["label"])
    message = N_(
        "%(dimension)s “%(subject)s” rose %(span)s: %(observed)s items, baseline %(expected)s"
    )
    return w(message, subject=subject, **figures)


def _rise_summary(w: Words, v: Values) -> str:
    figures = {
        "span": _span(w, v),
        "observed": v["observed"],
        "days": v["baseline_days"],
        "expected": f"{v['expected']:.1f}",
        "p": f"{v['p_value']:.1e}",
    }
    if v["ratio"] is None:
        message = N_(
            "%(observed)s items %(span)s; the baseline of the previous %(days)s days (weekday "
            "pattern and holidays) expected %(expected)s; significance p = %(p)s."
        )
        return w(message, **figures)
    message = N_(
        "%(observed)s items %(span)s; the baseline of the previous %(days)s days (weekday "
        "pattern and holidays) expected %(expected)s, so %(ratio)s times as many; "
        "significance p = %(p)s."
    )
    return w(message, ratio=f"{v['ratio']:.1f}", **figures)


# ---- duty signals ----------------------------------------------------------------------------


def _slow_ack_title(w: Words, v: Values) -> str:
    message = N_("%(who)s is slow to acknowledge: median %(minutes)s min")
    return w(message, who=v["who"], minutes=f"{v['median_minutes']:.0f}")


def _slow_ack_summary(w: Words, v: Values) -> str:
    message = N_(
        "%(count)s acknowledgements in the last %(days)s days, median %(minutes)s min, "
        "above the required %(limit)s min."
    )
    return w(
        message,
        count=v["count"],
        days=v["days"],
        minutes=f"{v['median_minutes']:.1f}",
        limit=v["limit_minutes"],
    )


def _unreachable_title(w: Words, v: Values) -> str:
    if v["exhausted"]:
        message = N_("Incident %(code)s “%(title)s”: escalation exhausted, nobody acknowledged")
    else:
        message = N_("Incident %(code)s “%(title)s”: some pages could not be delivered")
    return w(message, code=v["code"], title=str(v["title"])[:40])


def _unreachable_summary(w: Words, v: Values) -> str:
    parts = []
    if v["unreachable"]:
        parts.append(w(N_("%(count)s pages found no contact method"), count=v["unreachable"]))
    if v["exhausted"]:
        parts.append(
            w.gettext(N_("every step paged without acknowledgement; repeating the last step"))
        )
    return w.gettext(N_("; ")).join(parts) + w.gettext(N_("."))


def _roster_gap_title(w: Words, v: Values) -> str:
    return w(N_("%(unit)s: roster gap on %(day)s"), unit=v["unit_name"], day=v["day"])


def _gap(w: Words, gap: Mapping[str, Any]) -> str:
    figures = {"shift": gap["shift_name"], "required": gap["required"], "staffed": gap["staffed"]}
    if gap["skill"]:
        skill = w.skills.get(gap["skill"], gap["skill"])
        text = w(
            N_("%(shift)s (%(skill)s) needs %(required)s, has %(staffed)s"), skill=skill, **figures
        )
    else:
        text = w(N_("%(shift)s needs %(required)s, has %(staffed)s"), **figures)
    if gap["away"]:
        text += w(N_(" (%(people)s on leave or inactive)"), people=w.join(gap["away"]))
    return text


def _roster_gap_summary(w: Words, v: Values) -> str:
    return w.gettext(N_("; ")).join(_gap(w, g) for g in v["gaps"])


TITLES: dict[str, Callable[[Words, Values], str]] = {
    "rise": _rise_title,
    "slow_ack": _slow_ack_title,
    "unreachable": _unreachable_title,
    "roster_gap": _roster_gap_title,
}
SUMMARIES: dict[str, Callable[[Words, Values], str]] = {
    "rise": _rise_summary,
    "slow_ack": _slow_ack_summary,
    "unreachable": _unreachable_summary,
    "roster_gap": _roster_gap_summary,
}


def word(
    warning: Mapping[str, Any],
    *,
    gettext: Gettext,
    label: Label,
    tz: ZoneInfo,
    skills: Mapping[str, str] | None = None,
) -> Worded:
    """A warning (`title`, `summary`, `wording_key`, `values`, as the API returns it) in the
    page's language; one without a key, or one this module cannot word, as stored."""
    item = {"key": warning.get("wording_key"), "values": warning.get("values")}
    title, summary = phrase_of(item, TITLES, KEYS), phrase_of(item, SUMMARIES, KEYS)
    if title is None or summary is None:
        return Worded(str(warning.get("title", "")), str(warning.get("summary", "")))
    words = Words(gettext, label, {}, skills or {}, tz)
    return Worded(title[0](words, title[1]), summary[0](words, summary[1]))
