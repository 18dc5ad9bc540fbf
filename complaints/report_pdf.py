"""The PDF form of an analysis report (fpdf2): the same sections as the HTML, tables and bar
charts drawn with the PDF's own primitives, the Chinese font embedded (subset)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from complaints.report_render import DIMENSION_ZH, LEVEL_ZH, STATUS_ZH
from escalation.models import CATEGORY_ZH

FAMILY = "cjk"
BAR_RGB = (47, 111, 178)


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


class ReportPdf:
    def __init__(self, font: Path) -> None:
        self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        self.pdf.add_font(FAMILY, "", str(font), collection_font_number=0)
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_margins(16, 16, 16)

    # -- building blocks --------------------------------------------------------------------

    def heading(self, text: str, size: int = 13) -> None:
        self.pdf.ln(3)
        self.pdf.set_font(FAMILY, size=size)
        self.pdf.set_text_color(20, 40, 80)
        self.pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_text_color(0, 0, 0)
        self.pdf.set_font(FAMILY, size=9.5)

    def para(self, text: str) -> None:
        self.pdf.set_font(FAMILY, size=9.5)
        self.pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")

    def table(self, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        if not rows:
            self.para("（无）")
            return
        self.pdf.set_font(FAMILY, size=9)
        with self.pdf.table(
            col_widths=tuple(widths),
            text_align="LEFT",
            line_height=5.5,
            first_row_as_headings=True,
            headings_style=FontFace(emphasis="", fill_color=(238, 243, 249)),
        ) as table:
            table.row(header)
            for row in rows:
                table.row(row)
        self.pdf.ln(1)

    def bars(self, rows: list[tuple[str, float]], *, label_w: float = 40) -> None:
        if not rows:
            return
        top = max(v for _, v in rows) or 1
        width = self.pdf.epw - label_w - 16
        self.pdf.set_font(FAMILY, size=8.5)
        for label, value in rows:
            if self.pdf.get_y() > self.pdf.h - 25:
                self.pdf.add_page()
            y = self.pdf.get_y()
            x = self.pdf.l_margin
            self.pdf.set_xy(x, y)
            self.pdf.cell(label_w - 2, 5, label[:16], align="R")
            w = value / top * width
            self.pdf.set_fill_color(*BAR_RGB)
            if w > 0:
                self.pdf.rect(x + label_w, y + 0.8, w, 3.6, style="F")
            self.pdf.set_xy(x + label_w + w + 1, y)
            self.pdf.cell(14, 5, f"{value:g}")
            self.pdf.set_xy(x, y + 5.5)
        self.pdf.ln(1)

    def columns(self, points: list[tuple[str, float]], height: float = 32) -> None:
        if not points:
            return
        if self.pdf.get_y() + height + 10 > self.pdf.h - 15:
            self.pdf.add_page()
        top = max(v for _, v in points) or 1
        x0, y0 = self.pdf.l_margin + 8, self.pdf.get_y() + 2
        col = min(6.0, (self.pdf.epw - 10) / len(points))
        self.pdf.set_draw_color(120, 120, 120)
        self.pdf.line(x0, y0 + height, x0 + col * len(points), y0 + height)
        self.pdf.set_fill_color(*BAR_RGB)
        self.pdf.set_font(FAMILY, size=6.5)
        self.pdf.set_xy(self.pdf.l_margin - 2, y0 - 1)
        self.pdf.cell(9, 3, f"{top:g}", align="R")
        step = max(1, len(points) // 10)
        for i, (label, value) in enumerate(points):
            h = value / top * height
            if h > 0:
                self.pdf.rect(x0 + i * col + 0.3, y0 + height - h, col - 0.6, h, style="F")
            if i % step == 0:
                self.pdf.set_xy(x0 + i * col - 2, y0 + height + 0.5)
                self.pdf.cell(col + 4, 3, label, align="C")
        self.pdf.set_y(y0 + height + 5)

    # -- the report ---------------------------------------------------------------------------

    def render(self, data: dict[str, Any]) -> bytes:
        pdf = self.pdf
        current = data["stats"]
        pdf.add_page()
        pdf.set_font(FAMILY, size=17)
        pdf.cell(
            0,
            10,
            f"投诉举报分析{data['kind_label']}（{data['period_title']}）",
            new_x="LMARGIN",
            new_y="NEXT",
            align="C",
        )
        pdf.set_font(FAMILY, size=9)
        pdf.cell(
            0,
            6,
            f"统计期间 {data['start']} 至 {data['end']}（{data['timezone']}），数据截至 "
            f"{data['as_of_local']}（{data['timezone']}）",
            new_x="LMARGIN",
            new_y="NEXT",
            align="C",
        )
        if data["preliminary"]:
            pdf.cell(
                0,
                6,
                "初步统计：统计期间尚未结束，以上为截至该时刻的数据；期间结束后将重新生成正式报告。",
                new_x="LMARGIN",
                new_y="NEXT",
                align="C",
            )
        self.heading("一、焦点提示与建议")
        for i, point in enumerate(data["focus"], 1):
            self.para(f"{i}. {point}")
        self.heading("二、总体情况")
        change = data["change"]["total"]
        self.table(
            [
                "接收总量",
                "上期",
                "环比",
                "投诉",
                "其中12345",
                "受理",
                "办结",
                "其中投诉办结",
                "调解成功",
                "诉转案",
                "超期在办",
            ],
            [
                [
                    str(current["total"]),
                    str(data["previous"]["total"]),
                    "—" if change is None else f"{change * 100:+.1f}%",
                    str(current["complaints"] + current.get("complaint_orders", 0)),
                    str(current.get("complaint_orders", 0)),
                    str(current["accepted"]),
                    str(current.get("concluded", current["closed"])),
                    str(current["complaints_closed"]),
                    str(current["mediation_successes"]),
                    str(current["converted_to_case"]),
                    str(current["overdue_open"]),
                ]
            ],
            [15, 12, 14, 12, 16, 12, 12, 22, 15, 14, 15],
        )
        if data.get("totals_basis"):
            self.para(data["totals_basis"])
        self.heading("每日接收量", size=11)
        self.columns([(d["day"][5:], float(d["count"])) for d in data["daily"]])
        self.heading("三、效能指标")
        self.table(
            ["指标", "分子", "分母", "比率"],
            [
                [f["label"], str(f["numerator"]), str(f["denominator"]), _pct(f["rate"])]
                for f in current["figures"]
            ],
            [60, 30, 30, 30],
        )
        self.heading("四、分类统计")
        for key, title in (
            ("by_type", "按类型"),
            ("by_channel", "按渠道"),
            ("by_domain", "按领域"),
            ("by_district", "按区县"),
        ):
            self.heading(title, size=11)
            self.bars([(r["label"], float(r["count"])) for r in current[key][:12]])
        self.heading("五、被投诉较多的经营者与案源线索")
        self.table(
            ["经营者", "件数"],
            [[str(b["name"]), str(b["count"])] for b in data["top_businesses"]],
            [130, 30],
        )
        self.table(
            ["线索组", "本期件数", "总件数", "关联依据", "经营者"],
            [
                [
                    f"#{c['id']}",
                    str(c["in_period"]),
                    str(c["size"]),
                    str(c["basis"]),
                    str(c["respondent"]),
                ]
                for c in data["top_clusters"]
            ],
            [20, 22, 22, 40, 66],
        )
        self.heading("六、预警情况")
        warn = data["warnings"]
        self.para(
            f"本期发出预警 {warn['raised']} 条："
            + (
                "，".join(f"{LEVEL_ZH.get(k, k)} {v} 条" for k, v in warn["by_level"].items())
                or "无"
            )
        )
        self.table(
            ["级别", "类别", "内容", "状态"],
            [
                [
                    LEVEL_ZH.get(w["level"], w["level"]),
                    DIMENSION_ZH.get(w["dimension"], w["dimension"]),
                    w["title"],
                    STATUS_ZH.get(w["status"], w["status"]),
                ]
                for w in warn["items"]
            ],
            [14, 22, 112, 18],
        )
        self.heading("七、值班值守")
        duty = data["duty"]
        median = duty["ack_median_minutes"]
        p90 = duty["ack_p90_minutes"]
        self.para(
            f"突发事件 {duty['incidents']} 起，已确认 {duty['acknowledged']} 起，确认用时中位数 "
            f"{median if median is not None else '—'} 分钟、"
            f"90% 分位 {p90 if p90 is not None else '—'} 分钟；"
            f"在初报时限内确认 {duty['acknowledged_within_initial_report_limit']} 起，"
            f"在时限内初报 {duty['initial_reported_within_limit']} 起、"
            f"书面报告 {duty['written_reported_within_limit']} 起；"
            f"呼叫无法送达 {duty['unreachable'].get('unreachable', 0)} 次，"
            f"升级链用尽 {duty['unreachable'].get('exhausted', 0)} 次。"
        )
        self.table(
            ["事件类别", "起数"],
            [[CATEGORY_ZH.get(k, k), str(v)] for k, v in duty["by_category"].items()],
            [80, 30],
        )
        self.table(
            ["确认人", "次数", "中位(分钟)", "90%分位(分钟)"],
            [
                [p["label"], str(p["count"]), str(p["median_minutes"]), str(p["p90_minutes"])]
                for p in duty["ack_per_person"]
            ],
            [70, 25, 35, 35],
        )
        self.table(
            ["升级步骤", "次数", "中位(分钟)", "90%分位(分钟)"],
            [
                [
                    f"第 {s['key']} 步",
                    str(s["count"]),
                    str(s["median_minutes"]),
                    str(s["p90_minutes"]),
                ]
                for s in duty["ack_per_step"]
            ],
            [70, 25, 35, 35],
        )
        self.pdf.set_title(f"投诉举报分析{data['kind_label']} {data['period_key']}")
        self.pdf.set_creator("DutyDesk")
        return bytes(self.pdf.output())
