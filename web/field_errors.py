"""Field errors in the page's language.

The API's problem `errors` keep stable English `reason`s for machine clients, and carry
pydantic's error `type` with its `ctx` (limits, expected values). The page's script words
each error from these catalogues (`texts(locale)`, embedded in every page with the other
script texts): first a known reason (our validators' and services' own texts), then the
error type with its `%(name)s` placeholders filled from `ctx`, else the English reason.
"""

from __future__ import annotations

from core import phones
from core.errors import FieldError
from web.i18n import N_, gettext

#: Pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/).
TYPES: dict[str, str] = {
    "missing": N_("Required"),
    "string_type": N_("Enter text"),
    "string_too_short": N_("Too short: at least %(min_length)s characters"),
    "string_too_long": N_("Too long: at most %(max_length)s characters"),
    "string_pattern_mismatch": N_("Not in the expected format"),
    "int_type": N_("Enter a whole number"),
    "int_parsing": N_("Enter a whole number"),
    "int_from_float": N_("Enter a whole number"),
    "float_type": N_("Enter a number"),
    "float_parsing": N_("Enter a number"),
    "decimal_parsing": N_("Enter a number"),
    "finite_number": N_("Enter a number"),
    "bool_type": N_("Choose yes or no"),
    "bool_parsing": N_("Choose yes or no"),
    "greater_than": N_("Must be greater than %(gt)s"),
    "greater_than_equal": N_("Must be at least %(ge)s"),
    "less_than": N_("Must be less than %(lt)s"),
    "less_than_equal": N_("Must be at most %(le)s"),
    "enum": N_("Choose one of the offered values"),
    "literal_error": N_("Choose one of the offered values"),
    "date_type": N_("Enter a date"),
    "date_parsing": N_("Enter a date"),
    "date_from_datetime_parsing": N_("Enter a date"),
    "date_from_datetime_inexact": N_("Enter a date"),
    "datetime_type": N_("Enter a date and time"),
    "datetime_parsing": N_("Enter a date and time"),
    "datetime_from_date_parsing": N_("Enter a date and time"),
    "timezone_aware": N_("Enter a date and time"),
    "time_type": N_("Enter a time such as 08:30"),
    "time_parsing": N_("Enter a time such as 08:30"),
    "list_type": N_("Choose one or more values"),
    "too_short": N_("Choose at least %(min_length)s"),
    "too_long": N_("At most %(max_length)s entries"),
    "extra_forbidden": N_("Not expected here"),
    "model_type": N_("Not in the expected format"),
    "dict_type": N_("Not in the expected format"),
    "url_parsing": N_("Enter a web address"),
    "url_scheme": N_("Enter a web address"),
    # a period that would replace part of a published roster (oncall/rosters.py)
    "roster_partial_overlap": N_(
        "Published roster #%(roster)s (%(start)s – %(end)s) would be replaced for only part of "
        "its days, leaving the others with nobody: cover its whole period or none of it"
    ),
    # an override or a swap refused by the unit's hard rules (oncall/changes.check_takes)
    "rule_role": N_("%(person)s may not work the shift %(shift)s"),
    "rule_on_leave": N_("%(person)s is on leave on %(day)s"),
    "rule_one_shift_per_day": N_("%(person)s already works on %(day)s"),
    "rule_overlapping_shifts": N_(
        "%(person)s would work overlapping shifts on %(first)s and %(second)s"
    ),
    "rule_min_rest": N_(
        "%(person)s would have only %(hours)s h rest between %(first)s and %(second)s "
        "(at least %(minimum)s h)"
    ),
    "rule_forbidden_successions": N_(
        "%(person)s would work %(first_shift)s on %(first)s then %(second_shift)s on "
        "%(second)s, a forbidden succession"
    ),
    "rule_max_consecutive_days": N_(
        "%(person)s would work %(n)s days in a row from %(start)s (at most %(limit)s)"
    ),
    "rule_max_consecutive_nights": N_(
        "%(person)s would work %(n)s nights in a row from %(start)s (at most %(limit)s)"
    ),
    "rule_rest_day_per_7": N_("%(person)s would have no rest day from %(start)s to %(end)s"),
    "rule_min_consecutive_days_off": N_(
        "%(person)s would have only %(n)s days off from %(start)s to %(end)s (at least %(limit)s)"
    ),
    "rule_max_shifts_per_week": N_(
        "%(person)s would work %(n)s shifts in week %(week)s (at most %(limit)s)"
    ),
    "rule_max_hours_per_week": N_(
        "%(person)s would work %(n)s h in week %(week)s (at most %(limit)s)"
    ),
    "rule_max_shifts_per_period": N_(
        "%(person)s would work %(n)s shifts from %(start)s to %(end)s (at most %(limit)s)"
    ),
    "unknown_shift_code": N_("No shift type %(code)s in this unit"),
    # a person, unit, shift type or user named by id that is not there (or not active)
    "no_person": N_("Person #%(id)s does not exist or is archived: choose one from the list"),
    "no_unit": N_("Unit #%(id)s does not exist or is inactive: choose one from the list"),
    "no_shift_type": N_("Shift type #%(id)s does not exist: choose one from the list"),
    "no_user": N_("User #%(id)s does not exist: choose one from the list"),
    # a cover replacing someone who does not work that shift (oncall/changes.create_override)
    "not_in_slot": N_("%(person)s does not work the shift %(shift)s on %(day)s"),
    # an instant too far ahead in the duty log or a handover (oncall/dutylog.py)
    "too_far_ahead": N_("At most %(days)s day ahead of now"),
    "not_duty_staff": N_(
        "%(person)s is neither a member of %(unit)s nor of a section of the centre that staffs "
        "its duty"
    ),
    "unfinished_not_handed_over": N_(
        "%(n)s unfinished at the handover: list them under open items"
    ),
    "swap_no_shift": N_("%(person)s has no shift on %(day)s in this roster"),
    "rule_max_weekends": N_(
        "%(person)s would work on %(n)s weekends from %(start)s to %(end)s (at most %(limit)s)"
    ),
    # a wish for a day already past (oncall/wishes.py)
    "day_past": N_("%(day)s is already past: record wishes for today or a day to come"),
    # a stale draft's publication refused (oncall/publishing.py, oncall/roster_inputs.py)
    "stale_published": N_(
        "Version #%(roster)s v%(version)s (%(start)s – %(end)s) was published after this draft "
        "was generated, so this draft can no longer be published: generate again, or repair "
        "the published version"
    ),
    "stale_leave": N_(
        "This draft puts %(person)s on duty on %(day)s, during their leave (%(reason)s, "
        "%(start)s – %(end)s) recorded or changed after it was generated: generate again, or "
        "repair the published roster"
    ),
    "stale_inputs": N_(
        "The unit's shift types or rules changed since this draft was generated: generate it again"
    ),
    # an export of more items than it may hold (complaints.export.start)
    "export_too_large": N_(
        "%(total)s items match and one export holds at most %(limit)s: narrow the period or "
        "another filter"
    ),
    # a handling unit's group that no group webhook is configured for (complaints.config)
    "unknown_group": N_("Not a configured group: choose one of %(groups)s"),
    # an emergency plan's values (escalation.policy, escalation.plan_checks)
    "national_limit": N_("At most %(le)s minutes: the national limit"),
    # a person's own rules name one channel twice (escalation.policy.person_rules_from_list)
    "notify_kind_repeated": N_(
        "Already chosen above: choose the other way, or leave the minutes empty"
    ),
    "notify_rule_never_fires": N_(
        "Due after the step's wait of %(wait)s min has ended: it would never be sent"
    ),
    # demand lines that would overlap (oncall/demand.py); the line already there
    "demand_any_day_line": N_(
        "Line #%(line)s for any day of %(shift)s (minimum %(minimum)s, preferred "
        "%(preferred)s) already covers this day kind: change it, or split it by day kind"
    ),
    "demand_day_kind_lines": N_(
        "%(shift)s already has lines for single day kinds (#%(line)s: minimum %(minimum)s, "
        "preferred %(preferred)s): a line for any day would overlap them"
    ),
    # a rule set's 12345 steps outside the reply limit (complaints.config_checks.check_limits)
    "sign_for_after_reply": N_(
        "At most %(le)s working days: signing for cannot take longer than the 12345 reply limit"
    ),
    "return_after_reply": N_(
        "At most %(le)s working days: the return window cannot outlast the 12345 reply limit"
    ),
    "urgent_after_reply": N_(
        "At most %(le)s working days: urgent orders cannot get longer than the 12345 reply limit"
    ),
    # refusals of a complaint's intake and actions whose reason names values
    "result_required": N_("Give the result: what was done"),
    "consent_unrecorded": N_("Record whether they consent to mediation (Art. 18)"),
    "consent_refused": N_(
        "Mediation cannot start without their consent (Art. 18): terminate it as refused or "
        "absent (Art. 23) and tell the complainant of the other routes, or record their own "
        "settlement"
    ),
    "entrustment_unagreed": N_(
        "Entrusting mediation needs both parties' consent (Art. 19); without it the bureau "
        "mediates itself"
    ),
    "mediation_limit_running": N_(
        "The mediation limit runs until %(due_on)s (pauses excluded): not a ground before then"
    ),
    "after_receipt": N_("Must not be after the day the item was received (%(day)s)"),
    "ground_not_in_rule_set": N_("Not a ground under the rules in force when the item came in"),
    # a rule set that may not be deleted (complaints.config_checks.deletion_refusal)
    "used_by_items": N_("%(n)s items are timed by this rule set: it cannot be deleted"),
    "in_force_today": N_("This rule set is in force today: it cannot be deleted"),
    "only_rule_set_on": N_(
        "The only active rule set on %(day)s: items received then could not be timed"
    ),
    # a routing rule's district that is part of a known district's name (config_checks)
    "district_part_of": N_(
        "Only part of the name of %(districts)s: an address naming that district is read as "
        "it, so this rule would not match; write the district's whole name"
    ),
    # a rule set that would time days with items already received (config_checks)
    "items_keep_rule_set": N_(
        "%(n)s items received %(first)s – %(last)s are timed by %(code)s and keep it: date "
        "this rule set from %(next)s or later"
    ),
    "items_keep_this_rule_set": N_(
        "%(n)s items received from %(first)s are timed by this rule set and keep it: it must "
        "start on or before %(first)s"
    ),
    # a report to superiors dated before its incident (escalation.reporting)
    "before_incident_opened": N_("Must not be before the incident was opened (%(opened)s)"),
    "before_initial_report": N_("Must not be before the initial report (%(initial)s)"),
    "repeat_of_unknown": N_("There is no report %(ref)s"),
    "repeat_of_other_respondent": N_("%(ref)s reports another business: not a repeat"),
    "repeat_of_closed": N_("%(ref)s is closed: register the new facts as a new report"),
    # a report's period asked for on demand (complaints.report_periods.requested_period)
    "period_format": N_("Write a period such as %(example)s, or a date YYYY-MM-DD inside it"),
    "period_not_begun": N_(
        "%(period)s has not begun (today is %(today)s): report on a period that has ended, or "
        "on the running one as a preliminary report"
    ),
}

