"""Every coloured badge of the stylesheet (severity, warning level, incident, roster, message
and swap states) reads at WCAG 2.1 AA (4.5:1 for its small text), computed from app.css itself
so that badges the demo data never shows (a yellow warning) are checked too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "web" / "static" / "app.css"
#: badge base class → the prefix of its variants
BADGES = {
    ".sev": ".sev-",
    ".level": ".level-",
    ".status": ".status-",
    ".rstatus": ".rstatus-",
    ".nstatus": ".nstatus-",
    ".sstatus": ".sstatus-",
}


def _rules(css: str) -> dict[str, dict[str, str]]:
    """selector → its declarations (later rules win), with var(--x) resolved from :root."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^}]*\})*\s*\}", "", css)
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        declarations = {
            k.strip(): v.strip().removesuffix("!important").strip()
            for k, _, v in (d.partition(":") for d in body.split(";") if ":" in d)
        }
        for selector in selectors.split(","):
            rules.setdefault(selector.strip(), {}).update(declarations)
    root = rules.get(":root", {})
    for declarations in rules.values():
        for key, value in declarations.items():
            declarations[key] = re.sub(r"var\((--[\w-]+)\)", lambda m: root[m.group(1)], value)
    return rules


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    x, y = _luminance(a), _luminance(b)
    return (max(x, y) + 0.05) / (min(x, y) + 0.05)


def _badges() -> list[tuple[str, str, str]]:
    rules = _rules(CSS.read_text(encoding="utf-8"))
    ink = rules[":root"]["--ink"]
    found = []
    for base, prefix in BADGES.items():
        for selector, declarations in rules.items():
            chart = "-fill-" in selector  # chart fills carry no text
            if not selector.startswith(prefix) or chart or "background" not in declarations:
                continue
            colour = declarations.get("color") or rules.get(base, {}).get("color") or ink
            found.append((selector, colour, declarations["background"]))
    return found


def test_the_stylesheet_has_the_badges_this_test_reads() -> None:
    selectors = {selector for selector, _, _ in _badges()}
    assert {".sev-III", ".level-yellow", ".status-open", ".rstatus-published"} <= selectors


@pytest.mark.parametrize(("selector", "colour", "background"), _badges())
def test_badge_text_meets_aa(selector: str, colour: str, background: str) -> None:
    ratio = contrast(colour, background)
    assert ratio >= 4.5, f"{selector}: {colour} on {background} is {ratio:.2f}:1"


def test_form_field_borders_stand_out_from_the_page() -> None:
    """WCAG 1.4.11: a text field's border is what shows it is there (3:1)."""
    rules = _rules(CSS.read_text(encoding="utf-8"))
    border = re.search(r"#[0-9a-fA-F]{3,6}", rules["input"]["border"])
    assert border, rules["input"]
    for background in ("#ffffff", rules[":root"]["--bg"]):
        assert contrast(border.group(0), background) >= 3, (border.group(0), background)
