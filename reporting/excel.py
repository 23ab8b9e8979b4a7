"""The Excel progress report: a meeting pack (reporting.packs.Pack) as a workbook.

A Summary sheet (counts on the fixed scale, theme coverage, exceptions, changes since the last
meeting), then one sheet per plan with the columns of the PDF's plan tables, ready to filter
and print. Every text cell goes through reporting.cells.set_text, so nothing a user typed can
run as a formula.
"""

import re

from django.utils import timezone
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from actions.display import step_text
from plans.models import RagRating, readable_text_colour
from reporting.cells import new_workbook, set_text, workbook_bytes
from reporting.packs import ActionLine, Pack, change_words, measures_text

DATE_FORMAT = "d mmm yyyy"
DATETIME_FORMAT = "d mmm yyyy hh:mm"
SCALE_COLUMNS = [*RagRating.Scale.choices, (None, "No update")]

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=16)
HEADING = Font(bold=True, size=13)
HEADER_FILL = PatternFill(fill_type="solid", fgColor="FFF3F2F1")
HEADER_BORDER = Border(bottom=Side(style="medium", color="FF0B0C0C"))
WRAP = Alignment(wrap_text=True, vertical="top")

# An action's lead, timing and rating as every workbook shows them, in this order (the packs'
# plan sheets and the agency reports): heading and width (in characters).
ACTION_STATUS_COLUMNS = [
    ("Lead", 26),
    ("Timeframe", 18),
    ("Due date", 12),
    ("Rating", 13),
    ("Rating date", 12),
    ("Latest commentary", 50),
]
# The plan sheets' columns.
PLAN_COLUMNS = [
    ("Priority", 24),
    ("Outcome", 36),
    ("Action number", 9),
    ("Action", 60),
    ("Themes", 20),
    *ACTION_STATUS_COLUMNS,
    ("Evidence", 36),
    ("Change since last meeting", 24),
    ("Past due date", 9),
    ("How we will know (outcome measures)", 40),
]
# The Summary sheet's tables share its columns: a name, then counts or short values, then text.
SUMMARY_WIDTHS = [40, 12, 14, 14, 14, 26, 50, 50, 40]
# The Summary: its facts (a label, then values as long as "15/09/2024 14:05") and the table
# of counts (the plan, the priority, then numbers).
SUMMARY_SHEET_WIDTHS = [48, 48, 10, *(12 for _ in SCALE_COLUMNS)]

SHEET_NAME_LIMIT = 31
RESERVED_SHEET_NAMES = {"history"}  # Excel keeps it for tracked changes
INVALID_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


# The sheets after the Summary, each one table that sorts and filters: (title, writer, widths).
LIST_SHEETS = ["Exceptions", "Changes", "Themes", "Ratings"]


def render_pack_xlsx(pack: Pack) -> bytes:
    """The Summary (the pack's facts and one table of counts by plan and priority), a sheet
    for each list (exceptions, changes, themes, ratings), then a sheet per plan: each table
    alone on its sheet, with its header frozen and filters, so that it sorts and filters."""
    workbook, summary = new_workbook(pack.title, "Summary")
    write_summary(summary, pack)
    writers = [write_exceptions, write_changes, write_themes, write_ratings_legend]
    for title, writer in zip(LIST_SHEETS, writers, strict=True):
        sheet = workbook.create_sheet(title)
        header, last = writer(sheet, 1, pack)
        finish_table(sheet, header, last)
        set_widths(sheet, SUMMARY_WIDTHS)
        print_setup(sheet, pack, f"{title}: {pack.title}", repeat_rows=f"{header}:{header}")
    taken = {"summary", *(title.lower() for title in LIST_SHEETS)}
    for plan_pack in pack.plans:
        plan = plan_pack.plan
        sheet = workbook.create_sheet(sheet_name(plan_sheet_title(plan), taken))
        write_plan_sheet(sheet, pack, plan_pack)
    return workbook_bytes(workbook)


