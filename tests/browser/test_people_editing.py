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
