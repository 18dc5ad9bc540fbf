"""Display names of a complaint's history events, supervision kinds and links, as message ids
(merged into `web.labels.LABELS`)."""

from __future__ import annotations

from web.i18n import N_

COMPLAINT_LABELS: dict[str, dict[str, str]] = {
    "supervision_kind": {
        "reminder": N_("Reminder"),
        "supervision": N_("Supervision"),
        "criticism": N_("Written criticism"),
    },
    "complaint_action": {
        "register": N_("Registered"),
        "classify": N_("Classification confirmed"),
        "emergency": N_("Emergency incident"),
        "remind": N_("Reminder sent"),
        "supervise": N_("Supervision (overdue)"),
        "criticise": N_("Written criticism (reminder ignored)"),
        "import": N_("Imported"),
        "distribute": N_("Distribute"),
        "sign_for": N_("Sign for"),
        "accept": N_("Accept"),
        "reject": N_("Do not accept"),
        "start_mediation": N_("Start mediation"),
        "suspend": N_("Suspend mediation"),
        "resume": N_("Resume mediation"),
        "record_testing": N_("Record a testing period"),
        "agree": N_("Mediation agreed"),
        "terminate": N_("Terminate mediation"),
        "close": N_("Close the item"),
        "return_to_intake": N_("Return to intake"),
        "reroute": N_("Re-route"),
        "file_case": N_("File a case"),
        "not_file": N_("Do not file a case"),
        "extend_verification": N_("Extend verification"),
        "reply": N_("Reply"),
        "extend_reply": N_("Extend the reply limit"),
        "convert_to_case": N_("Hand over a violation clue"),
        "converted": N_("Converted to a case"),
        "repeat": N_("Repeat report"),
        "repeated": N_("Reported again (same facts)"),
        "repeat_merged": N_("New facts merged"),
        "refer_to_police": N_("Refer to the police"),
        "take_over": N_("Take over"),
        "agent": N_("Agent or group recorded"),
    },
    "agent_field": {
        "agent_name": N_("agent's name"),
        "agent_phone": N_("agent's phone"),
        "agent_id_type": N_("agent's ID type"),
        "agent_id_number": N_("agent's ID number"),
        "agent_poa_received": N_("power of attorney"),
        "agent_poa_date": N_("date the power of attorney was received"),
        "group_size": N_("number of complainants"),
        "representatives": N_("representatives"),
    },
    "notice_unit": {"": N_("the intake office (not yet distributed)")},
    "link_relation": {
        "split": N_("Split from the same submission"),
        "clue_handed_over": N_("Clue handed over for verification"),
        "clue_from_mediation": N_("Clue found in the mediation of"),
        "repeat_of": N_("Repeats"),
        "repeated_by": N_("Repeated by"),
    },
}
