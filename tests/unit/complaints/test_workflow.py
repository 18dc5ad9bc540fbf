"""Every transition of the four workflows, legal and illegal, against a table written out
by hand from DOMAIN.md §2 (not derived from the code's table)."""

from __future__ import annotations

import pytest

from complaints.vocab import Status, Workflow
from complaints.workflow import (
    ACTION_SIDE,
    Action,
    IllegalTransition,
    Side,
    allowed_actions,
    next_status,
)

S, A, W = Status, Action, Workflow
OPEN_C = [
    S.registered,
    S.distributed,
    S.returned,
    S.pending_acceptance,
    S.accepted,
    S.rejected,
    S.mediating,
    S.suspended,
    S.agreed,
    S.terminated,
]
OPEN_R = [S.registered, S.distributed, S.returned, S.verifying, S.case_filed, S.not_filed]
OPEN_O = [S.registered, S.distributed, S.signed_for, S.returned, S.replied]
OPEN_G = [S.registered, S.distributed, S.returned, S.signed_for, S.replied]

LEGAL: list[tuple[Workflow, Status, Action, Status]] = [
    # complaint (投诉), Order 121
    (W.complaint, S.registered, A.distribute, S.distributed),
    (W.complaint, S.returned, A.distribute, S.distributed),
    *[
        (W.complaint, s, A.reroute, S.distributed)
        for s in (S.registered, S.distributed, S.returned, S.pending_acceptance)
    ],
    (W.complaint, S.distributed, A.sign_for, S.pending_acceptance),
    (W.complaint, S.distributed, A.accept, S.accepted),
    (W.complaint, S.pending_acceptance, A.accept, S.accepted),
    (W.complaint, S.distributed, A.reject, S.rejected),
    (W.complaint, S.pending_acceptance, A.reject, S.rejected),
    (W.complaint, S.distributed, A.return_to_intake, S.returned),
    (W.complaint, S.pending_acceptance, A.return_to_intake, S.returned),
    (W.complaint, S.accepted, A.start_mediation, S.mediating),
    (W.complaint, S.mediating, A.suspend, S.suspended),
    (W.complaint, S.suspended, A.resume, S.mediating),
    (W.complaint, S.mediating, A.record_testing, S.mediating),
    (W.complaint, S.suspended, A.record_testing, S.suspended),
    (W.complaint, S.mediating, A.agree, S.agreed),
    (W.complaint, S.accepted, A.terminate, S.terminated),
    (W.complaint, S.mediating, A.terminate, S.terminated),
    (W.complaint, S.suspended, A.terminate, S.terminated),
    (W.complaint, S.rejected, A.close, S.closed),
    (W.complaint, S.agreed, A.close, S.closed),
    (W.complaint, S.terminated, A.close, S.closed),
    *[
        (W.complaint, s, A.convert_to_case, s)
        for s in (S.accepted, S.mediating, S.suspended, S.agreed, S.terminated)
    ],
    *[
        (W.complaint, s, A.refer_to_police, s)
        for s in (
            S.distributed,
            S.pending_acceptance,
            S.accepted,
            S.mediating,
            S.suspended,
            S.terminated,
        )
    ],
    *[(W.complaint, s, A.take_over, s) for s in OPEN_C],
    # report (举报)
    (W.report, S.registered, A.distribute, S.distributed),
    (W.report, S.returned, A.distribute, S.distributed),
    *[
        (W.report, s, A.reroute, S.distributed)
        for s in (S.registered, S.distributed, S.returned, S.verifying)
    ],
    (W.report, S.distributed, A.sign_for, S.verifying),
    (W.report, S.distributed, A.return_to_intake, S.returned),
    (W.report, S.verifying, A.return_to_intake, S.returned),
    (W.report, S.verifying, A.extend_verification, S.verifying),
    (W.report, S.verifying, A.record_testing, S.verifying),
    (W.report, S.distributed, A.file_case, S.case_filed),
    (W.report, S.verifying, A.file_case, S.case_filed),
    (W.report, S.distributed, A.not_file, S.not_filed),
    (W.report, S.verifying, A.not_file, S.not_filed),
    (W.report, S.case_filed, A.close, S.closed),
    (W.report, S.not_filed, A.close, S.closed),
    (W.report, S.verifying, A.refer_to_police, S.verifying),
    (W.report, S.case_filed, A.refer_to_police, S.case_filed),
    *[(W.report, s, A.take_over, s) for s in OPEN_R],
    # 12345 transfer order
    (W.order_12345, S.registered, A.distribute, S.distributed),
    (W.order_12345, S.returned, A.distribute, S.distributed),
    *[
        (W.order_12345, s, A.reroute, S.distributed)
        for s in (S.registered, S.distributed, S.signed_for, S.returned)
    ],
    (W.order_12345, S.distributed, A.sign_for, S.signed_for),
    (W.order_12345, S.distributed, A.return_to_intake, S.returned),
    (W.order_12345, S.signed_for, A.return_to_intake, S.returned),
    (W.order_12345, S.signed_for, A.extend_reply, S.signed_for),
    (W.order_12345, S.signed_for, A.reply, S.replied),
    (W.order_12345, S.replied, A.close, S.closed),
    (W.order_12345, S.returned, A.close, S.closed),
    *[(W.order_12345, s, A.take_over, s) for s in OPEN_O],
    # consultation, suggestion, help
    (W.general, S.registered, A.distribute, S.distributed),
    (W.general, S.returned, A.distribute, S.distributed),
    *[
        (W.general, s, A.reroute, S.distributed)
        for s in (S.registered, S.distributed, S.returned, S.signed_for)
    ],
    (W.general, S.distributed, A.sign_for, S.signed_for),
    (W.general, S.distributed, A.return_to_intake, S.returned),
    (W.general, S.signed_for, A.return_to_intake, S.returned),
    *[(W.general, s, A.reply, S.replied) for s in (S.registered, S.distributed, S.signed_for)],
    (W.general, S.replied, A.close, S.closed),
    *[(W.general, s, A.take_over, s) for s in OPEN_G],
]
LEGAL_KEYS = {(w, s, a) for w, s, a, _ in LEGAL}
ILLEGAL = [
    (w, s, a) for w in Workflow for s in Status for a in Action if (w, s, a) not in LEGAL_KEYS
]


