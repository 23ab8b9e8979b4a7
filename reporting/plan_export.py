"""A plan written in the flat layout (reporting.plan_sheet): the export that import reads back
unchanged, and the template to fill in, with its instructions and an example."""

import functools

import yaml
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from plans.models import Plan
from reporting.cells import new_workbook, set_text, sheet_text, workbook_bytes
from reporting.plan_builder import FIXTURES_DIR
from reporting.plan_sheet import (
    COLUMNS,
    NARRATIVE_COLUMNS,
    NARRATIVE_SHEET,
    OPTIONAL_COLUMNS,
    data_rows,
    narrative_data,
    narrative_rows,
    plan_columns,
    plan_data,
)
from reporting.uploads import MAX_UPLOAD_BYTES, PLAN_SHEET, megabytes

# Writing workbooks --------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
WRAP = Alignment(wrap_text=True, vertical="top")


def write_text(cell, value) -> None:
    """Store text as a string, never a formula (reporting.cells), wrapped."""
    set_text(cell, sheet_text(value))
    cell.alignment = WRAP


def write_plan_sheet(worksheet, rows: list[dict], columns=COLUMNS) -> None:
    """The layout on a worksheet: header, rows, widths, wrapped text, frozen header."""
    worksheet.append([column.title for column in columns])
    for cell in worksheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            cell = worksheet.cell(row=row_number, column=index)
            write_text(cell, row.get(column.key, ""))
            if column.number:
                cell.number_format = "@"
    for index, column in enumerate(columns, start=1):
        dimension = worksheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.number:
            dimension.number_format = "@"
    worksheet.freeze_panes = "A2"


def plan_workbook(plan: Plan) -> bytes:
    """The plan in the layout, as an xlsx file that plan import reads back unchanged."""
    workbook, worksheet = new_workbook(plan.full_title, PLAN_SHEET)
    write_plan_sheet(worksheet, data_rows(plan_data(plan)), plan_columns(plan))
    narrative = workbook.create_sheet(NARRATIVE_SHEET)
    write_plan_sheet(narrative, narrative_rows(narrative_data(plan)), NARRATIVE_COLUMNS)
    return workbook_bytes(workbook)


@functools.cache
def example_data() -> dict:
    """A few rows of Medway's business plan (the demo data), to show the layout in use: a
    priority, two outcomes, an action each and their steps."""
    path = FIXTURES_DIR / "plans" / "medway-scp-business-plan-2021-23.yaml"
    try:
        medway = yaml.safe_load(path.read_text())
    except OSError:
        return {}
    priority = medway["priorities"][0]
    outcomes = []
    for outcome in priority["outcomes"][:2]:
        actions = [{**a, "steps": a.get("steps", [])[:3]} for a in outcome["actions"][:1]]
        outcomes.append({**outcome, "actions": actions})
    return {"priorities": [{**priority, "outcomes": outcomes}]}


def template_workbook(partnership) -> bytes:
    """The layout to fill in: instructions (with the partnership's theme codes and ratings),
    an empty Plan sheet that import reads, and an Example sheet that it does not."""
    workbook, instructions = new_workbook("Plan layout", "Instructions")
    for row_number, line in enumerate(instruction_lines(partnership), start=1):
        for column, text in enumerate(line, start=1):
            set_text(instructions.cell(row=row_number, column=column), sheet_text(text))
    instructions.column_dimensions["A"].width = 24
    instructions.column_dimensions["B"].width = 100
    for row in instructions.iter_rows():
        for cell in row:
            cell.alignment = WRAP
    instructions["A1"].font = Font(bold=True, size=14)
    write_plan_sheet(workbook.create_sheet(PLAN_SHEET), [])
    write_plan_sheet(workbook.create_sheet(NARRATIVE_SHEET), narrative_rows({}), NARRATIVE_COLUMNS)
    write_plan_sheet(workbook.create_sheet("Example"), data_rows(example_data()))
    return workbook_bytes(workbook)


def instruction_lines(partnership) -> list[list[str]]:
    themes = list(partnership.themes.live())
    ratings = list(partnership.ratings.live())
    lines = [
        [f"Importing a plan into {partnership.name}"],
        [],
        ["1.", "Fill in the Plan sheet: one row for each action, and one for each step."],
        ["2.", "Keep the column names in the first row as they are."],
        [
            "3.",
            "An action row leaves Step label and Step blank. A step row repeats its "
            "action's number and leaves the Action column blank.",
        ],
        [
            "4.",
            "Write a priority's and an outcome's text on its first row only. On later rows "
            "repeat the number, or leave the number and text blank: blank means the same "
            "as the row above.",
        ],
        [
            "5.",
            "A row with only the priority and outcome columns (and a Note) is an outcome on "
            "its own: use it for an outcome's note or an outcome without actions yet.",
        ],
        ["6.", "Type text, not formulas: a cell that starts with = is refused."],
        [
            "7.",
            f"Save as Excel Workbook (.xlsx) or CSV UTF-8, at most "
            f"{megabytes(MAX_UPLOAD_BYTES)}, and upload it. You see every change before "
            "anything is saved.",
        ],
        [
            "8.",
            "The Narrative sheet holds the plan's introduction, notes and appendices (a row "
            "each, in the Text column) and its core activities: standing business outside "
            "the numbered priorities, a row each with its lead and timeframe. Leave it out "
            "(or delete the sheet) to keep the plan's narrative as it is.",
        ],
        ["9.", "The Example sheet shows a few rows of a real plan. It is not imported."],
        [],
        ["Column", "What goes in it"],
        *[[column.title, column.hint] for column in COLUMNS + OPTIONAL_COLUMNS],
        [],
        ["Narrative sheet", "What goes in it"],
        *[[column.title, column.hint] for column in NARRATIVE_COLUMNS],
        [],
        [
            "Theme codes",
            ", ".join(f"{t.code} = {t.name}" for t in themes)
            or "This partnership has no cross-cutting themes: leave Themes blank.",
        ],
        ["Ratings", ", ".join(r.label for r in ratings) or "No ratings are set up yet."],
    ]
    return lines
