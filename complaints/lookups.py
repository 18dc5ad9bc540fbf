"""The configuration a registration reads — rule sets, the working-day calendar, the term
dictionary, the known districts and the routing rules — loaded lazily, at most once per
`Lookups`. A single registration makes one (the same queries as loading each directly); a
bulk import makes one per request and shares it by every row, so a 2,000-row file reads the
routing table and the dictionary once instead of 2,000 times."""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property

from sqlmodel import Session, col, select

from complaints import classify, config, routing, terms
from complaints.clocks import RuleLimits
from complaints.config_models import ComplaintRuleSet
from core.calendar_store import load_calendar
from core.errors import ValidationFailed
from core.workcal import WorkingCalendar


class Lookups:
    def __init__(self, session: Session, *, now: datetime) -> None:
        self._session = session
        self._now = now
        self._calendars: dict[bool, WorkingCalendar] = {}
        self._limits: dict[int, RuleLimits] = {}

    @cached_property
    def rule_sets(self) -> list[ComplaintRuleSet]:
        """The active rule sets, latest `effective_from` first (defaults created if none).

        An active rule set proves one exists, so the defaults are looked for (and created)
        only when none is active: one statement in the usual case instead of two."""
        found = self._active_rule_sets()
        if found:
            return found
        config.ensure_default_rule_sets(self._session, now=self._now)
        return self._active_rule_sets()

    def _active_rule_sets(self) -> list[ComplaintRuleSet]:
        return list(
            self._session.exec(
                select(ComplaintRuleSet)
                .where(col(ComplaintRuleSet.is_active).is_(True))
                .order_by(
                    col(ComplaintRuleSet.effective_from).desc(), col(ComplaintRuleSet.id).desc()
                )
            ).all()
        )

    def rule_set_for(self, day: date) -> ComplaintRuleSet:
        """The rule set in force on `day` (as `config.rule_set_for`)."""
        for rule_set in self.rule_sets:
            if rule_set.effective_from <= day:
                return rule_set
        raise ValidationFailed("received_at", f"no rule set is in force on {day.isoformat()}")

    def limits(self, rule_set: ComplaintRuleSet) -> RuleLimits:
        assert rule_set.id is not None
        if rule_set.id not in self._limits:
            self._limits[rule_set.id] = config.limits_of(rule_set)
        return self._limits[rule_set.id]

    def calendar(self, *, roll_weekends: bool) -> WorkingCalendar:
        """The working-day calendar, read once: the other weekend roll-forward is the same
        days (`WorkingCalendar.with_roll_weekends`)."""
        if roll_weekends not in self._calendars:
            loaded = next(iter(self._calendars.values()), None)
            self._calendars[roll_weekends] = (
                load_calendar(self._session, roll_weekends=roll_weekends)
                if loaded is None
                else loaded.with_roll_weekends(roll_weekends)
            )
        return self._calendars[roll_weekends]

    @cached_property
    def terms(self) -> list[classify.Term]:
        return terms.active_terms(self._session)

    @cached_property
    def districts(self) -> list[str]:
        return config.known_districts(self._session)

    @cached_property
    def rules(self) -> list[routing.Rule]:
        return config.pure_rules(self._session)
