"""A complaint's system-written notes in the page's language (web/complaint_notes.py): the
English page shows a reclassification and a routing note in English with labels, the Chinese
page in Chinese; staff's own words and rows written before note parts show as stored."""

from __future__ import annotations

import re
from typing import Any

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.deps import CSRF_HEADER
from complaints import notes
from complaints.models import Complaint, ComplaintEvent
from complaints.schemas import NotePart
from complaints.vocab import CLOCK_ZH, ClockKind
from core.users import Role
from tests.complaint_helpers import Centre, complaint_data, make_centre
from tests.conftest import T0, TEST_PASSWORD, make_user
from web import complaint_notes
from web.complaint_notes import MESSAGES
from web.i18n import LOCALES, po_path, translations
from web.render import label_text

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _sign_in(client: TestClient, session: Session) -> str:
    make_user(session, role=Role.coordinator, username="notes-coordinator")
    response = client.post(
        "/login",
        data={"username": "notes-coordinator", "password": TEST_PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', client.get("/").text)
    assert token is not None
    return token.group(1)


def _post(client: TestClient, csrf: str, path: str, body: dict[str, Any]) -> Any:
    response = client.post(path, json=body, headers={CSRF_HEADER: csrf})
    assert response.status_code in (200, 201), response.text
    return response.json()


def _page(client: TestClient, locale: str, item_id: int) -> str:
    return client.get(f"/lang/{locale}?next=/complaints/{item_id}", follow_redirects=True).text


def _reclassified(client: TestClient, session: Session) -> dict[str, Any]:
    """A price complaint in 城东区, corrected to drugs and urgent with a staff note: the
    domain change re-routes it by the drugs rule (a special rule)."""
    csrf = _sign_in(client, session)
    body = complaint_data().model_dump(mode="json", exclude_none=True)
    item = _post(client, csrf, "/api/v1/complaints", body)["items"][0]
    assert (item["domain"], item["urgency"]) == ("price", "normal")
    return dict(
        _post(
            client,
            csrf,
            f"/api/v1/complaints/{item['id']}/classification",
            {"domain": "drugs", "urgency": "urgent", "note": "请尽快核实"},
        )
    )


def test_the_english_page_shows_a_reclassification_and_routing_note_in_english(
    client: TestClient, session: Session, centre: Centre
) -> None:
    item = _reclassified(client, session)
    rule = item["routing_rule_id"]
    page = _page(client, "en", item["id"])
    assert (
        f"Domain Price → Drugs; Re-routed for the new domain (rule #{rule}); "
        "Urgency Normal → Urgent; 请尽快核实"
    ) in page
    assert f"<dd>城东区 × Drugs → rule #{rule} (special rule)</dd>" in page
    assert "Registered from 12315 hotline; 城东区 × Price → rule #" in page
    for chinese in ("领域", "紧急程度", "按新领域", "规则 #", "登记"):
        assert chinese not in page


def test_the_chinese_page_shows_the_same_notes_in_chinese(
    client: TestClient, session: Session, centre: Centre
) -> None:
    item = _reclassified(client, session)
    rule = item["routing_rule_id"]
    page = _page(client, "zh_CN", item["id"])
    assert (
        f"领域 价格 → 药品；按新领域重新匹配承办单位（规则 #{rule}）；"
        "紧急程度 一般 → 加急；请尽快核实"
    ) in page
    assert f"<dd>城东区 × 药品 → 规则 #{rule}（特别规则）</dd>" in page
    assert "12315热线 登记；城东区 × 价格 → 规则 #" in page


def test_rows_written_before_note_parts_show_their_text(
    client: TestClient, session: Session, centre: Centre
) -> None:
    item = _reclassified(client, session)
    old = session.get(Complaint, item["id"])
    assert old is not None
    old.routing_note, old.routing_note_parts = "按旧规则分送至城东区局", None
    session.add(old)
    session.add(
        ComplaintEvent(
            complaint_id=item["id"],
            at=T0,
            actor="legacy",
            action="classify",
            note="旧记录：紧急程度 normal → urgent",
        )
    )
    session.commit()
    page = _page(client, "en", item["id"])
    assert "旧记录：紧急程度 normal → urgent" in page
    assert "<dd>按旧规则分送至城东区局</dd>" in page
    assert "Urgency Normal → Urgent" in page  # the new row beside it still in English


NOTICE = {"ref": "TS1", "title": "酸奶标价", "unit": ""}

#: (key, arguments, English, Chinese): each supervision notice as the history shows it
SUPERVISION_NOTES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "supervision.reminder",
        {"ref": "TS1", "title": "酸奶标价", "what": "sign_for", "due": "2026-11-24"},
        "[DutyDesk] Reminder: TS1 “酸奶标价”: signing for is due 2026-11-24; please handle it "
        "in time.",
        "【DutyDesk】催办：TS1「酸奶标价」签收期限为2026-11-24，请按时办理。",
    ),
    (
        "supervision.overdue",
        NOTICE | {"what": "acceptance", "due": "2026-11-24"},
        "[DutyDesk] Supervision: TS1 “酸奶标价”: the acceptance decision is overdue (due "
        "2026-11-24); handling unit: the intake office (not yet distributed); please see that "
        "it is handled and report back.",
        "【DutyDesk】督办：TS1「酸奶标价」受理已逾期（期限2026-11-24），"
        "承办单位：受理科（待分送），请督促办理并反馈。",
    ),
    (
        "supervision.criticism",
        NOTICE | {"what": "reply", "unit": "城东区局"},
        "[DutyDesk] Written criticism: TS1 “酸奶标价”: the reply is still outstanding after a "
        "reminder; handling unit: 城东区局.",
        "【DutyDesk】通报批评：TS1「酸奶标价」办理回复经催办仍未办理，承办单位：城东区局。",
    ),
    (
        "supervision.criticism_since",
        NOTICE | {"what": "verification", "since": "2026-11-20", "unit": "城东区局"},
        "[DutyDesk] Written criticism: TS1 “酸奶标价”: verification is still outstanding after "
        "a reminder (reminded on 2026-11-20); handling unit: 城东区局.",
        "【DutyDesk】通报批评：TS1「酸奶标价」核查经催办仍未办理（催办于2026-11-20），"
        "承办单位：城东区局。",
    ),
]


