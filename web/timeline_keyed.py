"""An incident's timeline entry worded from the key of its phrase and the values it says.

Each entry carries them beside its English text (escalation/timeline_keys.py, ``KEYS``;
those stored before keys existed were given theirs by migration 0029). Here each key is
worded from the catalogue, one small function per key (those of an opening, accident details
and reports in web/timeline_keyed_records.py): people by name, skills by the directory's
names, roles, groups, channels and report kinds by their labels, times in the centre's zone.
An entry stored as English text only (key `note`: an old text migration 0029 matched no
phrase of; or key NULL) is read by web/timeline_old_texts.py where its text has a fixed shape;
one of another shape, or an entry whose key or values this module does not know (written by a
newer version), is shown as stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from escalation.timeline_keys import KEYS
from web import timeline_keyed_records as records
from web import timeline_old_texts
from web.i18n import N_
from web.keyed_phrases import Values, phrase_of
from web.timeline_words import Gettext, Label, Words

# ---- the escalation engine ----------------------------------------------------------------


def _step_started(w: Words, v: Values) -> str:
    people = w.join(w.person(p) for p in v["people"]) or w.gettext(N_("groups only"))
    return w(
        N_("step %(step)s round %(round)s started (%(targets)s): %(people)s"),
        step=v["step"],
        round=v["round"],
        targets=w.targets(v["targets"]),
        people=people,
    )


def _own_rules_silent(w: Words, v: Values) -> str:
    message = N_("%(who)s's own rules send nothing within the %(minutes)s min of step %(step)s")
    return w(message, who=w.person(v["person"]), minutes=v["minutes"], step=v["step"])


def _step_repeat(w: Words, v: Values) -> str:
    message = N_("step %(step)s: no acknowledgement, round %(round)s")
    return w(message, step=v["step"], round=v["round"])


def _step_climbing(w: Words, v: Values) -> str:
    return w(N_("step %(step)s: no acknowledgement, climbing to the next step"), step=v["step"])


def _last_step_repeat(w: Words, v: Values) -> str:
    message = N_("last step %(step)s: no acknowledgement, paging again (round %(round)s)")
    return w(message, step=v["step"], round=v["round"])


def _step_nobody(w: Words, v: Values) -> str:
    message = N_("step %(step)s (%(targets)s) found nobody: climbing at once")
    return w(message, step=v["step"], targets=w.targets(v["targets"]))


def _last_step_nobody(w: Words, v: Values) -> str:
    message = N_("last step %(step)s (%(targets)s) found nobody: trying again in %(minutes)s min")
    return w(message, step=v["step"], targets=w.targets(v["targets"]), minutes=v["minutes"])


def _escalated_now(w: Words, v: Values) -> str:
    return w(N_("escalated now from step %(step)s"), step=v["step"])


def _person_acknowledged(w: Words, v: Values) -> str:
    message = N_("acknowledged by %(who)s via %(via)s")
    return w(message, who=w.person(v["person"]), via=w.label("ack_via", v["via"]))


def _person_resolved(w: Words, v: Values) -> str:
    return w(N_("resolved by %(who)s"), who=w.person(v["person"]))


def _restarted(w: Words, _v: Values) -> str:
    return w.gettext(N_("reopened: escalation restarts at step 1"))


def _raise_telling(w: Words, v: Values) -> str:
    message = N_("severity raised, plan %(plan)s: telling %(groups)s now")
    return w(message, plan=w.plan(v["plan"]), groups=w.join(w.group(g) for g in v["groups"]))


def _raise_restarts(w: Words, v: Values) -> str:
    message = N_("severity raised, plan %(plan)s: step %(step)s restarts now")
    return w(message, plan=w.plan(v["plan"]), step=v["step"])


# ---- pages and their delivery -------------------------------------------------------------


def _broadcast(w: Words, v: Values) -> str:
    return w(N_("to %(group)s"), group=w.group(v["group"]))


def _exhausted(w: Words, _v: Values) -> str:
    return w.gettext(N_("every step paged without acknowledgement; repeating the last step"))


def _paged(w: Words, v: Values) -> str:
    message = N_("step %(step)s: %(kind)s to %(name)s (%(to)s)")
    return w(
        message, step=v["step"], kind=w.kind(v["kind"]), name=w.person(v["person"]), to=v["to"]
    )


def _no_contact_method(w: Words, v: Values) -> str:
    message = N_("%(name)s has no contact method for %(kind)s")
    return w(message, name=w.person(v["person"]), kind=w.kind(v["kind"]))


def _retry(w: Words, v: Values) -> str:
    message = N_("%(kind)s to %(to)s: %(code)s, retry in %(seconds)s s")
    return w(message, kind=w.kind(v["kind"]), to=v["to"], code=v["code"], seconds=v["seconds"])


def _delivery_failed(w: Words, v: Values) -> str:
    message = N_("%(kind)s to %(to)s failed permanently: %(reason)s")
    return w(message, kind=w.kind(v["kind"]), to=v["to"], reason=v["reason"])


def _fallback(w: Words, v: Values) -> str:
    return w(N_("trying %(kind)s to the next contact %(to)s"), kind=w.kind(v["kind"]), to=v["to"])


def _no_further_contact(w: Words, v: Values) -> str:
    return w(N_("no further contact method for %(name)s"), name=w.person(v["person"]))


def _delivery_status(w: Words, v: Values) -> str:
    status = w.label("provider_status", v["status"])
    return w(
        N_("%(kind)s to %(to)s: %(status)s"), kind=w.kind(v["kind"]), to=v["to"], status=status
    )


# ---- people acting, replies and key presses -------------------------------------------------


def _acknowledged(w: Words, v: Values) -> str:
    message = N_("by %(who)s via %(via)s; escalation stopped")
    return w(message, who=w.who(v), via=w.label("ack_via", v["via"]))


def _resolved(w: Words, v: Values) -> str:
    return w(N_("by %(who)s"), who=w.who(v))


def _reopened(w: Words, v: Values) -> str:
    text = w(N_("by %(who)s; escalation restarts at step 1"), who=w.who(v))
    if v["new_code"]:
        message = N_("; its code %(old)s is now another incident's, new code %(new)s")
        text += w(message, old=v["old_code"], new=v["new_code"])
    return text


def _escalate_requested(w: Words, v: Values) -> str:
    return w(N_("%(who)s asked to escalate now"), who=w.who(v))


def _reply(w: Words, v: Values) -> str:
    return w(N_("from %(number)s: %(said)s"), number=v["number"], said=v["said"])


def _reply_refused(w: Words, v: Values) -> str:
    message = N_(
        "from %(number)s: %(said)s — refused: %(who)s was not paged for this "
        "incident; escalation continues"
    )
    sender = v["person"]
    who = w.person(sender) if sender is not None else w.gettext(N_("an unknown sender"))
    return w(message, number=v["number"], said=v["said"], who=who)


def _reply_already_acknowledged(w: Words, v: Values) -> str:
    message = N_("from %(number)s: %(said)s — already acknowledged by %(who)s; nothing changed")
    return w(message, number=v["number"], said=v["said"], who=w.actor(v["acknowledged_by"]))


def _reply_not_understood(w: Words, v: Values) -> str:
    message = N_("from %(number)s: %(said)s — not understood; nothing changed")
    return w(message, number=v["number"], said=v["said"])


def _key_press(w: Words, v: Values) -> str:
    digits = v["digits"] or w.gettext(N_("(none)"))
    if v["outcome"] == "already_acknowledged":
        message = N_(
            "%(digits)s on the call to %(to)s — already acknowledged by %(who)s; nothing changed"
        )
        return w(message, digits=digits, to=v["to"], who=w.actor(v["acknowledged_by"]))
    if v["outcome"] == "resolved":
        message = N_(
            "%(digits)s on the call to %(to)s — the incident is already resolved; nothing changed"
        )
    else:
        message = N_("%(digits)s on the call to %(to)s — not understood; nothing changed")
    return w(message, digits=digits, to=v["to"])


def _note(_w: Words, v: Values) -> str:
    return str(v["text"])


PHRASES: dict[str, Callable[[Words, Values], str]] = records.PHRASES | {
    "step_started": _step_started,
    "own_rules_silent": _own_rules_silent,
    "step_repeat": _step_repeat,
    "step_climbing": _step_climbing,
    "last_step_repeat": _last_step_repeat,
    "step_nobody": _step_nobody,
    "last_step_nobody": _last_step_nobody,
    "escalated_now": _escalated_now,
    "person_acknowledged": _person_acknowledged,
    "person_resolved": _person_resolved,
    "restarted": _restarted,
    "raise_telling": _raise_telling,
    "raise_restarts": _raise_restarts,
    "broadcast": _broadcast,
    "exhausted": _exhausted,
    "paged": _paged,
    "no_contact_method": _no_contact_method,
    "retry": _retry,
    "delivery_failed": _delivery_failed,
    "fallback": _fallback,
    "no_further_contact": _no_further_contact,
    "delivery_status": _delivery_status,
    "acknowledged": _acknowledged,
    "resolved": _resolved,
    "reopened": _reopened,
    "escalate_requested": _escalate_requested,
    "reply": _reply,
    "reply_refused": _reply_refused,
    "reply_already_acknowledged": _reply_already_acknowledged,
    "reply_not_understood": _reply_not_understood,
    "key_press": _key_press,
    "note": _note,
}


def localise_event(
    event: Mapping[str, Any],
    *,
    names: Mapping[int, str],
    gettext: Gettext,
    label: Label,
    tz: ZoneInfo,
    skills: Mapping[str, str] | None = None,
    actors: Mapping[str, str] | None = None,
) -> str:
    """One timeline entry (`text`, `key`, `values`, as the API returns it) in the page's
    language, users named by `actors` (web.actor_labels.names_of); one this module cannot
    word as its stored text."""
    found = phrase_of(timeline_old_texts.keyed(event), PHRASES, KEYS)
    if found is None:
        return str(event.get("text", ""))
    phrase, values = found
    return phrase(Words(gettext, label, names, skills or {}, tz, actors or {}), values)


def person_ids(events: Iterable[Mapping[str, Any]]) -> set[int]:
    """The people the entries' values name (or their old English text, read as `localise_event`
    reads it), for the caller to look up."""
    found: set[int] = set()
    for event in events:
        values = timeline_old_texts.keyed(event).get("values") or {}
        found.update(p for p in [values.get("person")] if isinstance(p, int))
        found.update(p for p in values.get("people") or () if isinstance(p, int))
        for actor in (values.get("by"), values.get("acknowledged_by")):  # "person:6"
            head, _, tail = str(actor).partition(":")
            found.update([int(tail)] if head == "person" and tail.isdigit() else [])
        for target in values.get("targets") or ():
            if isinstance(target, Mapping) and isinstance(target.get("person_id"), int):
                found.add(target["person_id"])
    return found
