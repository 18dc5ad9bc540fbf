"""Tests of the pure duty-roster solver (scheduler.roster_*)."""