@pytest.mark.parametrize(
    ("key", "args", "en", "zh"), SUPERVISION_NOTES, ids=[n[0] for n in SUPERVISION_NOTES]
)
def test_a_supervision_note_reads_in_each_language(
    key: str, args: dict[str, Any], en: str, zh: str
) -> None:
    """The English notes named the time limit by its label in mid-sentence ("…, Acceptance
    decision is overdue"): they name it as a sentence does ("…: the acceptance decision is
    overdue")."""

    def shown(locale: str) -> str:
        catalogue = translations(locale)
        return complaint_notes.render(
            "stored text",
            [NotePart(key=key, args=args)],
            gettext=catalogue.gettext,
            label=lambda kind, value: label_text(catalogue, kind, value),
        )

    assert (shown("en"), shown("zh_CN")) == (en, zh)


def test_a_supervision_note_names_the_time_limit_in_chinese_as_the_sms_did() -> None:
    """The page words a notice from its parts: in Chinese it names each time limit as the
    SMS and the stored text did (complaints.vocab.CLOCK_ZH: 办理回复, not the label 回复)."""
    catalogue = translations("zh_CN")
    shown = {kind: label_text(catalogue, "clock_in_sentence", kind.value) for kind in ClockKind}
    assert shown == CLOCK_ZH


def test_a_supervision_note_without_a_contact_says_so_after_it() -> None:
    parts = [
        NotePart(key="supervision.overdue", args=NOTICE | {"what": "mediation", "due": "11-24"}),
        NotePart(key="supervision.no_contact"),
    ]
    catalogue = translations("en")
    text = complaint_notes.render(
        "stored text",
        parts,
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
    )
    assert text.endswith("report back. (no contact to notify: set up the handling unit's contacts)")


def test_every_note_key_has_a_message_with_the_templates_arguments_in_each_catalogue() -> None:
    assert set(MESSAGES) == set(notes.KEYS) - {"text"}
    catalogues = {}
    for locale in LOCALES:
        with po_path(locale).open("rb") as handle:
            catalogues[locale] = read_po(handle, locale=locale)
    for key, message in MESSAGES.items():
        arguments = notes.fields(notes.KEYS[key].zh)
        assert set(PLACEHOLDER.findall(message)) == arguments, key
        for locale, catalogue in catalogues.items():
            translated = catalogue[message]
            assert translated is not None and translated.string, (locale, key)
            assert set(PLACEHOLDER.findall(str(translated.string))) == arguments, (locale, key)
