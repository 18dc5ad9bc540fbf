"""The navigation, built from the role's permissions (core.users.ROLE_PERMISSIONS).

Every page module declares the permission its pages need with `RequirePage(permission)`;
the same permission is written beside its entry here, so a role sees in the nav exactly the
pages it may open. Later areas (the complaint queue, the handling-unit inbox) add their
entries to `NAV` in the section where they belong (the complaint pages: queue, inbox,
intake).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.users import Permission, Role, allowed
from web.i18n import N_


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # message id
    section: str  # message id of the group it is shown in
    permission: Permission | None = None  # None: every signed-in user


@dataclass(frozen=True)
class NavSection:
    label: str
    items: tuple[NavItem, ...]


DUTY = N_("Duty")
INCIDENTS = N_("Emergencies")
COMPLAINTS = N_("Complaints")
PLANNING = N_("Planning")
LEADERSHIP = N_("Leadership")
ADMIN = N_("Administration")

NAV: list[NavItem] = [
    NavItem("/", N_("Home"), DUTY),
    NavItem("/duty", N_("My duty"), DUTY, Permission.dutylog_read),
    NavItem("/duty/log", N_("Duty log and handover"), DUTY, Permission.dutylog_read),
    NavItem("/incidents/new", N_("Log incident"), INCIDENTS, Permission.incident_write),
    NavItem("/incidents", N_("Incidents"), INCIDENTS, Permission.incident_read),
    NavItem("/outbox", N_("Outbox"), INCIDENTS, Permission.outbox_use),
    NavItem("/complaints/new", N_("Register complaint"), COMPLAINTS, Permission.complaint_write),
    NavItem("/complaints", N_("Complaint queue"), COMPLAINTS, Permission.complaint_read),
    NavItem("/complaints/inbox", N_("Unit inbox"), COMPLAINTS, Permission.complaint_handle),
    NavItem("/rosters", N_("Rosters"), PLANNING, Permission.roster_read),
    NavItem("/swaps", N_("Swaps"), PLANNING, Permission.swap_request),
    NavItem("/planner/people", N_("People and skills"), PLANNING, Permission.directory_write),
    NavItem("/planner/leave", N_("Leave and wishes"), PLANNING, Permission.roster_write),
    NavItem("/planner/rules", N_("Rules and demand"), PLANNING, Permission.roster_write),
    NavItem("/dashboard", N_("Dashboard"), LEADERSHIP, Permission.dashboard_read),
    NavItem("/warnings", N_("Early warnings"), LEADERSHIP, Permission.warning_read),
    NavItem("/reports", N_("Analysis reports"), LEADERSHIP, Permission.report_read),
    NavItem("/admin/users", N_("Users"), ADMIN, Permission.users_manage),
    NavItem("/admin/calendar", N_("Working-day calendar"), ADMIN, Permission.calendar_write),
    NavItem("/admin/terms", N_("Term dictionary"), ADMIN, Permission.complaint_configure),
    NavItem("/admin/routing", N_("Routing rules"), ADMIN, Permission.complaint_configure),
    NavItem("/admin/units", N_("Handling units"), ADMIN, Permission.complaint_configure),
    NavItem("/admin/rule-sets", N_("Rule sets"), ADMIN, Permission.complaint_configure),
    NavItem("/admin/plans", N_("Emergency plans"), ADMIN, Permission.plan_configure),
]

LANDING: dict[Role, str] = {
    Role.planner: "/rosters",
    Role.duty_officer: "/duty",
    Role.coordinator: "/incidents",
    Role.leader: "/dashboard",
    Role.handler: "/complaints/inbox",
}


def may_see(role: Role, item: NavItem) -> bool:
    return item.permission is None or allowed(role, item.permission)


def nav_for(role: Role) -> list[NavSection]:
    """The sections and entries `role` may use, in the order of NAV."""
    sections: dict[str, list[NavItem]] = {}
    for item in NAV:
        if may_see(role, item):
            sections.setdefault(item.section, []).append(item)
    return [NavSection(label, tuple(items)) for label, items in sections.items()]


def landing_page(role: Role) -> str:
    return LANDING.get(role, "/")
