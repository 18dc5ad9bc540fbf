"""Roles and what each may do: one permission per kind of action, and the roles that hold it.
`core.users` re-exports these names, where most callers import them from."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    planner = "planner"
    duty_officer = "duty_officer"
    coordinator = "coordinator"
    handler = "handler"
    leader = "leader"
    viewer = "viewer"


class Permission(StrEnum):
    users_manage = "users.manage"
    directory_read = "directory.read"
    directory_write = "directory.write"
    calendar_read = "calendar.read"
    calendar_write = "calendar.write"
    audit_read = "audit.read"
    roster_read = "roster.read"
    roster_write = "roster.write"
    oncall_read = "oncall.read"
    swap_request = "swap.request"
    swap_decide = "swap.decide"  # approve or reject: planners, and the leader on duty (§5)
    incident_read = "incident.read"
    incident_write = "incident.write"
    outbox_use = "outbox.use"
    dutylog_read = "dutylog.read"
    dutylog_write = "dutylog.write"
    complaint_read = "complaint.read"
    complaint_write = "complaint.write"  # intake, classification and routing
    complaint_handle = "complaint.handle"  # a handling unit's actions (handlers: own unit)
    complaint_supervise = "complaint.supervise"  # take over (Art. 13), supervision
    complaint_confidential = "complaint.confidential"  # reporters' identity, full numbers
    complaint_configure = "complaint.configure"  # rule sets, routing, terms, unit profiles
    dashboard_read = "dashboard.read"
    warning_read = "warning.read"  # early warnings and their evidence
    warning_handle = "warning.handle"  # acknowledge / close warnings, run detection
    report_read = "report.read"  # analysis reports: list and download
    report_generate = "report.generate"  # generate a report on demand
    insight_configure = "insight.configure"  # detection and report settings
    plan_configure = "plan.configure"  # emergency plans: escalation policies and deadlines


ALL_ROLES = frozenset(Role)

ROLE_PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.users_manage: frozenset({Role.admin}),
    Permission.directory_read: ALL_ROLES,
    Permission.directory_write: frozenset({Role.admin, Role.planner}),
    Permission.calendar_read: ALL_ROLES,
    Permission.calendar_write: frozenset({Role.admin}),
    Permission.audit_read: frozenset({Role.admin, Role.leader}),
    Permission.roster_read: ALL_ROLES,
    Permission.roster_write: frozenset({Role.admin, Role.planner}),
    Permission.oncall_read: ALL_ROLES,
    Permission.incident_read: ALL_ROLES,
    Permission.incident_write: frozenset(
        {Role.admin, Role.coordinator, Role.duty_officer, Role.leader}
    ),
    Permission.outbox_use: frozenset(
        {Role.admin, Role.coordinator, Role.duty_officer, Role.leader}
    ),
    Permission.swap_request: frozenset(
        {Role.admin, Role.planner, Role.duty_officer, Role.leader, Role.coordinator}
    ),
    # DOMAIN.md §5: swaps are approved by the duty leader (带班领导); planners keep the roster
    Permission.swap_decide: frozenset({Role.admin, Role.planner, Role.leader}),
    Permission.dutylog_read: ALL_ROLES - {Role.viewer},
    Permission.dutylog_write: frozenset(
        {Role.admin, Role.duty_officer, Role.leader, Role.coordinator}
    ),
    Permission.complaint_read: ALL_ROLES - {Role.planner},
    Permission.complaint_write: frozenset({Role.admin, Role.coordinator, Role.duty_officer}),
    Permission.complaint_handle: frozenset({Role.admin, Role.coordinator, Role.handler}),
    Permission.complaint_supervise: frozenset({Role.admin, Role.leader}),
    Permission.complaint_confidential: frozenset({Role.admin, Role.coordinator, Role.leader}),
    Permission.complaint_configure: frozenset({Role.admin}),
    Permission.dashboard_read: frozenset({Role.admin, Role.leader, Role.coordinator, Role.viewer}),
    Permission.warning_read: frozenset({Role.admin, Role.leader, Role.coordinator, Role.viewer}),
    Permission.warning_handle: frozenset({Role.admin, Role.leader, Role.coordinator}),
    Permission.report_read: frozenset({Role.admin, Role.leader, Role.coordinator, Role.viewer}),
    Permission.report_generate: frozenset({Role.admin, Role.leader, Role.coordinator}),
    Permission.insight_configure: frozenset({Role.admin}),
    Permission.plan_configure: frozenset({Role.admin}),
}


def allowed(role: Role, permission: Permission) -> bool:
    return role in ROLE_PERMISSIONS[permission]
