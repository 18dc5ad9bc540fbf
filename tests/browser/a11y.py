"""Accessibility checks run inside a page (`a11y.js`), computed from the styles the browser
applied: WCAG 2.1 AA contrast of text (1.4.3) and of the focus ring (1.4.11), labels of form
controls, header cells, the heading outline, the landmarks and the page's language. Each
returns what it found wrong, worded for a test failure (empty when the page passes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_CHECKS = (Path(__file__).with_name("a11y.js")).read_text(encoding="utf-8")


def _run(page: Any, check: str, arg: Any = None) -> Any:
    return page.evaluate(f"(arg) => ({_CHECKS.strip()}).{check}(arg)", arg)


def text_contrast(page: Any) -> list[str]:
    """Text whose contrast with what is behind it is below WCAG 2.1 AA."""
    return list(_run(page, "textContrast"))


def focus_ring(page: Any) -> str:
    """'' when the focused element shows a ring of at least 3:1, else what is wrong."""
    return str(_run(page, "focusRing"))


def structure(page: Any, lang: str) -> list[str]:
    """Language, landmarks, heading outline, labels of controls, header cells."""
    return list(_run(page, "structure", lang))
