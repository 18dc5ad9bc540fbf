"""The directory skills an incident's timeline names.

Timeline entries are stored as fixed English phrases that name an on-duty target by its codes
(`policy.describe_target`: "on duty: expert/food"). A reader wants the skill's name, which the
directory holds in Chinese and English (and an administrator may change), so the name is
looked up when the timeline is read, never stored in the text: `codes` finds the skills a
text names, `lookup` reads them for many texts in one query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlmodel import Session, col, select

from oncall.models import Skill

_ON_DUTY_SKILL = re.compile(r"\bon duty: \w+/(\w+)")


def codes(text: str) -> list[str]:
    """The skill codes `text` names as on-duty targets, in order, each once."""
    return list(dict.fromkeys(m.group(1) for m in _ON_DUTY_SKILL.finditer(text)))


def lookup(session: Session, texts: Iterable[str]) -> dict[str, Skill]:
    """The directory's skills the texts name, by code; a code no longer in the directory is
    left out (the text keeps it)."""
    wanted = {code for text in texts for code in codes(text)}
    if not wanted:
        return {}
    found = session.exec(select(Skill).where(col(Skill.code).in_(wanted))).all()
    return {skill.code: skill for skill in found}
