"""The organisation directory and, later, rosters and on-call resolution.

Invariants:
- Units, people, skills, duty roles and contact methods live here; every change is audited.
- Contact numbers are validated E.164; a person's contacts are tried in `priority` order.
- People are archived, never deleted, so rosters and incident timelines keep their names.
- `oncall` depends only on `scheduler` and `core`.
"""
