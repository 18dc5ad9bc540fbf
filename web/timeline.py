"""An incident's timeline entries stored before keys existed, and a roster's broken wishes,
in the page's language.

The escalation package stores each timeline entry as a fixed English phrase with its values
("step 1 round 1 started (on duty: duty_officer): person 6"); newer entries also carry the
key of the phrase and its values and are worded by web/timeline_keyed, which falls back here
for an entry without them. The page recognises those phrases here and words them from the
catalogue, with people by name, skills by the names the
directory gives them and other codes by their labels; a text it does not recognise (a reply,
a note from an older version) is shown as stored. `person_ids(texts)` lists the people the
texts name, for the caller to look up.
The solver's texts about a roster as stored before they carried keys (scheduler/roster_soft.py:
"6 asked for day off on …"; newer ones are worded by web/roster_violations) and the note of
a version repaired before its reason was kept (web/roster_notes) are worded the same way by
`localise_roster`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from web import timeline_details
from web.i18n import N_
from web.plan_words import on_duty_name

Gettext = Callable[[str], str]
Label = Callable[[str, object], str]

_PERSON = re.compile(r"\bperson[ :](\d+)\b")


def person_ids(texts: Iterable[str]) -> set[int]:
    """The people named as "person N" in the texts."""
    return {int(m.group(1)) for text in texts for m in _PERSON.finditer(text)}


@dataclass(frozen=True)
class _Words:
    names: Mapping[int, str]
    gettext: Gettext
    label: Label
    shifts: Mapping[str, str] = field(default_factory=dict)
    skills: Mapping[str, str] = field(default_factory=dict)  # code → name in the page's language

    def person(self, text: str) -> str:
        match = re.fullmatch(r"person[ :](\d+)(?: \(outbox reply by (.+)\))?", text.strip())
        if match is None:
            return text
        if match.group(2) is None:
            return self.names.get(int(match.group(1)), text)
        name = self.names.get(int(match.group(1)), f"person:{match.group(1)}")
        return self.gettext(N_("%(person)s (outbox reply by %(user)s)")) % {
            "person": name,
            "user": match.group(2),
        }

    def people(self, text: str) -> str:
        if text == "groups only":
            return self.gettext(N_("groups only"))
        return self.gettext(N_(", ")).join(self.person(p) for p in text.split(", "))

    def target(self, text: str) -> str:
        on_duty = re.fullmatch(r"on duty: (\w+)(?:/(\w+))?", text)
        if on_duty:
            role, skill = on_duty.groups()
            name = on_duty_name(self.gettext, self.label, self.skills, role, skill)
            return self.gettext(N_("on duty: %(role)s")) % {"role": name}
        group = re.fullmatch(r"group (.+)", text)
        if group:
            return self.gettext(N_("group %(group)s")) % {"group": group.group(1)}
        return self.person(text)

    def targets(self, text: str) -> str:
        return self.gettext(N_(", ")).join(self.target(t) for t in text.split(", "))

    def plan(self, text: str) -> str:
        match = re.fullmatch(r"(\w+)-(I|II|III|IV)", text)
        if match is None:
            return text
        return self.gettext(N_("%(category)s, level %(level)s")) % {
            "category": self.label("category", match.group(1)),
            "level": match.group(2),
        }

    def kind(self, text: str) -> str:
        return self.label("notification_kind", text)

    def via(self, text: str) -> str:
        return self.label("ack_via", text)


def _report_rest(words: _Words, rest: str) -> str:
    """ ", made at 2026-12-06 10:30 +0800: summary (also recorded as the initial report) (TZ50
    Art. 10 items still missing: measures_taken)" of a report entry, worded."""
    match = re.fullmatch(
        r"(?:, made at (?P<at>\d{4}-\d\d-\d\d \d\d:\d\d) \S+)?(?:: (?P<summary>.*?))?"
        r"(?P<implied> \(also recorded as the initial report\))?"
        r"(?: \(TZ50 Art\. 10 items still missing: (?P<missing>[a-z_]+(?:, [a-z_]+)*)\))?",
        rest,
        re.S,
    )
    if match is None:
        return rest
    text = ""
    if match.group("at"):
        text += words.gettext(N_(", made at %(at)s")) % {"at": match.group("at")}
    if match.group("summary") is not None:
        text += words.gettext(N_(": ")) + match.group("summary")
    if match.group("implied"):
        text += words.gettext(N_(" (also recorded as the initial report)"))
    if match.group("missing"):
        items = [words.label("report_item", m) for m in match.group("missing").split(", ")]
        text += words.gettext(N_(" (report items still missing: %(items)s)")) % {
            "items": words.gettext(N_(", ")).join(items)
        }
    return text


