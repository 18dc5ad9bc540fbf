"""Core services every engine shares: settings, database, clock, errors, audit log,
working-day calendar, users and tokens.

Invariants:
- `core` imports nothing of ours and never imports FastAPI.
- Times are stored as aware UTC; only presentation converts to the configured timezone.
- Domain code never reads the wall clock: it receives a `Clock`.
"""