def plan_sheet_title(plan) -> str:
    """The plan's title, shortened to leave room for its period: a sheet name holds 31."""
    if not plan.period or plan.period in plan.title:
        return plan.title
    room = SHEET_NAME_LIMIT - len(plan.period) - 1
    title = plan.title
    if len(title) > room:  # cut at a word, not within one
        title = title[: room + 1].rsplit(" ", 1)[0] if " " in title[:room] else title[:room]
    return f"{title.rstrip(' ,–-')} {plan.period}"


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid worksheet name for text, unique among taken (lower-cased names, updated here).

    Excel allows at most 31 characters, none of []:*?/\\, no apostrophe at either end, and
    compares names without regard to case.
    """
    name = re.sub(r"\s+", " ", INVALID_SHEET_CHARACTERS.sub("-", text)).strip(" '")
    base = name[:SHEET_NAME_LIMIT].strip(" '") or "Plan"
    candidate, number = base, 1
    while candidate.lower() in taken or candidate.lower() in RESERVED_SHEET_NAMES:
        number += 1
        suffix = f" ({number})"
        candidate = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip(" '") + suffix
    taken.add(candidate.lower())
    return candidate


# Cells.


def put(sheet: Worksheet, row: int, column: int, value, *, font=None, number_format=None):
    """Write one cell: text through set_text (never a formula), dates and numbers as they are."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    if font:
        cell.font = font
    cell.alignment = WRAP
    return cell


def put_date(sheet, row, column, value):
    return put(sheet, row, column, value, number_format=DATE_FORMAT)


def put_rating(sheet, row, column, rating):
    """The partnership's word for the rating, filled with its colour in a readable font."""
    if rating is None:
        return put(sheet, row, column, "No update", font=Font(italic=True))
    cell = put(sheet, row, column, rating.label)
    colour = rating.colour.lstrip("#").upper()
    cell.fill = PatternFill(fill_type="solid", fgColor=f"FF{colour}")
    text = readable_text_colour(rating.colour).lstrip("#").upper()
    cell.font = Font(bold=True, color=f"FF{text}")
    return cell


def header_row(sheet, row, headings):
    for column, heading in enumerate(headings, start=1):
        cell = put(sheet, row, column, heading, font=BOLD)
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER


def set_widths(sheet, widths):
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def print_setup(sheet, pack: Pack, title: str, *, repeat_rows: str | None = None, a3=False):
    """Landscape A4 (A3 for a plan's fourteen columns, so they print at a readable size),
    fitted to the page's width, with the title and page numbers on each page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3 if a3 else sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    if repeat_rows:
        sheet.print_title_rows = repeat_rows
    marking = pack.partnership.protective_marking
    sheet.oddHeader.left.text = header_text(pack.partnership.short_name)
    # The marking at the top and bottom of every printed page, as on the PDF's.
    sheet.oddHeader.center.text = header_text(
        f"{marking}\n{title[:120]}" if marking else title[:120]
    )
    sheet.oddHeader.right.text = header_text(f"As at {pack.as_at:%-d %B %Y}")
    sheet.oddFooter.left.text = header_text(pack.standing)
    sheet.oddFooter.center.text = f"{header_text(marking)}  Page &P of &N".strip()


def header_text(text: str) -> str:
    """Text for a print header, where & starts a code."""
    return text.replace("&", "&&")


# What a line says.


def outcome_text(outcome) -> str:
    return f"{outcome.number} {outcome.text}".strip()


def priority_text(priority) -> str:
    if priority is None:
        return ""
    if priority.overarching:
        return f"Overarching: {priority.number} {priority.title}".replace("  ", " ")
    return f"{priority.number} {priority.title}".strip()


def action_text(action) -> str:
    """The action's words, then each step on its own line with its label, timeframe and lead."""
    lines = [action.text] if action.text else []
    lines += [step_text(step, evidence=False) for step in action.live_steps]
    return "\n".join(lines)


def themes_text(action) -> str:
    return "\n".join(
        f"{theme.code} {theme}" for theme in action.live_themes if theme.deleted_at is None
    )


def evidence_text(line: ActionLine) -> str:
    lines = [line.update.evidence] if line.update and line.update.evidence else []
    lines += [
        f"{step.label or '•'} {step.evidence}" for step in line.action.live_steps if step.evidence
    ]
    return "\n".join(lines)


def change_text(line: ActionLine, pack: Pack) -> str:
    return "; ".join(change_words(line, previous_meeting=pack.previous_meeting))


def plan_name(pack: Pack, line: ActionLine) -> str:
    """The title of the line's plan (from the pack: the line's action does not load it)."""
    for plan_pack in pack.plans:
        if plan_pack.plan.pk == line.action.outcome.plan_id:
            return plan_pack.plan.full_title
    return ""


def action_number(line: ActionLine) -> str:
    return line.action.number or "–"


# The sheets.