#: (stored phrase, message id, how each named value is worded).
_PHRASES: list[tuple[str, str, dict[str, Callable[[_Words, str], str]]]] = [
    (
        r"opened: (?P<severity>I|II|III|IV) (?P<category>\w+) — plan (?P<plan>.+)",
        N_("%(severity)s, %(category)s — plan %(plan)s"),
        {
            "severity": lambda w, v: w.label("severity", v),
            "category": lambda w, v: w.label("category", v),
            "plan": _Words.plan,
        },
    ),
    (
        r"step (?P<step>\d+) round (?P<round>\d+) started \((?P<targets>.*)\): (?P<people>.*)",
        N_("step %(step)s round %(round)s started (%(targets)s): %(people)s"),
        {"targets": _Words.targets, "people": _Words.people},
    ),
    (
        r"step (?P<step>\d+): (?P<kind>sms|voice) to (?P<name>.+) \((?P<to>[^()]*)\)",
        N_("step %(step)s: %(kind)s to %(name)s (%(to)s)"),
        {"kind": _Words.kind},
    ),
    (r"broadcast to group (?P<group>.+)", N_("broadcast to group %(group)s"), {}),
    (
        r"step (?P<step>\d+): no acknowledgement, round (?P<round>\d+)",
        N_("step %(step)s: no acknowledgement, round %(round)s"),
        {},
    ),
    (
        r"step (?P<step>\d+): no acknowledgement, climbing",
        N_("step %(step)s: no acknowledgement, climbing to the next step"),
        {},
    ),
    (
        r"last step (?P<step>\d+): no acknowledgement, re-paging \(round (?P<round>\d+)\)",
        N_("last step %(step)s: no acknowledgement, paging again (round %(round)s)"),
        {},
    ),
    (
        r"step (?P<step>\d+) \((?P<targets>.*)\) resolved to nobody: climbing at once",
        N_("step %(step)s (%(targets)s) found nobody: climbing at once"),
        {"targets": _Words.targets},
    ),
    (
        r"step (?P<step>\d+) \((?P<targets>.*)\) resolved to nobody and is the last step: "
        r"trying again in (?P<minutes>\d+) min",
        N_("last step %(step)s (%(targets)s) found nobody: trying again in %(minutes)s min"),
        {"targets": _Words.targets},
    ),
    (
        r"acknowledged by (?P<who>.+) via (?P<via>\w+); escalation stopped",
        N_("acknowledged by %(who)s via %(via)s; escalation stopped"),
        {"who": _Words.person, "via": _Words.via},
    ),
    (
        r"acknowledged by (?P<who>person \d+) via (?P<via>\w+) at \S+",
        N_("acknowledged by %(who)s via %(via)s"),
        {"who": _Words.person, "via": _Words.via},
    ),
    (r"resolved by (?P<who>person \d+) at \S+", N_("resolved by %(who)s"), {"who": _Words.person}),
    (r"resolved by (?P<who>.+)", N_("resolved by %(who)s"), {"who": _Words.person}),
    (
        r"reply from (?P<number>\S+): (?P<said>.*) — refused: (?P<who>.+), not paged for this "
        r"incident; escalation continues",
        N_(
            "reply from %(number)s: %(said)s — refused: %(who)s was not paged for this "
            "incident; escalation continues"
        ),
        {
            "who": lambda w, v: (
                w.gettext(N_("an unknown sender")) if v == "an unknown sender" else w.person(v)
            )
        },
    ),
    (
        r"reply from (?P<number>\S+): (?P<said>.*) — already acknowledged by (?P<who>.+); "
        r"nothing changed",
        N_("reply from %(number)s: %(said)s — already acknowledged by %(who)s; nothing changed"),
        {"who": _Words.person},
    ),
    (
        r"reply from (?P<number>\S+): (?P<said>.*) — not understood; nothing changed",
        N_("reply from %(number)s: %(said)s — not understood; nothing changed"),
        {},
    ),
    (r"reply from (?P<number>\S+): (?P<said>.*)", N_("reply from %(number)s: %(said)s"), {}),
    (
        r"(?P<kind>initial|written|follow_up|final) report to (?P<to>.+?) by (?P<method>\w+)"
        r"(?P<rest>.*)",
        N_("%(kind)s to %(to)s by %(method)s%(rest)s"),
        {
            "kind": lambda w, v: w.label("superior_report_kind", v),
            "method": lambda w, v: w.label("report_method", v),
            "rest": lambda w, v: _report_rest(w, v),
        },
    ),
    (
        r"reopened by (?P<who>.+); escalation restarts at step 1",
        N_("reopened by %(who)s; escalation restarts at step 1"),
        {"who": _Words.person},
    ),
    (
        r"reopened at \S+: escalation restarts at step 1",
        N_("reopened: escalation restarts at step 1"),
        {},
    ),
    (r"(?P<who>.+) asked to escalate now", N_("%(who)s asked to escalate now"), {}),
    (
        r"escalated now from step (?P<step>\d+) \(press 2\)",
        N_("escalated now from step %(step)s"),
        {},
    ),
    (
        r"(?P<who>person \d+)'s own rules page nothing within the (?P<minutes>\d+) min of "
        r"step (?P<step>\d+)",
        N_("%(who)s's own rules send nothing within the %(minutes)s min of step %(step)s"),
        {"who": _Words.person},
    ),
    (
        r"policy (?P<plan>.+?): telling (?P<groups>.+) now",
        N_("severity raised, plan %(plan)s: telling %(groups)s now"),
        {"plan": _Words.plan},
    ),
    (
        r"policy (?P<plan>.+?): step (?P<step>\d+) restarts now",
        N_("severity raised, plan %(plan)s: step %(step)s restarts now"),
        {"plan": _Words.plan},
    ),
    (
        r"every step paged without acknowledgement; repeating the last step",
        N_("every step paged without acknowledgement; repeating the last step"),
        {},
    ),
    (
        r"(?P<kind>sms|voice|broadcast) to (?P<to>\S+) failed permanently: (?P<reason>.*)",
        N_("%(kind)s to %(to)s failed permanently: %(reason)s"),
        {"kind": _Words.kind},
    ),
    (
        r"trying (?P<kind>sms|voice) to next contact (?P<to>\S+)",
        N_("trying %(kind)s to the next contact %(to)s"),
        {"kind": _Words.kind},
    ),
    (
        r"no further contact method for (?P<name>person \d+)",
        N_("no further contact method for %(name)s"),
        {"name": _Words.person},
    ),
    (
        r"(?P<name>.+) has no contact method for (?P<kind>sms|voice)",
        N_("%(name)s has no contact method for %(kind)s"),
        {"kind": _Words.kind},
    ),
    (
        r"(?P<kind>sms|voice|broadcast) to (?P<to>\S+): (?P<code>\S+), retry in (?P<seconds>\S+) s",
        N_("%(kind)s to %(to)s: %(code)s, retry in %(seconds)s s"),
        {"kind": _Words.kind},
    ),
    (
        r"(?P<kind>sms|voice|broadcast) to (?P<to>\S+): (?P<status>[\w-]+)",
        N_("%(kind)s to %(to)s: %(status)s"),
        {"kind": _Words.kind, "status": lambda w, v: w.label("provider_status", v)},
    ),
]

