"""The Excel progress report: its sheets, its cells, and text that must never run as a formula."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from plans.models import Group, Plan
from reporting.cells import is_formula_like, set_text, unescape
from reporting.excel import PLAN_COLUMNS, render_pack_xlsx, sheet_name
from reporting.models import Meeting
from reporting.packs import pack_for_meeting
from tests.helpers import ess_action, rated

D = dt.date.fromisoformat
INJECTION = '=HYPERLINK("http://evil.example/","Click for the report")'


@pytest.fixture
def board_meeting(demo, db):
    """Merton's board meeting on 15 September 2024 (after one in June), with progress on ESS:
    2.1 went from on track to Overdue (off track), 2.4 was completed, and action 1.5's text
    was typed as a formula."""
    a21, a24 = ess_action("2.1"), ess_action("2.4")
    for action, label, day, commentary in [
        (a21, "On track", "2024-06-01", "Started"),
        (a21, "Overdue", "2024-09-01", "Missed the date: the provider withdrew"),
        (a24, "Complete", "2024-09-02", "+ done, see the report"),
    ]:
        rated(action, label, day, commentary=commentary, evidence="@minutes of the meeting")
    a15 = ess_action("1.5")
    a15.text = INJECTION
    a15.save()
    board = Group.objects.get(partnership__slug="merton", kind=Group.Kind.BOARD)
    Meeting.objects.create(group=board, held_on=D("2024-06-15"))
    return Meeting.objects.create(
        group=board, held_on=D("2024-09-15"), title="Board", reporting_period="Q2 2024-25"
    )


@pytest.fixture
def workbook(board_meeting):
    return load_workbook(io.BytesIO(render_pack_xlsx(pack_for_meeting(board_meeting))))


def rows(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def plan_row(sheet, number):
    """The cells of the row of the action with this number."""
    return next(row for row in sheet.iter_rows(min_row=2) if row[2].value == number)


@pytest.mark.django_db
def test_a_summary_then_one_sheet_per_plan(workbook):
    assert workbook.sheetnames == [
        "Summary",
        "Exceptions",
        "Changes",
        "Themes",
        "Ratings",
        "Effective Safeguarding 2024-25",
        "Promote and Protect 2021-22",
    ]


@pytest.mark.django_db
def test_plan_sheet_header_is_frozen_filtered_and_printed_on_each_page(workbook):
    sheet = workbook["Effective Safeguarding 2024-25"]
    assert [c.value for c in sheet[1]] == [heading for heading, _ in PLAN_COLUMNS]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:O{sheet.max_row}"
    assert sheet.max_row == 1 + 13  # ESS has 13 actions
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["D"].width == 60
    assert sheet["D2"].alignment.wrap_text


@pytest.mark.django_db
def test_an_off_track_rating_shows_the_partnerships_word_in_its_colour(workbook):
    row = plan_row(workbook["Effective Safeguarding 2024-25"], "2.1")
    rating = row[8]
    assert rating.value == "Overdue"  # Merton's word for off track
    assert rating.fill.fgColor.rgb == "FFD4351C"
    assert rating.font.color.rgb == "FFFFFFFF"  # white reads best on that red
    assert row[9].value == dt.datetime(2024, 9, 1)  # the rating's date
    assert row[10].value == "Missed the date: the provider withdrew"
    assert row[12].value == "Down from On track"


@pytest.mark.django_db
def test_due_dates_are_dates(workbook):
    sheet = workbook["Effective Safeguarding 2024-25"]
    due = plan_row(sheet, "1.5")[7]  # "June 2023 (session) TBC (follow-up work)"
    assert isinstance(due.value, dt.datetime)
    assert due.value.date() == dt.date(2023, 6, 30)
    assert due.number_format == "d mmm yyyy"
    assert plan_row(sheet, "1.5")[13].value == "Yes"  # overdue at the meeting
    assert plan_row(sheet, "1.1")[7].value is None  # "Ongoing": no due date


@pytest.mark.django_db
def test_steps_are_lines_of_the_action(workbook):
    action = plan_row(workbook["Effective Safeguarding 2024-25"], "1.1")[3].value
    lines = action.split("\n")
    assert lines[0].startswith("A. Continue raising awareness via the MSCP website")
    assert len(lines) > 1


@pytest.mark.django_db
def test_text_that_looks_like_a_formula_stays_text(board_meeting):
    content = render_pack_xlsx(pack_for_meeting(board_meeting))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name  # no formula anywhere
    sheet = load_workbook(io.BytesIO(content))["Effective Safeguarding 2024-25"]
    action = plan_row(sheet, "1.5")[3]
    assert action.value.startswith(INJECTION)  # verbatim, shown as typed
    assert action.data_type == "s"
    assert action.quotePrefix
    commentary, evidence = plan_row(sheet, "2.4")[10:12]
    assert commentary.value == "+ done, see the report" and commentary.quotePrefix
    assert evidence.value == "@minutes of the meeting" and evidence.data_type == "s"


@pytest.mark.django_db
def test_summary_counts_exceptions_and_changes(workbook):
    cells = rows(workbook["Summary"])
    assert cells[0][0] == "Board – 15 September 2024"
    facts = {row[0]: row[1] for row in cells[2:14] if row[0]}
    assert facts["Partnership"] == "Merton Safeguarding Children Partnership"
    assert facts["Reporting period"] == "Q2 2024-25"
    assert facts["Ratings as at"] == dt.datetime(2024, 9, 15)
    assert facts["Changes since"] == dt.datetime(2024, 6, 15)
    header = next(row for row in cells if row[0] == "Plan")
    scales = ["Not started", "On track", "At risk", "Off track", "Complete", "No update"]
    assert header[1:9] == ["Priority", "Actions", *scales]
    ess = next(row for row in cells if row[0] and row[0].startswith("Effective Safeguarding"))
    assert ess[1:9] == ["Whole plan", 13, 0, 0, 0, 1, 1, 11]
    themes = rows(workbook["Themes"])
    theme = next(
        row for row in themes if row[0] == "A Voice of children, young people, and families"
    )
    assert theme[1] > 0
    exceptions = rows(workbook["Exceptions"])
    assert exceptions[1][:3] == ["Plan", "Action", "Rating"]
    assert exceptions[2][1:3] == ["2.1", "Overdue"]
    assert exceptions[2][7] == "Missed the date: the provider withdrew"
    changed = {row[1]: row[4] for row in rows(workbook["Changes"])[3:] if row[1]}
    assert changed["2.1"] == "Down from On track"
    assert changed["2.4"].startswith("First rating; Newly complete")


@pytest.mark.django_db
def test_each_table_is_alone_on_its_sheet_and_sorts_and_filters(workbook):
    """One table a sheet, its header frozen and filtered; the Summary's dates fit; a plan's
    fourteen columns print on A3."""
    assert workbook.sheetnames[:5] == ["Summary", "Exceptions", "Changes", "Themes", "Ratings"]
    summary = workbook["Summary"]
    header = next(cell.row for cell in summary["A"] if cell.value == "Plan")
    assert summary.auto_filter.ref.startswith(f"A{header}:")
    assert summary.freeze_panes == f"A{header + 1}"
    assert summary.column_dimensions["B"].width >= 18  # "15/09/2024 14:05", not ######
    for title in ["Exceptions", "Changes", "Ratings"]:
        assert workbook[title].auto_filter.ref, title
    plan = workbook["Effective Safeguarding 2024-25"]
    assert str(plan.page_setup.paperSize) == plan.PAPERSIZE_A3


@pytest.mark.django_db
def test_medway_sheet_has_its_priorities(demo):
    medway = Plan.objects.get(title__startswith="Medway")
    meeting = Meeting.objects.create(group=medway.group, held_on=D("2022-05-01"))
    book = load_workbook(io.BytesIO(render_pack_xlsx(pack_for_meeting(meeting))))
    assert book.sheetnames[5:] == ["Medway Safeguarding 2021 – 2023"]
    sheet = book["Medway Safeguarding 2021 – 2023"]
    assert sheet.max_row == 30
    assert sheet["A2"].value.startswith("1 Effective Partnerships")


def test_sheet_names_are_valid_and_unique():
    taken = {"summary"}
    assert sheet_name("Summary", taken) == "Summary (2)"
    assert sheet_name("ESS 2024-25", taken) == "ESS 2024-25"
    assert sheet_name("ess 2024-25", taken) == "ess 2024-25 (2)"  # Excel ignores case
    assert sheet_name("P&P: plan [draft] 1/2? *", taken) == "P&P- plan -draft- 1-2- -"
    long = sheet_name("Promote and Protect Young People Sub-Group 2021-22", taken)
    assert long == "Promote and Protect Young Peopl" and len(long) == 31
    again = sheet_name("Promote and Protect Young People Sub-Group 2021-22", taken)
    assert again == "Promote and Protect Young P (2)" and len(again) == 31
    assert sheet_name("'quoted'", taken) == "quoted"
    assert sheet_name("History", taken) == "History (2)"  # reserved by Excel
    assert sheet_name("   ", taken) == "Plan"


@pytest.mark.parametrize("text", ["=1+1", "+44 20", "-1", "@SUM(A1)", "\t=1", "\r=1", INJECTION])
def test_formula_like_text_is_escaped(text):
    assert is_formula_like(text)
    assert unescape("'" + text) == text  # a visible apostrophe of an earlier export
    cell = set_text(Workbook().active["A1"], text)
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value == text


@pytest.mark.parametrize("text", ["Ongoing", "– June 2022", "1.1", "'quoted", ""])
def test_other_text_is_left_alone(text):
    assert not is_formula_like(text)
    assert unescape(text) == text
    cell = set_text(Workbook().active["A1"], text)
    assert cell.value == (text or None)
    assert not cell.quotePrefix


def test_text_loses_characters_a_workbook_cannot_hold():
    cell = set_text(Workbook().active["A1"], "Line one\x0bLine two\x07")
    assert cell.value == "Line one\nLine two"
    assert len(set_text(Workbook().active["A1"], "x" * 40_000).value) == 32_767


def test_every_printed_page_carries_the_marking_and_the_packs_standing(board_meeting):
    board_meeting.group.partnership.protective_marking = "OFFICIAL-SENSITIVE"
    board_meeting.group.partnership.save()
    book = load_workbook(io.BytesIO(render_pack_xlsx(pack_for_meeting(board_meeting))))
    for sheet in book.worksheets:
        assert sheet.oddHeader.center.text.startswith("OFFICIAL-SENSITIVE"), sheet.title
        assert "OFFICIAL-SENSITIVE" in sheet.oddFooter.center.text
        assert sheet.oddFooter.left.text == "Provisional – not locked: ratings may still change"
    facts = {row[0]: row[1] for row in rows(book.worksheets[0])[:14] if row[0]}
    assert facts["Protective marking"] == "OFFICIAL-SENSITIVE"
    assert facts["This pack is"].startswith("Provisional")
