"""Codes inside a complaint's stored notes, shown by their labels: the fallback for notes
without parts (rows written before `complaints.notes`, see `web.complaint_notes`).

The complaints package stores the routing decision and the registration entry of the
history as Chinese notes that carry codes ("城东区 × food → 规则 #6（district+domain）",
"hotline_12315 登记；…"), and the district's source as a code ("respondent",
"first_received:occurred"). The page swaps each code for its label; the rest is shown as
stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from web.i18n import N_

Label = Callable[[str, object], str]
Gettext = Callable[[str], str]

_ROUTE = re.compile(
    r"(?P<where>[^；]+?) × (?P<domain>[a-z_]+)"
    r"(?: → 规则 #(?P<rule>\d+)（(?P<tier>[a-z+]+)）|(?P<none>：无匹配的分送规则，待人工分送))"
)
_REGISTERED = re.compile(r"^(?P<channel>[a-z0-9_]+) 登记；")


def _route(match: re.Match[str], label: Label) -> str:
    head = f"{match.group('where')} × {label('domain', match.group('domain'))}"
    if match.group("none"):
        return head + match.group("none")
    return f"{head} → 规则 #{match.group('rule')}（{label('routing_tier', match.group('tier'))}）"


def note(text: str, *, label: Label) -> str:
    """A routing note or history note with its channel, domain and rule tier by label."""
    text = _REGISTERED.sub(lambda m: f"{label('channel', m.group('channel'))} 登记；", text)
    return _ROUTE.sub(lambda m: _route(m, label), text)


def district_source(source: str, *, label: Label, gettext: Gettext) -> str:
    """Which address decided the district ("respondent", "first_received:occurred")."""
    first, _, rest = source.partition(":")
    if first == "first_received" and rest:
        return gettext(N_("received here first; %(source)s")) % {
            "source": label("address_source", rest)
        }
    return label("address_source", source)
