"""Timeline phrases of a repeat report, a raised level and an incident's accident details
(escalation.opening, escalation.details), worded in the page's language.

They are stored in English like every timeline entry ("accident details from a repeat
report: deaths 1 → 3; the figures suggest level III (now IV)"); `web.timeline` tries these
phrases after its own. A change list names fields by their codes and values as stored
(codes, "True", "—"); a field's free text may itself hold "; ", so the list is cut only
before a field's code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from web.i18n import N_

Gettext = Callable[[str], str]
Label = Callable[[str, object], str]


class Words(Protocol):
    @property
    def gettext(self) -> Gettext: ...
    @property
    def label(self) -> Label: ...

    def plan(self, text: str, /) -> str: ...


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
_FIELD = "|".join(FIELD_NAMES)
_CUT = re.compile(rf"(?:^|; )(?P<name>{_FIELD}) ")
_SEVERITY = r"I|II|III|IV"
_SUGGESTION = (
    rf"(?:; the figures suggest level (?P<suggested>{_SEVERITY}) \(now (?P<now>{_SEVERITY})\))?"
)


def _value(words: Words, name: str, value: str) -> str:
    if name == "equipment_type" and value != "—":
        return words.label("equipment_type", value)
    if name == "explosion_or_overturn" and value in ("True", "False"):
        return words.gettext(N_("Yes") if value == "True" else N_("No"))
    return value


def _fields(text: str) -> list[tuple[str, str]]:
    """ "deaths 1 → 3; measures_taken a; b → c" as [(deaths, "1 → 3"), (measures_taken, …)]."""
    cuts = list(_CUT.finditer(text))
    if not cuts or cuts[0].start() != 0:
        return []
    ends = [c.start() for c in cuts[1:]] + [len(text)]
    return [(c.group("name"), text[c.end() : end]) for c, end in zip(cuts, ends, strict=True)]


def _changes(words: Words, text: str) -> str:
    shown = []
    for name, rest in _fields(text):
        before, arrow, after = rest.partition(" → ")
        if not arrow:
            return text
        shown.append(
            words.gettext(N_("%(field)s %(before)s → %(after)s"))
            % {
                "field": words.gettext(FIELD_NAMES[name]),
                "before": _value(words, name, before),
                "after": _value(words, name, after),
            }
        )
    return words.gettext(N_("; ")).join(shown) if shown else text


def _kept(words: Words, text: str) -> str:
    shown = []
    for name, rest in _fields(text):
        match = re.fullmatch(r"(?P<kept>.*) kept \(report: (?P<report>.*)\)", rest, re.S)
        if match is None:
            return text
        shown.append(
            words.gettext(N_("%(field)s %(kept)s kept (the report said %(report)s)"))
            % {
                "field": words.gettext(FIELD_NAMES[name]),
                "kept": _value(words, name, match.group("kept")),
                "report": _value(words, name, match.group("report")),
            }
        )
    return words.gettext(N_("; ")).join(shown) if shown else text


def _suggested(words: Words, match: re.Match[str]) -> str:
    if not match.group("suggested"):
        return ""
    return words.gettext(N_("; the figures suggest level %(suggested)s (now %(now)s)")) % {
        "suggested": words.label("severity", match.group("suggested")),
        "now": words.label("severity", match.group("now")),
    }


def _details(words: Words, match: re.Match[str]) -> str:
    return words.gettext(N_("accident details: %(changes)s")) % {
        "changes": _changes(words, match.group("changes"))
    } + _suggested(words, match)


def _repeat_details(words: Words, match: re.Match[str]) -> str:
    text = words.gettext(N_("accident details from a repeat report: %(changes)s")) % {
        "changes": _changes(words, match.group("changes"))
    }
    if match.group("kept"):
        text += words.gettext(N_("; not lowered or overwritten: %(kept)s")) % {
            "kept": _kept(words, match.group("kept"))
        }
    return text + _suggested(words, match)


def _repeat_kept(words: Words, match: re.Match[str]) -> str:
    return words.gettext(N_("accident details from a repeat report not applied: %(kept)s")) % {
        "kept": _kept(words, match.group("kept"))
    } + _suggested(words, match)


def _duplicate(words: Words, match: re.Match[str]) -> str:
    text = words.gettext(N_("another report of the same event: %(severity)s %(title)s")) % {
        "severity": words.label("severity", match.group("severity")),
        "title": match.group("title"),
    }
    if match.group("caller"):
        text += words.gettext(N_(" (caller %(caller)s)")) % {"caller": match.group("caller")}
    if match.group("description") is not None:
        text += words.gettext(N_(": ")) + match.group("description")
    return text


def _raised(words: Words, match: re.Match[str]) -> str:
    reason = (
        N_("by a new report")
        if match.group("reason") == "a new report"
        else N_("by its accident figures")
    )
    raised = N_("severity raised from %(before)s to %(after)s %(reason)s: plan %(plan)s")
    text = words.gettext(raised) % {
        "before": words.label("severity", match.group("before")),
        "after": words.label("severity", match.group("after")),
        "reason": words.gettext(reason),
        "plan": words.plan(match.group("plan")),
    }
    if match.group("step"):
        text += words.gettext(N_("; escalation goes on at step %(step)s, paging again now")) % {
            "step": match.group("step")
        }
    elif match.group("groups"):
        text += words.gettext(N_("; already acknowledged: telling %(groups)s now")) % {
            "groups": match.group("groups")
        }
    return text + words.gettext(N_("; reports due %(initial)s / %(written)s min after opening")) % {
        "initial": match.group("initial"),
        "written": match.group("written"),
    }


PHRASES: list[tuple[re.Pattern[str], Callable[[Words, re.Match[str]], str]]] = [
    (
        re.compile(
            rf"another report of the same event attached: (?P<severity>{_SEVERITY}) "
            r"(?P<title>.+?)(?: \(caller (?P<caller>[^()]*)\))?(?:: (?P<description>.*))?",
            re.S,
        ),
        _duplicate,
    ),
    (
        re.compile(
            rf"severity raised from (?P<before>{_SEVERITY}) to (?P<after>{_SEVERITY}) by "
            r"(?P<reason>a new report|its accident figures): plan (?P<plan>.+?)"
            r"(?:; escalation goes on at step (?P<step>\d+) under it, paging again now"
            r"|; already acknowledged: telling (?P<groups>.+) now)?"
            r"; reports due (?P<initial>\d+) / (?P<written>\d+) min after opening",
            re.S,
        ),
        _raised,
    ),
    (
        re.compile(
            r"accident details from a repeat report not applied: (?P<kept>.*?)" + _SUGGESTION,
            re.S,
        ),
        _repeat_kept,
    ),
    (
        re.compile(
            r"accident details from a repeat report: (?P<changes>.*?)"
            r"(?:; not lowered or overwritten: (?P<kept>.*?))?" + _SUGGESTION,
            re.S,
        ),
        _repeat_details,
    ),
    (re.compile(r"accident details: (?P<changes>.*?)" + _SUGGESTION, re.S), _details),
]


def localise(text: str, words: Words) -> str | None:
    """The stored text in the page's language, or None when it is none of these phrases."""
    for pattern, word in PHRASES:
        match = pattern.fullmatch(text)
        if match is not None:
            return word(words, match)
    return None
