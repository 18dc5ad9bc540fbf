"""Writers that change many items in one transaction, beside the supervision tick and the
handlers, on PostgreSQL. The lock order is a named advisory lock, then rows, then the audit
chain's lock (`core.db.advisory_lock`); a bulk import (one transaction per chunk of rows) and
a supervision pass (one per batch of clocks) used to append each row's audit entry as they
went, so from their first row on they held the audit lock while locking more items. An item
locked meanwhile by someone about to audit made a deadlock: PostgreSQL broke it after
deadlock_timeout by failing one of them (the import's request answered 500 and its chunk was
lost). They now hold their entries to the commit (`core.audit.hold_to_commit`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from complaints import actions, importer, service, supervision
from complaints.action_context import ActionInput
from complaints.actions import Actor
from complaints.io_schemas import ImportOptions
from complaints.models import Complaint
from complaints.vocab import Status
from complaints.workflow import Action
from core.audit import AuditEntry, verify_entries
from core.db import write_session
from tests.complaint_helpers import complaint_data
from tests.concurrency import Writer, committed_engine
from tests.conftest import T0
from tests.factories import make_unit

LATER = T0 + timedelta(days=60)  # every clock of an item registered at T0 is overdue
HANDLER = Actor("handler", intake=True, handle=True)


@pytest.fixture
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with committed_engine(tmp_path_factory.mktemp("race")) as engine:
        yield engine


def _register(engine: Engine, respondent: str, phone: str) -> int:
    data = complaint_data(
        respondent_name=respondent,
        respondent_address=f"城北区{respondent}",
        submitter_phone=phone,
        received_at=T0,
    )
    with write_session(engine) as session:
        item = service.register(session, data=data, actor="coordinator", now=T0)[0]
    assert item.id is not None
    return item.id


def _export(rows: list[tuple[str, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["登记编号", "登记时间", "诉求类型", "来源渠道", "投诉人/举报人", "联系电话"]
        + ["投诉人地址", "被投诉人", "地址", "问题描述", "诉求"]
    )
    for number, respondent, phone in rows:
        writer.writerow(
            [number, "2026-11-23 09:00", "投诉", "12315热线", "王五", phone, "城西区和平路2号"]
            + [respondent, f"城南区{respondent}", f"在{respondent}购物被多收钱。", "退款"]
        )
    return out.getvalue().encode("utf-8")


def _chain_ok(engine: Engine) -> None:
    with Session(engine) as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert verify_entries(entries).ok


def test_an_import_merging_an_item_the_tick_supervises_does_not_deadlock(engine: Engine) -> None:
    overdue = _register(engine, "甲超市", "13911120001")
    content = _export([("B001", "乙超市", "13911120002"), ("B002", "丙超市", "13911120001")])
    upload = Writer(
        engine,
        lambda s: importer.import_file(
            s,
            content=content,
            filename="export.csv",
            options=ImportOptions(),
            actor="coordinator",
            now=T0 + timedelta(hours=1),
        ),
    )
    with write_session(engine) as tick:
        # the tick has marked the item overdue (its row is locked) and is about to audit it;
        # the import's second row joins the item's cluster and waits for that row
        tick.get(Complaint, overdue, with_for_update=True)
        upload.start()
        supervised = supervision.supervise_overdue(tick, now=LATER)

    report = upload.join()
    assert supervised >= 1
    assert (report.imported, report.invalid) == (2, 0)
    with Session(engine) as session:
        item = session.get(Complaint, overdue)
        assert item is not None and item.overdue and item.cluster_id is not None
    _chain_ok(engine)


def test_a_handler_beside_a_supervision_pass_over_two_items_does_not_deadlock(
    engine: Engine,
) -> None:
    first_id, second_id = (
        _register(engine, "丁超市", "13911120003"),
        _register(engine, "戊超市", "13911120004"),
    )
    with write_session(engine) as session:
        unit = make_unit(session, code="unit-deadlock", name="城北所")
        session.commit()
    for item_id in (first_id, second_id):
        with write_session(engine) as session:
            actions.act(
                session,
                complaint_id=item_id,
                action=Action.distribute,
                actor=HANDLER,
                now=T0,
                data=ActionInput(unit_id=unit.id),
            )
    tick = Writer(engine, lambda s: supervision.supervise_overdue(s, now=LATER))
    with write_session(engine) as handler:
        # the handler signs for the second item (its row locked, as `act` takes it) while the
        # pass supervises the first one; the pass used to wait for the second item holding
        # the audit chain's lock, now it leaves that item to the next pass
        service.get(handler, complaint_id=second_id, for_update=True)
        tick.start()
        actions.act(
            handler, complaint_id=second_id, action=Action.sign_for, actor=HANDLER, now=LATER
        )

    assert tick.join() >= 1
    with Session(engine) as session:
        first, second = session.get(Complaint, first_id), session.get(Complaint, second_id)
        assert first is not None and first.overdue
        assert second is not None and second.status is not Status.distributed
    _chain_ok(engine)
