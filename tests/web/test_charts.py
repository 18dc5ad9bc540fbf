"""The SVG charts: escaped labels, bar widths proportional to the values, totals written."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from web.charts import Bar, Segment, Series, columns, hbars


def test_horizontal_bars_scale_and_escape() -> None:
    svg = hbars(
        [
            Bar("<I>", (Segment(2, "a", "open"), Segment(2, "b", "ack"))),
            Bar("II", (Segment(1, "a"),)),
        ],
        title="T & U",
    )
    root = ET.fromstring(str(svg))  # well-formed XML
    widths = [float(r.get("width", 0)) for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert widths[0] == widths[1] and abs(widths[2] - widths[0] / 2) < 0.2
    assert "&lt;I&gt;" in svg and "T &amp; U" in svg
    assert re.findall(r'class="val"[^>]*>(\d+)<', svg) == ["4", "1"]


def test_stacked_columns_with_markers() -> None:
    svg = columns(
        ["w1", "w2"],
        [Series("s", "c", (2, None)), Series("t", "d", (1, 0))],
        title="cols",
        markers=Series("p90", "m", (5, None)),
    )
    root = ET.fromstring(str(svg))
    ns = "{http://www.w3.org/2000/svg}"
    assert len(list(root.iter(f"{ns}rect"))) == 2  # zero and missing values draw nothing
    assert len([e for e in root.iter(f"{ns}line") if e.get("class") == "m"]) == 1
    assert ">5<" in svg  # the axis top is the highest marker
