"""The agent and group rules (O121 Arts. 11-12) and their masking, table-driven."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaints import agents
from complaints.models import Complaint
from complaints.vocab import ItemType

TODAY = date(2026, 11, 23)
AGENT = {"agent_name": "王律师", "agent_phone": "13912345678"}


@pytest.mark.parametrize(
    ("values", "item_type", "fields"),
    [
        ({}, ItemType.complaint, []),
        (AGENT, ItemType.complaint, []),
        ({**AGENT, "agent_poa_received": True, "agent_poa_date": TODAY}, ItemType.complaint, []),
        ({**AGENT, "agent_poa_received": True}, ItemType.complaint, ["agent_poa_date"]),
        ({**AGENT, "agent_poa_date": TODAY}, ItemType.complaint, ["agent_poa_received"]),
        (
            {**AGENT, "agent_poa_received": True, "agent_poa_date": date(2026, 11, 24)},
            ItemType.complaint,
            ["agent_poa_date"],
        ),
        ({"agent_id_number": "110101198001015678"}, ItemType.complaint, ["agent_name"]),
        ({"agent_name": "王律师"}, ItemType.complaint, ["agent_phone"]),
        (
            {"representatives": [{"name": "赵一", "phone": "137"}]},
            ItemType.complaint,
            ["representatives"],
        ),
        (
            {"group_size": 3, "representatives": [{"name": "赵一", "phone": "137"}]},
            ItemType.complaint,
            [],
        ),
        ({**AGENT, "group_size": 3}, ItemType.report, ["agent_name", "agent_phone", "group_size"]),
        ({"agent_poa_received": False, "representatives": []}, ItemType.help, []),
    ],
)
def test_problems(values: dict[str, Any], item_type: ItemType, fields: list[str]) -> None:
    found = agents.problems(values, item_type=item_type, today=TODAY)
    assert [e.field for e in found] == fields


@pytest.mark.parametrize(
    ("item", "fields"),
    [
        (Complaint(), []),
        (Complaint(agent_name="王律师"), ["agent_poa_received", "agent_id_number"]),
        (Complaint(agent_name="王律师", agent_id_number="110101"), ["agent_poa_received"]),
        (Complaint(agent_name="王律师", agent_poa_received=True), ["agent_id_number"]),
        (Complaint(agent_name="王律师", agent_poa_received=True, agent_id_number="110101"), []),
    ],
)
def test_accept_blockers(item: Complaint, fields: list[str]) -> None:
    assert [e.field for e in agents.accept_blockers(item)] == fields


def test_stored_in_two_slots_and_shown_masked() -> None:
    item = Complaint(**AGENT, agent_id_number="110101198001015678", group_size=4)
    agents.apply(item, {"representatives": [{"name": "赵一", "phone": "13700000001"}]})
    assert (item.representative1_name, item.representative2_name) == ("赵一", "")
    assert agents.values_of(item)["representatives"] == [
        {"name": "赵一", "phone": "+8613700000001"}
    ]
    listed = agents.shown(item)
    assert listed["agent_phone"] == "139****5678" and listed["agent_name"] == "王律师"
    assert listed["agent_id_number"] == "110***********5678"
    assert listed["representatives"] == [{"name": "赵一", "phone": "137****0001"}]
    viewer = agents.shown(item, mask_names=True)
    assert viewer["agent_name"] == "王**" and viewer["representatives"][0]["name"] == "赵*"
    full = agents.shown(item, full_phones=True, full_ids=True)
    assert full["agent_phone"] == "13912345678" and full["agent_id_number"] == "110101198001015678"
    assert agents.shown(item, hidden=True) == agents.EMPTY
    logged = agents.for_log(agents.values_of(item))
    assert "13912345678" not in str(logged) and "110101198001015678" not in str(logged)
    agents.apply(item, {"representatives": None, "agent_phone": None})
    assert item.representative1_name == "" and item.agent_phone is None