#: Our own validators' and services' reasons as the page words them (the API keeps the key).
REASONS: dict[str, str] = {
    "must be an E.164 number such as +8613800001234": N_(
        "Enter a phone number such as 13800001234 or +8613800001234"
    ),
    "not a valid mainland China mobile number (+86 1[3-9]xxxxxxxxx)": N_(
        "Enter a mainland mobile number such as 13800001234"
    ),
    phones.REASON: N_(
        "Enter a phone number: a mobile (13800001234), a landline with its area code "
        "(0531-86012345), +86… or a hotline number (12315)"
    ),
    "must not contain NUL characters": N_("Contains characters that are not allowed"),
    "must not be blank": N_("Required"),
    "must not be in the future": N_("Must not be in the future"),
    "end_date must not be before start_date": N_("Must not be before the first day"),
    "end_date is before start_date": N_("Must not be before the first day"),
    "start_date must not be after end_date": N_("Must not be after the last day"),
    "period_end must not be before period_start": N_("Must not be before the first day"),
    "must not be before start": N_("Must not be before the start"),
    "must be after start": N_("Must be after the start"),
    "the period ends before it starts": N_("Must not be before the start"),
    "a leave spans at most a year": N_("A leave spans at most a year"),
    "a roster period spans at most 62 days": N_("A roster period spans at most 62 days"),
    "the date range is limited to 90 days": N_("The date range is limited to 90 days"),
    "give a local wall-clock time without a zone, e.g. 08:30": N_("Enter a time such as 08:30"),
    "preferred must be at least minimum": N_("Must be at least the minimum"),
    "must not contain duplicates": N_("Each value may be chosen once"),
    "must differ from from_person_id": N_("Must be someone other than the person handing over"),
    "a swap needs two different people": N_("Choose someone other than the requester"),
    "swaps apply to a published roster": N_("Swaps apply to a published roster"),
    "the absence does not overlap the roster period": N_(
        "The absence does not overlap the roster period"
    ),
    "no such shift type in this unit": N_("No such shift type in this unit"),
    "must not be null": N_("Required"),
    "already exists": N_("Already used"),
    "is not your current password": N_("Not your current password"),
    "not a superior of the unit handling the item": N_(
        "Not a superior of the unit handling the item"
    ),
    "must differ from the current password": N_("Must differ from the current password"),
    "does not match the new password": N_("Does not match the new password"),
    "is already used": N_("Already used"),
    "you cannot deactivate your own account": N_(
        "You cannot deactivate your own account: another administrator must"
    ),
    "you cannot change your own role": N_(
        "You cannot change your own role: another administrator must"
    ),
    "the last active administrator stays one": N_(
        "The last active administrator: make another user an administrator first"
    ),
    "linked to another user": N_("Linked to another user: unlink it there first"),
    "at most 31 days at once": N_("At most 31 days at once"),
    "give the time to the minute, e.g. 08:30": N_("Enter a time such as 08:30"),
    "fixed while a published roster uses the shift type": N_(
        "Fixed while a published roster uses this shift type"
    ),
    "the unit's rules name it as the leader shift; change them first": N_(
        "The rules name it as the leader-on-duty shift: change them first"
    ),
    "the unit's rules name it in a forbidden succession; change them first": N_(
        "A forbidden succession in the rules names it: change them first"
    ),
    "the shift type is retired": N_("The shift type is retired"),
    "a line for this shift, day kind and skill already exists": N_(
        "A line for this shift, day kind and skill already exists"
    ),
    "minimum must not be above preferred": N_("Must not be above the preferred number"),
    "this unit does not take complaint items": N_("This unit does not take complaint items"),
    "a level override needs its domain": N_("A level override needs its domain"),
    "another active rule for this territory and domain has the same priority": N_(
        "Another active rule for this district and domain has the same priority: "
        "give one of them another priority"
    ),
    "active routing rules send items to this unit": N_(
        "Routing rules send items to this unit: change them first"
    ),
    "a domain term needs its domain": N_("A domain term needs its domain"),
    "no active rule set would be in force today": N_(
        "No active rule set would be in force today: items could not be registered"
    ),
    "only a domain term names a domain": N_("Only a domain term names a domain"),
    "only an emergency term names an incident category or severity": N_(
        "Only an emergency term names an incident category or severity"
    ),
    "the classifier splits texts at spaces and punctuation: this term never matches": N_(
        "Texts are split at spaces and punctuation, so this term would never match"
    ),
    "the unit has no shift types yet": N_("The unit has no shift types yet"),
    "a written report is not made by phone": N_("A written report is not made by phone"),
    "the facts are required": N_("Required"),
    "a 12345 order needs its order number": N_("A 12345 order needs its order number"),
    "a complaint needs the complainant's real name": N_("A complaint needs the real name"),
    "a complaint needs the complainant's phone": N_("A complaint needs a phone number"),
    "a complaint needs the complainant's address": N_("A complaint needs an address"),
    "a complaint needs the respondent's name": N_("A complaint needs the respondent's name"),
    "a complaint needs the respondent's address": N_("A complaint needs the respondent's address"),
    "a complaint needs a specific claim": N_("A complaint needs a specific claim"),
    "a complaint cannot be anonymous": N_("A complaint cannot be anonymous"),
    "a report needs the specific violation clue": N_("A report needs the specific clue"),
    "only a report (not a 12345 order) repeats a report": N_(
        "Only a report (not a 12345 order) repeats a report"
    ),
    "no open report by this reporter about this respondent: name the report the new facts "
    "supplement": N_(
        "No open report by this reporter about this business: name the report the new facts "
        "supplement"
    ),
    "hand over the violation clue found in mediation": N_(
        "Describe the violation clue found in mediation"
    ),
    "a platform merchant's platform is required": N_("Name the platform"),
    "a report's decision on a case records no consumer losses recovered": N_(
        "A report's decision records no consumer losses recovered"
    ),
    "a re-route needs a reason": N_("Give a reason"),
    "a return needs a reason": N_("Give a reason"),
    "a take-over needs a reason": N_("Give a reason"),
    "a termination needs its Art. 23 reason": N_("Give the Art. 23 reason"),
    "a rejection needs its Art. 16 ground": N_("Choose the Art. 16 ground"),
    "an extension needs the head's approval": N_("An extension needs the head's approval"),
    "name the unit to send the item to": N_("Choose the unit"),
    "name the superior unit that takes the item over": N_("Choose the superior unit"),
    "no routing rule matched: name the handling unit": N_(
        "No routing rule matched: choose the handling unit"
    ),
    "must not be before the initial report": N_("Must not be before the initial report"),
    "the testing period needs a start and an end": N_("Give the start and the end"),
    "the testing period ends before it starts": N_("Must not be before the start"),
    "the testing period starts before the item was received": N_(
        "Must not be before the item was received"
    ),
    "record a testing period once it has ended": N_("Record the period once it has ended"),
    "only a complaint has an agent or a group of complainants (O121 Arts. 11-12)": N_(
        "Only a complaint has an agent or a group of complainants"
    ),
    "the agent's details need the agent's name": N_("Give the agent's name"),
    "an agent needs a phone": N_("An agent needs a phone number"),
    "a day of receipt is given: mark it received": N_("Mark the power of attorney received"),
    "record the day the power of attorney was received": N_(
        "Give the day the power of attorney was received"
    ),
    "only a group complaint (group_size: 2 or more complainants) elects representatives "
    "(O121 Art. 12)": N_("Only a group complaint (2 or more complainants) elects representatives"),
    "a complaint filed by an agent is accepted only once the original power of attorney "
    "(授权委托书) is received (O121 Art. 11): record it first": N_(
        "An agent's complaint is accepted only once the original power of attorney is "
        "received: record it first"
    ),
    "a complaint filed by an agent is accepted only with the agent's own ID (O121 Art. 11): "
    "record its number first": N_(
        "An agent's complaint is accepted only with the agent's own ID: record its number first"
    ),
}

#: Texts the page's script needs to check typed values before it sends them.
CLIENT: dict[str, str] = {
    "cents": N_("Enter an amount in yuan with at most 2 decimals, e.g. 12.50"),
    "int": N_("Enter a whole number"),
    "float": N_("Enter a number"),
    "fields": N_("Please correct the marked fields: %(fields)s"),
}


def refusal_text(locale: str, error: FieldError) -> str | None:
    """`error` worded for an error page in `locale` when its type names the values that made
    it (`ctx`, numbers with thousands separators), else None."""
    if error.type not in TYPES or not error.ctx:
        return None
    values = {k: f"{v:,}" if isinstance(v, int) else v for k, v in error.ctx.items()}
    return gettext(locale, TYPES[error.type]) % values


def texts(locale: str) -> dict[str, dict[str, str]]:
    """The catalogues the page's script words field errors with, in `locale`."""
    return {
        "types": {key: gettext(locale, message) for key, message in TYPES.items()},
        "reasons": {key: gettext(locale, message) for key, message in REASONS.items()},
        "client": {key: gettext(locale, message) for key, message in CLIENT.items()},
    }
