"""Display names of the actors the system records for its own work (ticks, the solver,
migrations, the demo seed), as message ids; a user's actor is their username, shown as is."""

from __future__ import annotations

from web.i18n import N_

ACTORS: dict[str, str] = {
    "system": N_("System"),
    "solver": N_("Roster solver"),
    "schedule": N_("Scheduled run"),
    "supervision": N_("Automatic supervision"),
    "detection": N_("Early-warning detection"),
    "migration": N_("Initial data"),
    "demo-seed": N_("Demo data"),
}
