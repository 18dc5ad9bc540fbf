"""Complaint handling: intake from every channel, classification and urgency, routing by
territory × domain, workflow states with statutory clocks, supervision of late items,
12345 transfer orders and the emergency path into escalation.

Invariants:
- Pure modules (`vocab`, `workflow`, `clocks`, `classify`, `routing`, `keys`, `privacy`)
  import neither sqlmodel, fastapi, twilio nor apscheduler; they take every date and rule
  as an argument.
- Services own their transaction and commit once; every state change of an item writes a
  `complaint_event` row and a `core.audit` entry (personal data masked) in that transaction.
- An emergency item opens (or joins) an escalation incident in the same transaction; the
  item stores the incident id and the incident the item's ref.
- Deadlines come from the rule set in force on the receipt date and the working-day
  calendar (`core.workcal`); the database is the truth for clocks, the supervision tick
  only moves them forward.
"""
