"""Why no roster satisfies the hard rules, in the page's language.

The solver explains an infeasible month in fixed English phrases with their values
(scheduler/roster_explain.py: "2027-02-06 leader needs 1 leader (带班领导), only 0 available
(王建国 春节休假, …)"). The roster page recognises those phrases here and words them from the
catalogue, shifts by name and rules by their labels; a phrase it does not recognise is shown
as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from web.i18n import N_

Gettext = Callable[[str], str]
Label = Callable[[str, object], str]
Words = Callable[[str], str]

_DAY = r"\d{4}-\d\d-\d\d"


def _phrases(
    shift: Words, rule: Words, absent: Words, gettext: Gettext, skills: Mapping[str, str]
) -> list[tuple[str, str, dict[str, Words]]]:
    def scope(text: str, of: str) -> str:
        code = text.removeprefix(of)
        return gettext(N_(" of shift %(shift)s")) % {"shift": shift(code)} if code else ""

    def span(text: str) -> str:
        period = re.fullmatch(rf"the period ({_DAY})\.\.({_DAY})", text)
        if period:
            return gettext(N_("the period %(start)s to %(end)s")) % {
                "start": period.group(1),
                "end": period.group(2),
            }
        return gettext(N_("the week of %(day)s")) % {"day": text.removeprefix("the week of ")}

    def what(text: str) -> str:
        cover = re.fullmatch(rf"({_DAY}) (\S+): at least (\d+)(?: (\w+))?", text)
        if cover:
            day, code, n, skill = cover.groups()
            message = N_("%(day)s %(shift)s: at least %(n)s (%(skill)s)") if skill else None
            return gettext(message or N_("%(day)s %(shift)s: at least %(n)s")) % {
                "day": day,
                "shift": shift(code),
                "n": n,
                "skill": skill and skills.get(skill, skill),
            }
        fixed = re.fullmatch(rf"(.+) fixed to (.+) on ({_DAY})", text)
        if fixed:
            who, code, day = fixed.groups()
            worked = gettext(N_("a day off")) if code == "day off" else shift(code)
            return gettext(N_("%(who)s fixed to %(shift)s on %(day)s")) % {
                "who": who,
                "shift": worked,
                "day": day,
            }
        ruled = re.fullmatch(rf"(.+?) for (.+?)(?: \(week of ({_DAY})\))?", text)
        if ruled:
            name, who, week = ruled.groups()
            message = N_("%(rule)s for %(who)s (week of %(day)s)") if week else None
            return gettext(message or N_("%(rule)s for %(who)s")) % {
                "rule": rule(name.replace(" ", "_")),
                "who": who,
                "day": week,
            }
        return text

    available = r", only (?P<available>\d+) available(?: \((?P<absent>.*)\))?"
    return [
        (
            rf"(?P<day>{_DAY}) (?P<shift>\S+) needs (?P<n>\d+) leader \(带班领导\){available}",
            N_(
                "%(day)s %(shift)s needs %(n)s leader on duty, only %(available)s "
                "available%(absent)s"
            ),
            {"shift": shift, "absent": absent},
        ),
        (
            rf"(?P<day>{_DAY}) (?P<shift>\S+) needs (?P<n>\d+) (?P<skill>\w+) (?:person|people)"
            + available,
            N_(
                "%(day)s %(shift)s needs %(n)s people with %(skill)s, only %(available)s "
                "available%(absent)s"
            ),
            {"shift": shift, "absent": absent, "skill": lambda code: skills.get(code, code)},
        ),
        (
            rf"(?P<day>{_DAY}) (?P<shift>\S+) needs (?P<n>\d+) (?:person|people){available}",
            N_("%(day)s %(shift)s needs %(n)s people, only %(available)s available%(absent)s"),
            {"shift": shift, "absent": absent},
        ),
        (
            rf"(?P<day>{_DAY}) needs (?P<n>\d+) people across all shifts, only (?P<available>\d+)"
            r" available",
            N_("%(day)s needs %(n)s people across all shifts, only %(available)s available"),
            {},
        ),
        (
            r"(?P<span>.+?) needs (?P<need>\d+) shifts(?P<scope>(?: of shift \S+)?) to meet the "
            r"minimums, but the eligible people can work at most (?P<can>\d+) with "
            r"(?P<rule>[a-z ]+?) (?P<limit>\d+) \((?P<short>\d+) shifts short\)",
            N_(
                "%(span)s needs %(need)s shifts%(scope)s to meet the minimums, but the eligible "
                "people can work at most %(can)s with %(rule)s %(limit)s (%(short)s shifts short)"
            ),
            {
                "span": span,
                "scope": lambda text: scope(text, " of shift "),
                "rule": lambda text: rule(text.replace(" ", "_")),
            },
        ),
        (
            r"(?P<span>.+?) needs (?P<need>[\d.]+) hours(?P<scope>(?: on shift \S+)?) to meet the "
            r"minimums, but the eligible people can work at most (?P<can>[\d.]+) within their "
            r"weekly hours cap \((?P<short>[\d.]+) hours short\)",
            N_(
                "%(span)s needs %(need)s hours%(scope)s to meet the minimums, but the eligible "
                "people can work at most %(can)s within their weekly hours cap (%(short)s hours "
                "short)"
            ),
            {"span": span, "scope": lambda text: scope(text, " on shift ")},
        ),
        (
            r"(?P<what>.+) — cannot be met together with the other items listed",
            N_("%(what)s — cannot be met together with the other items listed"),
            {"what": what},
        ),
        (
            r"the rules could not be proven contradictory within the time limit",
            N_("the rules could not be proven contradictory within the time limit"),
            {},
        ),
    ]


def localise_explanation(
    text: str,
    *,
    shifts: Mapping[str, str],
    gettext: Gettext,
    label: Label,
    skills: Mapping[str, str] | None = None,
) -> str:
    """One line of the solver's explanation of an infeasible roster in the page's language;
    `skills`: the skills' names by code."""
    skills = skills or {}

    def shift(code: str) -> str:
        return shifts.get(code, code)

    def rule(name: str) -> str:
        return label("hard_rule", name)

    def absent(text: str) -> str:
        if not text:
            return ""
        worded = []
        for item in text.split(", "):  # "<name> <leave reason, or why they cannot>"
            item = re.sub(r" leave$", " " + gettext(N_("on leave")), item)
            item = item.replace(" fixed day off", " " + gettext(N_("fixed day off")))
            fixed = re.fullmatch(r"(.+) fixed on (\S+)", item)
            if fixed:
                item = gettext(N_("%(who)s fixed on %(shift)s")) % {
                    "who": fixed.group(1),
                    "shift": shift(fixed.group(2)),
                }
            worded.append(item)
        return gettext(N_(" (%(absent)s)")) % {"absent": gettext(N_(", ")).join(worded)}

    for pattern, message, how in _phrases(shift, rule, absent, gettext, skills):
        match = re.fullmatch(pattern, text, re.S)
        if match is None:
            continue
        values = {
            key: how[key](value) if key in how else value
            for key, value in match.groupdict(default="").items()
        }
        return gettext(message) % values
    return text