def write_plan_sheet(sheet: Worksheet, pack: Pack, plan_pack) -> None:
    plan = plan_pack.plan
    header_row(sheet, 1, [heading for heading, _ in PLAN_COLUMNS])
    row = 1
    for line in plan_pack.core:
        row += 1
        write_plan_row(sheet, row, pack, None, None, line)
    for block in plan_pack.priorities:
        for outcome_block in block.outcomes:
            for line in outcome_block.lines:
                row += 1
                write_plan_row(sheet, row, pack, block.priority, outcome_block.outcome, line)
    set_widths(sheet, [width for _, width in PLAN_COLUMNS])
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(PLAN_COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{row}"
    print_setup(sheet, pack, plan.full_title, repeat_rows="1:1", a3=True)


def put_progress(sheet, row: int, column: int, line: ActionLine) -> None:
    """From column on: the due date, the rating, its update's date and commentary."""
    update = line.update
    put_date(sheet, row, column, line.action.due_date)
    put_rating(sheet, row, column + 1, line.rating)
    put_date(sheet, row, column + 2, update.reported_on if update else None)
    put(sheet, row, column + 3, update.commentary if update else "")


def write_plan_row(sheet, row, pack, priority, outcome, line: ActionLine) -> None:
    action = line.action
    core = action.kind == action.Kind.CORE_ACTIVITY
    values = [
        "Core activity" if core else priority_text(priority),
        outcome_text(outcome) if outcome else "",
        action.number,
        action_text(action),
        themes_text(action),
        action.lead,
        action.timeframe,
    ]
    for column, value in enumerate(values, start=1):
        put(sheet, row, column, value)
    put_progress(sheet, row, 8, line)
    put(sheet, row, 12, evidence_text(line))
    put(sheet, row, 13, change_text(line, pack))
    put(sheet, row, 14, "Yes" if line.overdue else "No")
    put(sheet, row, 15, measures_text(line))


def write_summary(sheet: Worksheet, pack: Pack) -> None:
    put(sheet, 1, 1, pack.title, font=TITLE)
    sheet.cell(row=1, column=1).alignment = Alignment(vertical="top")  # let it run across
    facts = [("Partnership", pack.partnership.name)]
    if pack.partnership.protective_marking:
        facts.append(("Protective marking", pack.partnership.protective_marking))
    if pack.meeting:
        facts.append(("Meeting", f"{pack.meeting.title or pack.meeting.group.name}"))
        facts.append(("This pack is", pack.standing))
        if pack.meeting.reporting_period:
            facts.append(("Reporting period", pack.meeting.reporting_period))
    facts += [
        ("Ratings as at", pack.as_at),
        ("Changes since", pack.previous_meeting or "No earlier meeting is recorded"),
        ("Generated", timezone.localtime(pack.generated_at).replace(tzinfo=None)),
        ("Plans", len(pack.plans)),
        ("Actions", sum(pack.counts.values())),
    ]
    row = 2
    for label, value in facts:
        row += 1
        put(sheet, row, 1, label, font=BOLD)
        cell = put(sheet, row, 2, value)
        cell.alignment = Alignment(horizontal="left", vertical="top")
        if label == "Generated":
            cell.number_format = DATETIME_FORMAT
        elif hasattr(value, "isoformat"):
            cell.number_format = DATE_FORMAT

    header, last = write_counts(sheet, row + 2, pack)
    finish_table(sheet, header, last)
    set_widths(sheet, SUMMARY_SHEET_WIDTHS)
    print_setup(sheet, pack, pack.title, repeat_rows=f"{header}:{header}")


def finish_table(sheet, header: int, last: int) -> None:
    """The table from its header row to its last: header frozen, filters on (none if empty)."""
    sheet.freeze_panes = f"A{header + 1}"
    if last > header:
        end = get_column_letter(sheet.max_column)
        sheet.auto_filter.ref = f"A{header}:{end}{last}"


def count_cells(sheet, row, names, total, counts, *, font=None, first=1):
    """names in the first columns, then the total and the count on each point of the scale."""
    for column, name in enumerate(names, start=first):
        put(sheet, row, column, name, font=font)
    column = first + len(names)
    put(sheet, row, column, total, font=font)
    for offset, (scale, _) in enumerate(SCALE_COLUMNS, start=1):
        put(sheet, row, column + offset, counts.get(scale, 0), font=font)


def write_counts(sheet, row, pack: Pack) -> tuple[int, int]:
    """One table: a row for each plan (its priority "Whole plan") and for each of its
    priorities, so that it sorts and filters by plan; the header's row, and the last row."""
    put(sheet, row, 1, "Actions by rating", font=HEADING)
    header = row + 1
    header_row(sheet, header, ["Plan", "Priority", "Actions", *(h for _, h in SCALE_COLUMNS)])
    row = header
    for plan_pack in pack.plans:
        title = plan_pack.plan.full_title
        row += 1
        count_cells(sheet, row, [title, "Whole plan"], plan_pack.total, plan_pack.counts)
        for block in plan_pack.priorities:
            if block.priority is None:
                continue
            row += 1
            names = [title, priority_text(block.priority)]
            count_cells(sheet, row, names, sum(block.counts.values()), block.counts)
    return header, row


def write_ratings_legend(sheet, row, pack: Pack) -> tuple[int, int]:
    put(sheet, row, 1, "The partnership's ratings", font=HEADING)
    header = row + 1
    header_row(sheet, header, ["Rating", "Counts as"])
    row += 1
    for rating in sorted(pack.ratings.values(), key=lambda r: (r.position, r.pk)):
        if rating.deleted_at is not None:
            continue
        row += 1
        put_rating(sheet, row, 1, rating)
        put(sheet, row, 2, rating.get_scale_display())
    return header, row


def write_themes(sheet, row, pack: Pack) -> tuple[int, int]:
    put(sheet, row, 1, "Cross-cutting themes", font=HEADING)
    if not pack.themes:
        put(sheet, row + 1, 1, "No action of these plans carries a cross-cutting theme.")
        return row + 1, row + 1
    header = row + 1
    header_row(sheet, header, ["Theme", "Actions", *(h for _, h in SCALE_COLUMNS)])
    row += 1
    for theme, total, counts in pack.themes:
        row += 1
        count_cells(sheet, row, [f"{theme.code} {theme.name}"], total, counts)
    return header, row


def action_rows(sheet, row, pack: Pack, lines, headings):
    """The Summary's table of actions below its heading at row: the plan and the action, three
    columns of the table's own (headings), then the lead, the action's words and its latest
    commentary. Yields each row and its line, for the caller to fill columns 3 to 5."""
    header_row(
        sheet, row + 1, ["Plan", "Action", *headings, "Lead", "Action text", "Latest commentary"]
    )
    row += 1
    for line in lines:
        row += 1
        put(sheet, row, 1, plan_name(pack, line))
        put(sheet, row, 2, action_number(line))
        put(sheet, row, 6, line.action.lead)
        put(sheet, row, 7, line.action.summary)
        put(sheet, row, 8, line.update.commentary if line.update else "")
        yield row, line


def write_exceptions(sheet, row, pack: Pack) -> tuple[int, int]:
    put(sheet, row, 1, "Exceptions: off track, at risk and past their due date", font=HEADING)
    if not pack.exceptions:
        put(sheet, row + 1, 1, "No action is off track, at risk or past its due date.")
        return row + 1, row + 1
    headings = ["Rating", "Due date", "Past due date"]
    at = row + 1
    for at, line in action_rows(sheet, row, pack, pack.exceptions, headings):
        put_rating(sheet, at, 3, line.rating)
        put_date(sheet, at, 4, line.action.due_date)
        put(sheet, at, 5, "Yes" if line.overdue else "No")
        support = line.update.support_needed if line.update else ""
        put(sheet, at, 9, support)
    put(sheet, row + 1, 9, "Support needed from the board", font=BOLD).fill = HEADER_FILL
    return row + 1, at


def write_changes(sheet, row, pack: Pack) -> tuple[int, int]:
    since = (
        f"the last meeting ({pack.previous_meeting:%-d %B %Y})"
        if pack.previous_meeting
        else "the last meeting (none is recorded: first ratings are shown)"
    )
    put(sheet, row, 1, f"Changes since {since}", font=HEADING)
    not_updated = len(pack.not_updated)
    row += 1
    put(
        sheet,
        row,
        1,
        f"{not_updated} action{'s' if not_updated != 1 else ''} not complete and not updated "
        "since the last meeting.",
    )
    if not pack.changed:
        put(sheet, row + 1, 1, "No rating changed.")
        return row + 1, row + 1
    at = row + 1
    for at, line in action_rows(sheet, row, pack, pack.changed, ["Was", "Now", "Change"]):
        if line.previous_rating:
            put_rating(sheet, at, 3, line.previous_rating)
        else:
            put(sheet, at, 3, "–")
        put_rating(sheet, at, 4, line.rating)
        put(sheet, at, 5, change_text(line, pack))
    return row + 1, at