@pytest.mark.parametrize(("workflow", "source", "action", "target"), LEGAL)
def test_legal_transition(
    workflow: Workflow, source: Status, action: Action, target: Status
) -> None:
    assert next_status(workflow, source, action) is target
    assert action in allowed_actions(workflow, source)


@pytest.mark.parametrize(("workflow", "source", "action"), ILLEGAL)
def test_illegal_transition_is_refused_with_a_reason(
    workflow: Workflow, source: Status, action: Action
) -> None:
    with pytest.raises(IllegalTransition) as caught:
        next_status(workflow, source, action)
    assert action.value in caught.value.reason
    assert action not in allowed_actions(workflow, source)


def test_a_closed_item_allows_nothing() -> None:
    assert all(allowed_actions(w, S.closed) == [] for w in Workflow)


def test_the_reason_names_the_states_an_action_is_allowed_from() -> None:
    with pytest.raises(IllegalTransition) as caught:
        next_status(W.complaint, S.registered, A.accept)
    assert caught.value.reason == (
        "'accept' is not allowed on a complaint item in state 'registered' "
        "(allowed from: distributed, pending_acceptance)"
    )


def test_only_intake_distributes_and_reroutes_and_only_the_superior_takes_over() -> None:
    assert ACTION_SIDE[A.distribute] is Side.intake and ACTION_SIDE[A.reroute] is Side.intake
    assert ACTION_SIDE[A.take_over] is Side.superior
    assert ACTION_SIDE[A.return_to_intake] is Side.unit  # Art. 41: return, never transfer
    assert len(ACTION_SIDE) == len(Action)
