"""Renders an analysis report's figures (the JSON document of `complaints.reports`) as a
self-contained HTML page (Jinja template `complaints/templates/report.html`, inline SVG
charts and styles, no external asset) and as a PDF (fpdf2) with a Chinese font embedded.

The font is a setting (`DUTYDESK_REPORT_FONT`, a .ttf/.otf/.ttc path). Unset, the first that
exists of: Noto Sans SC from the `pylopdf-fonts-zh-cn` package (a dependency, so a fresh
install has it), Debian's WenQuanYi Zen Hei, Debian's Noto Sans CJK. A missing or unusable
font raises `FontUnavailable` with a clear message; `pdf_or_error` turns that into the
report's `pdf_error` instead of failing the report.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from complaints.stats import DEFINITIONS
from escalation.models import CATEGORY_ZH

TEMPLATES = Path(__file__).resolve().parent / "templates"
SYSTEM_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
LEVEL_ZH = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}
DIMENSION_ZH = {
    "total": "总量",
    "domain": "领域",
    "district": "区县",
    "business": "经营者",
    "keyword": "关键词",
    "incident_category": "突发事件",
    "unreachable": "呼叫未送达",
    "ack_latency": "确认时效",
    "roster_gap": "值班缺员",
}
STATUS_ZH = {"open": "未处理", "acknowledged": "已确认", "closed": "已关闭"}


class FontUnavailable(RuntimeError):
    """No usable Chinese font for the PDF."""


def packaged_font() -> Path | None:
    spec = importlib.util.find_spec("pylopdf_fonts_zh_cn")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "NotoSansSC-Regular.otf"
    return path if path.exists() else None


def resolve_font(configured: str | None) -> Path:
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise FontUnavailable(
                f"DUTYDESK_REPORT_FONT={configured} does not exist: point it at a Chinese "
                ".ttf/.otf/.ttc font, or unset it to use the bundled Noto Sans SC"
            )
        return path
    for candidate in (packaged_font(), *SYSTEM_FONTS):
        if candidate is not None and candidate.is_file():
            return candidate
    raise FontUnavailable(
        "no Chinese font found: install the pylopdf-fonts-zh-cn package or Debian's "
        "fonts-wqy-zenhei, or set DUTYDESK_REPORT_FONT to a .ttf/.otf/.ttc file"
    )


# ---- charts (SVG for HTML) ----------------------------------------------------------------------


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def svg_hbars(rows: list[tuple[str, float]], *, title: str, width: int = 560) -> Markup:
    row, label_w = 24, 130
    scale = width - label_w - 50
    top = max((v for _, v in rows), default=0) or 1
    body = []
    for i, (label, value) in enumerate(rows):
        y = i * row + 4
        w = value / top * scale
        body.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" class="l">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" class="b"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" class="v">{_fmt(value)}</text>'
        )
    height = len(rows) * row + 8
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def svg_columns(points: list[tuple[str, float]], *, title: str, height: int = 180) -> Markup:
    left, bottom, top_pad = 34, 26, 10
    col = max(8, min(28, 640 // max(len(points), 1)))
    width = left + col * len(points) + 8
    plot = height - bottom - top_pad
    top = max((v for _, v in points), default=0) or 1
    body = [
        f'<line x1="{left}" y1="{top_pad + plot}" x2="{width}" y2="{top_pad + plot}" class="a"/>',
        f'<text x="{left - 4}" y="{top_pad + 8}" text-anchor="end" class="v">{_fmt(top)}</text>',
    ]
    step = max(1, len(points) // 10)
    for i, (label, value) in enumerate(points):
        h = value / top * plot
        x = left + i * col + 1
        body.append(
            f'<rect x="{x}" y="{top_pad + plot - h:.1f}" width="{col - 2}" height="{h:.1f}" '
            f'class="b"><title>{escape(label)}: {_fmt(value)}</title></rect>'
        )
        if i % step == 0:
            body.append(
                f'<text x="{x + col / 2}" y="{height - 8}" text-anchor="middle" class="l">'
                f"{escape(label)}</text>"
            )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _change(rate: float | None) -> str:
    return "—" if rate is None else f"{'+' if rate >= 0 else ''}{rate * 100:.1f}%"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = _pct
    env.filters["change"] = _change
    env.globals.update(
        level_zh=LEVEL_ZH,
        category_zh=CATEGORY_ZH,
        dimension_zh=DIMENSION_ZH,
        status_zh=STATUS_ZH,
        definition_zh={name: d.zh for name, d in DEFINITIONS.items()},
    )
    return env


def charts(data: dict[str, Any]) -> dict[str, Markup]:
    current = data["stats"]
    return {
        "daily": svg_columns(
            [(d["day"][5:], float(d["count"])) for d in data["daily"]], title="每日接收量"
        ),
        "domain": svg_hbars(
            [(r["label"], float(r["count"])) for r in current["by_domain"][:10]], title="按领域"
        ),
        "channel": svg_hbars(
            [(r["label"], float(r["count"])) for r in current["by_channel"][:10]], title="按渠道"
        ),
        "district": svg_hbars(
            [(r["label"], float(r["count"])) for r in current["by_district"][:10]], title="按区县"
        ),
    }


def html(data: dict[str, Any]) -> str:
    return _environment().get_template("report.html").render(data=data, charts=charts(data))


# ---- PDF ----------------------------------------------------------------------------------------


def pdf_or_error(data: dict[str, Any], font: str | None) -> tuple[bytes | None, str | None]:
    try:
        return pdf(data, resolve_font(font)), None
    except FontUnavailable as exc:
        return None, str(exc)
    except Exception as exc:  # a font the PDF library cannot read, …: the HTML still stands
        return None, f"the PDF could not be written: {type(exc).__name__}: {exc}"[:500]


def pdf(data: dict[str, Any], font: Path) -> bytes:
    from complaints.report_pdf import ReportPdf

    return ReportPdf(font).render(data)