_COMPILED = [(re.compile(pattern, re.S), message, words) for pattern, message, words in _PHRASES]


Phrases = list[tuple[re.Pattern[str], str, dict[str, Callable[[_Words, str], str]]]]


def localise(
    text: str,
    *,
    names: Mapping[int, str],
    gettext: Gettext,
    label: Label,
    skills: Mapping[str, str] | None = None,
) -> str:
    """The stored timeline `text` in the page's language, or as stored when not recognised;
    `skills` names the skills by code in the page's language (a code not in it is shown)."""
    words = _Words(names, gettext, label, skills=skills or {})
    shown = _find(_COMPILED, text, words)
    if shown is None:
        shown = timeline_details.localise(text, words)
    return text if shown is None else shown


def _match(phrases: Phrases, text: str, words: _Words) -> str:
    shown = _find(phrases, text, words)
    return text if shown is None else shown


def _find(phrases: Phrases, text: str, words: _Words) -> str | None:
    for pattern, message, how in phrases:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values = {
            key: how[key](words, value) if key in how else value
            for key, value in match.groupdict(default="").items()
        }
        return words.gettext(message) % values
    return None


def _shift(words: _Words, code: str) -> str:
    return words.shifts.get(code, code)


def _wish(words: _Words, what: str) -> str:
    if what == "day off":
        return words.gettext(N_("a day off"))
    if what == "to work":
        return words.gettext(N_("to work"))
    if what.startswith("no "):
        return words.gettext(N_("no %(shift)s shift")) % {"shift": _shift(words, what[3:])}
    return words.gettext(N_("the %(shift)s shift")) % {"shift": _shift(words, what)}


