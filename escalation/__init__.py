"""Incidents, escalation policies, the escalation state machine, dispatch and notification
channels."""
