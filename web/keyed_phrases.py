"""Items the scheduler stores with the key of their phrase and the values it says (an
infeasibility explanation, a broken wish), and the phrase that words one on the page.

An item stored before keys existed, or whose key or values the page does not know, has no
phrase: its caller shows it the old way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

Values = Mapping[str, Any]
W = TypeVar("W")


def phrase_of(
    item: Mapping[str, Any],
    phrases: Mapping[str, Callable[[W, Values], str]],
    keys: Mapping[str, frozenset[str]],
) -> tuple[Callable[[W, Values], str], Values] | None:
    """The phrase wording `item` and its values; None unless the item has a known key and
    every value that key's phrase says (`keys`, the scheduler's table)."""
    key, values = str(item.get("key")), item.get("values")
    phrase = phrases.get(key)
    if phrase is None or not isinstance(values, Mapping) or not keys[key] <= values.keys():
        return None
    return phrase, values
