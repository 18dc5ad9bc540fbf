"""Server-rendered SVG charts (no JavaScript, no external service): stacked horizontal bars
and stacked columns. Colours come from CSS classes in app.css, so the strict CSP holds.
Pure functions: figures in, markup out."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class Segment:
    value: float
    css: str
    label: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    values: tuple[float | None, ...]


def _fmt(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def hbars(bars: list[Bar], *, title: str, width: int = 460, row: int = 28) -> Markup:
    """One horizontal bar per row, its segments stacked, the total written after it."""
    label_w, right_pad = 120, 40
    scale_w = width - label_w - right_pad
    top = max((b.total for b in bars), default=0) or 1
    body: list[str] = []
    for index, bar in enumerate(bars):
        y = index * row + 4
        body.append(
            f'<text class="lbl" x="{label_w - 8}" y="{y + row / 2}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(bar.label)}</text>'
        )
        x = float(label_w)
        for segment in bar.segments:
            if segment.value <= 0:
                continue
            w = segment.value / top * scale_w
            body.append(
                f'<rect class="{escape(segment.css)}" x="{x:.1f}" y="{y + 4}" width="{w:.1f}" '
                f'height="{row - 10}"><title>{escape(segment.label)}: {_fmt(segment.value)}'
                "</title></rect>"
            )
            x += w
        body.append(
            f'<text class="val" x="{x + 6:.1f}" y="{y + row / 2}" '
            f'dominant-baseline="middle">{_fmt(bar.total)}</text>'
        )
    return _svg(width, len(bars) * row + 8, title, body)


def columns(
    labels: list[str],
    series: list[Series],
    *,
    title: str,
    height: int = 200,
    col: int = 44,
    markers: Series | None = None,
    tips: list[str] | None = None,
) -> Markup:
    """Stacked columns, one per label; `markers` (optional) draws a tick per column, e.g. the
    90th percentile over a median column; `tips` (optional) names each column in its tooltips
    where the axis labels only some."""
    left, bottom, top_pad = 36, 34, 14
    width = left + col * len(labels) + 10
    plot_h = height - bottom - top_pad
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    peaks = totals + [v or 0 for v in (markers.values if markers else ())]
    top = max(peaks, default=0) or 1
    body = [
        f'<line class="axis" x1="{left}" y1="{top_pad + plot_h}" x2="{width - 4}" '
        f'y2="{top_pad + plot_h}"/>',
        f'<text class="tick" x="{left - 4}" y="{top_pad + 4}" text-anchor="end">{_fmt(top)}</text>',
        f'<text class="tick" x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end">0</text>',
    ]
    for index, label in enumerate(labels):
        tip = tips[index] if tips is not None else label
        x = left + index * col + 6
        y = float(top_pad + plot_h)
        for s in series:
            value = s.values[index] or 0
            if value <= 0:
                continue
            h = value / top * plot_h
            y -= h
            body.append(
                f'<rect class="{escape(s.css)}" x="{x}" y="{y:.1f}" width="{col - 12}" '
                f'height="{h:.1f}"><title>{escape(tip)} {escape(s.name)}: {_fmt(value)}'
                "</title></rect>"
            )
        if totals[index]:
            body.append(
                f'<text class="val" x="{x + (col - 12) / 2}" y="{y - 3:.1f}" '
                f'text-anchor="middle">{_fmt(totals[index])}</text>'
            )
        if markers is not None and markers.values[index] is not None:
            marker = markers.values[index] or 0
            my = top_pad + plot_h - marker / top * plot_h
            body.append(
                f'<line class="{escape(markers.css)}" x1="{x - 2}" y1="{my:.1f}" '
                f'x2="{x + col - 10}" y2="{my:.1f}"><title>{escape(tip)} '
                f"{escape(markers.name)}: {_fmt(marker)}</title></line>"
            )
        body.append(
            f'<text class="lbl" x="{x + (col - 12) / 2}" y="{height - bottom + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return _svg(width, height, title, body)
