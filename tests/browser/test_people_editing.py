"""People and skills: the planner changes a person's position, duty roles and skills in place
(the page only added and archived people, so a new skill or role meant archiving someone and
adding them again, losing their history); a bad value stands beside its field."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from core.audit import list_entries
from oncall import directory
from tests.browser.conftest import LiveServer, shot, sign_in


def test_the_planner_edits_a_persons_roles_and_skills(
    open_page: Any, live_server: LiveServer
) -> None:
    person = live_server.person_of("duty_officer")
    with live_server.session() as session:
        before = directory.person_public(session, person)
        skill = next(s for s in directory.list_skills(session) if s.code not in before.skills)
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "planner")
    page.goto("/planner/people")
    row = page.locator(f"#person-{person.id}")
    row.get_by_role("button", name="修改").click()
    form = page.locator(f'#person-edit-{person.id} form[data-api="/api/v1/people/{person.id}"]')
    expect(form).to_be_visible()
    form.locator('input[name="name"]').fill("")
    form.locator('input[name="position"]').fill("值班长")
    form.locator(f'input[name="skills"][value="{skill.code}"]').check()
    form.locator('button[type="submit"]').click()
    expect(form.locator('[data-field="name"] .ferror')).not_to_be_empty()
    expect(form.locator('input[name="position"]')).to_have_value("值班长")  # kept
    form.locator('input[name="name"]').fill(person.name)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    row = page.locator(f"#person-{person.id}")
    expect(row).to_contain_text("值班长")
    expect(row).to_contain_text(skill.name_zh)
    shot(page, "people-edited")
    with live_server.session() as session:
        after = directory.person_public(
            session, directory.get_person(session, person_id=person.id or 0)
        )
        entries = list_entries(session, entity_type="person", entity_id=str(person.id))
    assert after.position == "值班长" and skill.code in after.skills
    assert set(before.skills) < set(after.skills) and after.duty_roles == before.duty_roles
    assert [e.actor for e in entries if e.action == "person.update"][:1] == ["planner"]


def test_an_archived_person_is_listed_and_reactivated(
    open_page: Any, live_server: LiveServer
) -> None:
    """Archiving took a person off the page with no way back; they are listed as archived
    and reactivated from there, audited."""
    with live_server.api("planner") as api:
        units = api.get("/api/v1/units").json()
        made = api.post("/api/v1/people", json={"name": "归档测试员", "unit_id": units[0]["id"]})
        assert made.status_code == 201, made.text
        person_id = made.json()["id"]
        assert api.delete(f"/api/v1/people/{person_id}").status_code in (200, 204)
    page, _ = open_page()
    sign_in(page, "planner")
    page.goto("/planner/people")
    expect(page.locator(f"#person-{person_id}")).to_have_count(0)
    archived = page.locator(f"#archived-{person_id}")
    expect(archived).to_contain_text("归档测试员")
    with page.expect_navigation():
        archived.get_by_role("button", name="重新启用").click()
    expect(page.locator(f"#person-{person_id}")).to_contain_text("归档测试员")
    expect(page.locator(f"#archived-{person_id}")).to_have_count(0)
    shot(page, "people-reactivated")
    with live_server.session() as session:
        entries = list_entries(session, entity_type="person", entity_id=str(person_id))
    assert [(e.action, e.actor) for e in entries][:2] == [
        ("person.update", "planner"),
        ("person.update", "planner"),
    ]
