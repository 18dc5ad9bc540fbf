"""A complaint's system-written notes in the page's language.

New history entries and routing notes carry their parts (`complaints.notes`): each part's
key has a message id here, its arguments fill the message, and arguments that are codes
(domain, urgency, channel …) are shown by their label. Staff's own words (the part `text`)
are shown as typed. A row without parts (written before them, or by a staff member) shows
its stored text, with the codes it carries swapped for labels (`web.complaint_text`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from complaints import notes
from complaints.schemas import NotePart
from web import complaint_text
from web.i18n import N_

Label = Callable[[str, object], str]
Gettext = Callable[[str], str]

MESSAGES: dict[str, str] = {
    "route.rule": N_("%(district)s × %(domain)s → rule #%(rule)s (%(tier)s)"),
    "route.rule_unplaced": N_("district not recognised × %(domain)s → rule #%(rule)s (%(tier)s)"),
    "route.none": N_("%(district)s × %(domain)s: no routing rule matches, distribute by hand"),
    "route.none_unplaced": N_(
        "district not recognised × %(domain)s: no routing rule matches, distribute by hand"
    ),
    "route.manual": N_("Handling unit chosen by hand"),
    "route.clue": N_(
        "Clue found in mediation, verified by the handling unit (Art. 27, from %(ref)s)"
    ),
    "register.channel": N_("Registered from %(channel)s"),
    "register.split": N_("Split from the same submission as %(ref)s (Art. 9)"),
    "register.clue": N_(
        "Violation clue from the mediation of %(ref)s, handed over for verification (Art. 27)"
    ),
    "classify.domain": N_("Domain %(old)s → %(new)s"),
    "classify.manual_unit_kept": N_(
        "The handling unit was chosen by hand: not re-routed for the new domain"
    ),
    "classify.rerouted": N_("Re-routed for the new domain (rule #%(rule)s)"),
    "classify.unrouted": N_("No routing rule matches the new domain: distribute by hand"),
    "classify.urgency": N_("Urgency %(old)s → %(new)s"),
    "classify.incident_kept": N_(
        "Emergency incident #%(incident)s stays open: handle it in the incident"
    ),
    "classify.utility_on": N_("Water, power, gas or heating: no → yes"),
    "classify.utility_off": N_("Water, power, gas or heating: yes → no"),
    "classify.confirmed": N_("Classification confirmed"),
    "classify.clock_moved": N_(
        "%(clock)s limit %(old_limit)s %(old_unit)s → %(new_limit)s %(new_unit)s, "
        "due %(old_due)s → %(new_due)s"
    ),
    "action.unit": N_("Handling unit: %(unit)s"),
    "action.reroute_reason": N_("Reason for re-routing: %(reason)s"),
    "action.return_reason": N_("Reason for returning: %(reason)s"),
    "action.rejection_ground": N_("Ground for not accepting: %(ground)s"),
    "action.mediation_consent": N_("Complainant and respondent both agreed to mediation (Art. 18)"),
    "action.mediation_entrusted": N_(
        "Mediation entrusted to %(body)s with both parties' consent (Art. 19)"
    ),
    "action.pause_reason": N_("Reason for suspending: %(reason)s"),
    "action.mediation_extended": N_("Mediation limit extended by %(days)s days"),
    "action.testing": N_(
        "Testing period %(start)s to %(end)s does not count: limit extended by %(days)s days"
    ),
    "action.termination_reason": N_("Reason for terminating: %(reason)s"),
    "action.clue_converted": N_(
        "From a clue found in the mediation of %(ref)s: converted to a case"
    ),
    "action.clue_handed_over": N_(
        "Suspected violation found in mediation, handed over for verification: %(ref)s (Art. 27)"
    ),
    "action.verification_extended": N_("Verification limit extended, approved by %(approved_by)s"),
    "action.referred_to_police": N_("Referred to the police"),
    "action.take_over": N_("Taken over by the superior: %(reason)s"),
    "action.incident_open": N_(
        "Emergency incident #%(incident)s is still open: closing this item leaves it as it is"
    ),
    "converted.filed": N_("The clue handed over as %(ref)s led to a case (converted to a case)"),
    "emergency.merged": N_("Emergency: joined the open emergency incident #%(incident)s"),
    "emergency.opened": N_(
        "Emergency: emergency incident #%(incident)s opened (%(category)s, level %(severity)s)"
    ),
    "agent.changed": N_("Agent or group details changed: %(fields)s"),
    "agent.poa_received": N_("Power of attorney received (%(date)s)"),
    "agent.poa_missing": N_("Power of attorney not received"),
    "repeat.closed": N_(
        "Same reporter, same suspected violation: not handled again (Art. 35), see %(ref)s"
    ),
    "repeat.merged_into": N_(
        "Reported again with new facts: merged into %(ref)s, its time limit counts again from "
        "this report (Art. 35)"
    ),
    "repeat.repeated_by": N_("%(ref)s reports the same facts again: not handled again (Art. 35)"),
    "repeat.new_facts": N_("%(ref)s adds new facts: handled together (Art. 35)"),
    "repeat.clock_restarted": N_("verification limit counts again from %(date)s"),
    "repeat.facts_added": N_("a decision was already made: the facts are added"),
    "supervision.reminder": N_(
        "[DutyDesk] Reminder: %(ref)s “%(title)s”: %(what)s is due %(due)s; please handle it "
        "in time."
    ),
    "supervision.overdue": N_(
        "[DutyDesk] Supervision: %(ref)s “%(title)s”: %(what)s is overdue (due %(due)s); "
        "handling unit: %(unit)s; please see that it is handled and report back."
    ),
    "supervision.criticism": N_(
        "[DutyDesk] Written criticism: %(ref)s “%(title)s”: %(what)s is still outstanding "
        "after a reminder; handling unit: %(unit)s."
    ),
    "supervision.criticism_since": N_(
        "[DutyDesk] Written criticism: %(ref)s “%(title)s”: %(what)s is still outstanding "
        "after a reminder (reminded on %(since)s); handling unit: %(unit)s."
    ),
    "supervision.no_contact": N_("(no contact to notify: set up the handling unit's contacts)"),
    "import.row": N_("Imported: source %(source)s, number %(key)s, row %(row)s, batch %(batch)s"),
}


def render(
    text: str,
    parts: Sequence[NotePart] | None,
    *,
    gettext: Gettext,
    label: Label,
    incidents: Mapping[int, str] | None = None,
) -> str:
    """The note in the page's language: from its parts when it has them, else its text (also
    when a part's key is unknown here, so a page never shows half a note). A part names an
    incident by its row id; `incidents` gives the code the incident pages call it by."""
    if not parts or any(p.key != "text" and p.key not in MESSAGES for p in parts):
        return complaint_text.note(text, label=label)
    shown = ""
    for part in parts:
        text = _part(part, gettext=gettext, label=label, incidents=incidents or {})
        if not shown:
            shown = text
        elif part.key in notes.KEYS and notes.KEYS[part.key].attached:
            shown = gettext(N_("%(note)s %(addition)s")) % {"note": shown, "addition": text}
        else:
            shown = gettext(N_("; ")).join((shown, text))
    return shown


def _part(part: NotePart, *, gettext: Gettext, label: Label, incidents: Mapping[int, str]) -> str:
    if part.key == "text":
        return str(part.args.get("text", ""))
    kinds = notes.KEYS[part.key].labels
    args = {
        name: _shown(value, kinds.get(name), gettext=gettext, label=label)
        for name, value in part.args.items()
    }
    incident = part.args.get("incident")
    if isinstance(incident, int) and incident in incidents:
        args["incident"] = incidents[incident]
    return gettext(MESSAGES[part.key]) % args


def _shown(
    value: str | int | list[str], kind: str | None, *, gettext: Gettext, label: Label
) -> str:
    """An argument as the page shows it: a code by its label, a list of codes joined."""
    if isinstance(value, list):
        return gettext(N_(", ")).join(_shown(v, kind, gettext=gettext, label=label) for v in value)
    return label(kind, value) if kind is not None else str(value)
