"""The roster as an Excel workbook (openpyxl): the grid as worked with one colour per shift
(cells changed by an approved swap or a cover have a dashed border and a note with the
plan), holidays and make-up days marked, the leader on duty, then per-person totals.

Every value goes in through `put`: a string is stored as text, never as a formula, whatever
it starts with (a person named `=HYPERLINK(…)` stays a name; OWASP "CSV injection")."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.workcal import DayKind
from web.holiday_names import holiday_name
from web.i18n import DEFAULT_LOCALE, LOCALES, gettext, pgettext_in
from web.labels import label_id
from web.roster_view import RosterGrid

# The same colours as .shift-c0 … .shift-c7 in static/app.css.
SHIFT_FILLS = ["CFE8FF", "FFD6A5", "D3F8D3", "E7D4FF", "FFF3B0", "FFCFD2", "C6F1F0", "E0E0E0"]
DAY_FILLS = {
    DayKind.HOLIDAY: "F8C9C9",
    DayKind.WEEKEND: "EEEEEE",
    DayKind.MAKEUP_WORKDAY: "FFE8A3",
}
THIN = Side(style="thin", color="B0B7C3")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DASHED = Side(style="mediumDashed", color="1C64F2")
ADJUSTED_BORDER = Border(left=DASHED, right=DASHED, top=DASHED, bottom=DASHED)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def put(
    sheet: Worksheet, row: int, column: int, value: str | float | None = None
) -> Cell | MergedCell:
    """The cell at (`row`, `column`) holding `value`; a string is stored as text (openpyxl
    would make one starting with '=' a formula), marked with a quote prefix when a
    spreadsheet would read it as a formula once edited."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return cell
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    return cell


def _fill(colour: str) -> PatternFill:
    return PatternFill(start_color=colour, end_color=colour, fill_type="solid")


def roster_workbook(
    grid: RosterGrid, *, unit_name: str, locale: str, generated_at: datetime, tz: ZoneInfo
) -> bytes:
    locale = locale if locale in LOCALES else DEFAULT_LOCALE

    def _(message: str) -> str:
        return gettext(locale, message)

    def pgettext(context: str, message: str) -> str:
        return pgettext_in(locale, context, message)

    def label(kind: str, value: object) -> str:
        message = label_id(kind, value)
        return _(message) if message else str(value)

    roster = grid.roster
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Roster")[:31]
    roster_word, exported_word = _("Roster"), _("Exported")
    status = label("roster_status", roster.status)
    title = (
        f"{unit_name} {roster_word} {roster.period_start} – {roster.period_end} "
        f"v{roster.version} ({status})"
    )
    put(sheet, 1, 1, title).font = Font(bold=True, size=13)
    exported_at = f"{generated_at.astimezone(tz):%Y-%m-%d %H:%M} ({tz.key})"
    put(sheet, 2, 1, f"{exported_word} {exported_at}")
    header_row, weekday_row, first_person_row = 4, 5, 7
    put(sheet, header_row, 1, _("Name")).font = Font(bold=True)
    put(sheet, weekday_row, 1, _("Day"))
    leader_row = 6
    put(sheet, leader_row, 1, _("Leader on duty")).font = Font(bold=True)
    for index, day in enumerate(grid.days, start=2):
        top = put(sheet, header_row, index, day.day.strftime("%m-%d"))
        top.font = Font(bold=True)
        mark = label("weekday", day.day.weekday())
        if day.kind in (DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY):
            mark += " " + (holiday_name(day.holiday_name, _) or label("day_kind", day.kind))
            if day.estimated:  # no official notice loaded for the day
                mark += " (" + _("estimated") + ")"
        put(sheet, weekday_row, index, mark)
        put(sheet, leader_row, index, "、".join(grid.leaders.get(day.day, [])))
        for row in (header_row, weekday_row, leader_row):
            cell = put(sheet, row, index)
            cell.alignment, cell.border = CENTRE, BORDER
            if day.kind in DAY_FILLS:
                cell.fill = _fill(DAY_FILLS[day.kind])
        sheet.column_dimensions[get_column_letter(index)].width = 7
    sheet.column_dimensions["A"].width = 14
    for offset, person in enumerate(grid.people):
        row = first_person_row + offset
        put(sheet, row, 1, person.name).border = BORDER
        for index, day in enumerate(grid.days, start=2):
            cell = put(sheet, row, index)
            cell.alignment, cell.border = CENTRE, BORDER
            assert person.id is not None
            shift = grid.cell(person.id, day.day)
            if shift is not None:
                put(sheet, row, index, shift.name)
                cell.fill = _fill(SHIFT_FILLS[shift.colour])
            planned = grid.adjusted.get((person.id, day.day))
            if planned is not None:
                name = grid.shifts[planned].name if planned in grid.shifts else _("off")
                cell.border = ADJUSTED_BORDER
                cell.comment = Comment(_("planned: %(shift)s") % {"shift": name}, "DutyDesk")
    legend_row = first_person_row + len(grid.people) + 1
    # the shift types' legend (班次), not the count of shifts of the totals (班次数)
    put(sheet, legend_row, 1, pgettext("shift legend", "Shifts")).font = Font(bold=True)
    for offset, shift in enumerate(grid.shifts.values(), start=1):
        cell = put(sheet, legend_row + offset, 1, f"{shift.name} {shift.start}–{shift.end}")
        cell.fill = _fill(SHIFT_FILLS[shift.colour])
    sheet.freeze_panes = f"B{first_person_row}"

    totals = book.create_sheet(_("Totals")[:31])
    headers = [
        _("Name"),
        _("Shifts"),
        _("Hours"),
        _("Nights"),
        _("Weekends"),
        _("Holidays"),
        _("Nights incl. history"),
        _("Weekends incl. history"),
        _("Holidays incl. history"),
    ]
    keys = [
        "shifts",
        "hours",
        "nights",
        "weekends",
        "holidays",
        "nights_with_history",
        "weekends_with_history",
        "holidays_with_history",
    ]
    for column, text in enumerate(headers, start=1):
        put(totals, 1, column, text).font = Font(bold=True)
        totals.column_dimensions[get_column_letter(column)].width = 12
    for row, person in enumerate(grid.people, start=2):
        assert person.id is not None
        figures = grid.totals.get(person.id, {})
        put(totals, row, 1, person.name)
        for column, key in enumerate(keys, start=2):
            put(totals, row, column, figures.get(key, 0))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