_ROSTER_PHRASES: list[tuple[str, str, dict[str, Callable[[_Words, str], str]]]] = [
    (
        r"(?P<who>\d+) asked for (?P<what>.+) on (?P<day>\d{4}-\d\d-\d\d)",
        N_("%(who)s asked for %(what)s on %(day)s"),
        {"who": lambda w, v: w.person(f"person {v}"), "what": _wish},
    ),
    (
        r"(?P<who>\d+) works alone on (?P<day>\S+) between days off",
        N_("%(who)s works a single day between days off on %(day)s"),
        {"who": lambda w, v: w.person(f"person {v}")},
    ),
    (
        r"(?P<who>\d+) has a single day off on (?P<day>\S+)",
        N_("%(who)s has a single day off on %(day)s"),
        {"who": lambda w, v: w.person(f"person {v}")},
    ),
    (
        r"(?P<who>\d+) removed from (?P<shift>\S+) on (?P<day>\S+)",
        N_("%(who)s taken off %(shift)s on %(day)s"),
        {"who": lambda w, v: w.person(f"person {v}"), "shift": _shift},
    ),
    (
        r"(?P<who>\d+) added to (?P<shift>\S+) on (?P<day>\S+)",
        N_("%(who)s put on %(shift)s on %(day)s"),
        {"who": lambda w, v: w.person(f"person {v}"), "shift": _shift},
    ),
    (
        r"(?P<day>\d{4}-\d\d-\d\d) (?P<shift>\S+)(?P<skill> \(\w+\))?: (?P<n>\d+) short of "
        r"preferred (?P<preferred>\d+)",
        N_("%(day)s %(shift)s%(skill)s: %(n)s short of the preferred %(preferred)s"),
        {"shift": _shift},
    ),
    (
        r"(?P<day>\d{4}-\d\d-\d\d) (?P<shift>\S+)(?P<skill> \(\w+\))?: (?P<n>\d+) over "
        r"preferred (?P<preferred>\d+)",
        N_("%(day)s %(shift)s%(skill)s: %(n)s more than the preferred %(preferred)s"),
        {"shift": _shift},
    ),
    (
        r"(?P<role>\w+): spread of (?P<n>\d+) between most and least \(incl\. year to date\)",
        N_("%(role)s: %(n)s between the most and the least (including the year to date)"),
        {"role": lambda w, v: w.label("shift_role", v)},
    ),
    (r"repair: (?P<reason>.*)", N_("repair: %(reason)s"), {}),
]

_ROSTER_COMPILED = [(re.compile(p, re.S), m, w) for p, m, w in _ROSTER_PHRASES]


def localise_roster(
    text: str,
    *,
    names: Mapping[int, str],
    shifts: Mapping[str, str],
    gettext: Gettext,
    label: Label,
) -> str:
    """A roster's stored English text (a broken wish's detail from the solver, the note of a
    repaired version) in the page's language, people and shifts by name."""
    return _match(_ROSTER_COMPILED, text, _Words(names, gettext, label, shifts))
