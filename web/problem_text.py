"""Problems (RFC 9457 `detail`s) in the page's language.

The API's `detail`s are English sentences for machine clients and logs; a page words them in
its own language: a known sentence as such ("the unit still has sub-units"), "<thing> <id> not
found" with the thing translated, else a sentence for the problem's `code`, else for its
status. The English page keeps the original detail when nothing better is known, since it is
already in its language and says more than a generic sentence. The page's script gets the
same catalogues (`texts(locale)`) for the problems its forms and buttons receive.
"""

from __future__ import annotations

import re

from web.i18n import N_, gettext

ENGLISH = "en"

#: Whole details our services raise that a page's forms and buttons can meet.
DETAILS: dict[str, str] = {
    "the unit still has people; move or archive them, or deactivate the unit": N_(
        "The unit still has people: move or archive them, or deactivate the unit"
    ),
    "the unit still has sub-units": N_("The unit still has sub-units"),
    "the roster changed since the swap was requested": N_(
        "The roster changed since the swap was requested"
    ),
    "repairs start from the published roster": N_("Repairs start from the published roster"),
    "the unit's shift types or hard rules changed since this draft was generated: "
    "generate it again": N_(
        "The unit's shift types or rules changed since this draft was generated: generate it again"
    ),
    "a closed item's classification can no longer change": N_(
        "A closed item's classification can no longer change"
    ),
    "this clue was already handed over for verification": N_(
        "This clue was already handed over for verification"
    ),
    "verification was already extended once (+15 working days at most)": N_(
        "Verification was already extended once (by 15 working days at most)"
    ),
    "the reply limit was already extended once": N_("The reply limit was already extended once"),
    "this rule set allows no extension": N_("The rules allow no extension"),
    "the incident is resolved: put what follows in the final report": N_(
        "The incident is resolved: put what follows in the final report"
    ),
    # a report to superiors out of turn (escalation.reporting)
    "record the initial report before a follow_up report": N_("Record the initial report first"),
    "record the initial report before a final report": N_("Record the initial report first"),
    "the initial report is already on record; add a follow-up report": N_(
        "The initial report is already on record: record a follow-up report"
    ),
    "the written report is already on record; add a follow-up report": N_(
        "The written report is already on record: record a follow-up report"
    ),
    "the final report is already on record; add a follow-up report": N_(
        "The final report is already on record: record a follow-up report"
    ),
    "the change conflicts with existing data": N_(
        "The change conflicts with a record saved in the meantime: reload the page and try again"
    ),
}

#: The things of "<thing> <id> not found".
THINGS: dict[str, str] = {
    "complaint": N_("Complaint"),
    "roster": N_("Roster"),
    "incident": N_("Incident"),
    "person": N_("Person"),
    "unit": N_("Unit"),
    "user": N_("User"),
    "report": N_("Analysis report"),
    "warning": N_("Warning"),
    "handover": N_("Handover"),
    "duty-log entry": N_("Duty-log entry"),
    "swap request": N_("Swap request"),
    "override": N_("Override"),
    "shift type": N_("Shift type"),
    "leave": N_("Leave"),
    "notification": N_("Notification"),
    "cluster": N_("Cluster"),
    "rule set": N_("Rule set"),
    "routing rule": N_("Routing rule"),
    "term": N_("Term"),
    "feed": N_("Calendar feed"),
}
NOT_FOUND = re.compile(r"^(?P<thing>[a-z][a-z -]*?) (?P<id>'[^']*'|\d+) not found$")
NOT_FOUND_TEXT = N_("%(thing)s %(id)s does not exist or was removed")

#: A sentence per problem code (api/problems.py, core/errors.py and their subclasses).
CODES: dict[str, str] = {
    "not_found": N_("What you asked for does not exist or was removed"),
    "conflict": N_("This cannot be done in the record's present state: reload the page"),
    "concurrent_change": N_(
        "Someone else changed the same records at the same moment; nothing was saved: try again"
    ),
    "edited_elsewhere": N_(
        "Someone else saved this after you opened the page: reload the page to see their "
        "change, then make yours again"
    ),
    "forbidden": N_("Your role may not do this"),
    "plan_needed": N_(
        "Refused: some kind of incident would then have no plan. Keep an active plan of its "
        "category, or of Other, at its level or a more severe one"
    ),
    "csrf_failed": N_(
        "The form was sent without a valid security token. Reload the page and try again."
    ),
    "stale_draft": N_("This draft is out of date and cannot be published: generate it again"),
    "validation_failed": N_("Please correct the marked fields"),
    "invalid_data": N_("A value is out of range or malformed"),
    "infeasible": N_("No roster satisfies the hard rules"),
    "too_many_attempts": N_("Too many failed attempts; try again later"),
    "database_unavailable": N_("The database is not available; try again shortly"),
    "unauthenticated": N_("Your session has ended; please sign in again"),
    "nul_character": N_("The address contains a character that is not allowed"),
}
STATUSES: dict[int, str] = {
    403: CODES["forbidden"],
    404: CODES["not_found"],
    409: CODES["conflict"],
    412: CODES["edited_elsewhere"],
    422: CODES["validation_failed"],
}
FALLBACK = N_("The request failed")


def describe(locale: str, *, status: int, code: str, detail: str) -> str:
    """`detail` of a problem worded for a page in `locale`."""
    if detail in DETAILS:
        return gettext(locale, DETAILS[detail])
    match = NOT_FOUND.match(detail)
    if match and match["thing"] in THINGS:
        thing = gettext(locale, THINGS[match["thing"]])
        return gettext(locale, NOT_FOUND_TEXT) % {"thing": thing, "id": match["id"]}
    if locale == ENGLISH and detail:
        return detail
    message = CODES.get(code) or STATUSES.get(status) or FALLBACK
    return gettext(locale, message)


def texts(locale: str) -> dict[str, object]:
    """The catalogues the page's script words problems with, in `locale`: whole details, the
    codes' sentences, and whether an unknown detail may be shown as it is (English)."""
    return {
        "details": {key: gettext(locale, message) for key, message in DETAILS.items()},
        "codes": {key: gettext(locale, message) for key, message in CODES.items()},
        "keep_detail": locale == ENGLISH,
    }
