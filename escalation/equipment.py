"""Special-equipment (特种设备) accident details (DOMAIN.md §5): what an accident report must
contain (TZ50 Art. 10) and the level the figures suggest (TZR Arts. 61-64, 71).

Pure rules, no database: the incident columns and schemas (`escalation.models`) use the types
here, `escalation.details` stores changes.

- `suggested_severity` applies the thresholds; "以上" includes the figure, "以下" excludes
  it, so 30 deaths is I and 29 is II. A boiler or pressure-vessel explosion or a crane
  overturning is at least III (Art. 63). With no figure and no such event it suggests nothing.
- The suggestion never changes the incident's level: raising it stays a human decision.
- `missing_report_items` names the Art. 10 items an incident does not yet record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Protocol

from pydantic import Field

from escalation.policy import Severity


class EquipmentType(StrEnum):
    """The kinds of special equipment (特种设备安全法 Art. 2)."""

    boiler = "boiler"  # 锅炉
    pressure_vessel = "pressure_vessel"  # 压力容器 (incl. gas cylinders)
    pressure_piping = "pressure_piping"  # 压力管道
    lift = "lift"  # 电梯
    crane = "crane"  # 起重机械
    passenger_ropeway = "passenger_ropeway"  # 客运索道
    amusement_ride = "amusement_ride"  # 大型游乐设施
    in_plant_vehicle = "in_plant_vehicle"  # 场（厂）内专用机动车辆


#: The types whose explosion (boiler, pressure vessel) or overturning (crane) is at least III.
EXPLOSION_OR_OVERTURN_TYPES = frozenset(
    {EquipmentType.boiler, EquipmentType.pressure_vessel, EquipmentType.crane}
)
MAX_PEOPLE = 100_000
MAX_LOSS_YUAN = 1_000_000_000_000  # ¥1 trillion: far above any level's threshold
PeopleCount = Annotated[int, Field(ge=0, le=MAX_PEOPLE)]
LossYuan = Annotated[int, Field(ge=0, le=MAX_LOSS_YUAN)]

MILLION = 1_000_000


@dataclass(frozen=True)
class Threshold:
    """The lowest figures ("以上") that reach `severity`."""

    severity: Severity
    deaths: int
    serious_injuries: int
    direct_loss_yuan: int


#: TZR Arts. 61-63, most severe first; anything below III is IV (Art. 64).
THRESHOLDS = (
    Threshold(Severity.I, 30, 100, 100 * MILLION),
    Threshold(Severity.II, 10, 50, 50 * MILLION),
    Threshold(Severity.III, 3, 10, 10 * MILLION),
)


def suggested_severity(
    *,
    deaths: int | None,
    serious_injuries: int | None,
    direct_loss_yuan: int | None,
    equipment_type: EquipmentType | None = None,
    explosion_or_overturn: bool = False,
) -> Severity | None:
    """The level the figures suggest, or None when nothing is known yet."""
    exploded = explosion_or_overturn and equipment_type in EXPLOSION_OR_OVERTURN_TYPES
    if deaths is None and serious_injuries is None and direct_loss_yuan is None and not exploded:
        return None
    for threshold in THRESHOLDS:
        if (
            (deaths or 0) >= threshold.deaths
            or (serious_injuries or 0) >= threshold.serious_injuries
            or (direct_loss_yuan or 0) >= threshold.direct_loss_yuan
            or (exploded and threshold.severity is Severity.III)
        ):
            return threshold.severity
    return Severity.IV


class AccidentFacts(Protocol):
    """What `missing_report_items` reads (an `Incident`)."""

    @property
    def place(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def caller_phone(self) -> str | None: ...
    @property
    def equipment_type(self) -> EquipmentType | None: ...
    @property
    def equipment_user(self) -> str: ...
    @property
    def deaths(self) -> int | None: ...
    @property
    def serious_injuries(self) -> int | None: ...
    @property
    def people_at_risk(self) -> int | None: ...
    @property
    def direct_loss_yuan(self) -> int | None: ...
    @property
    def measures_taken(self) -> str: ...


#: TZ50 Art. 10's items in its order (the time is the incident's opening, always known).
REPORT_ITEMS = (
    "place",
    "equipment_user",
    "equipment_type",
    "description",  # the sequence of events
    "casualties",  # deaths and serious injuries
    "people_at_risk",
    "direct_loss_yuan",
    "measures_taken",
    "reporter_contact",
)


def missing_report_items(facts: AccidentFacts) -> Sequence[str]:
    """The Art. 10 items `facts` does not record yet, in `REPORT_ITEMS` order."""
    known = {
        "place": bool(facts.place),
        "equipment_user": bool(facts.equipment_user),
        "equipment_type": facts.equipment_type is not None,
        "description": bool(facts.description.strip()),
        "casualties": facts.deaths is not None and facts.serious_injuries is not None,
        "people_at_risk": facts.people_at_risk is not None,
        "direct_loss_yuan": facts.direct_loss_yuan is not None,
        "measures_taken": bool(facts.measures_taken.strip()),
        "reporter_contact": bool(facts.caller_phone),
    }
    return [item for item in REPORT_ITEMS if not known[item]]
