"""Plan import, for any file (hypothesis): nothing crashes it.

- reporting.uploads.read_upload, given any bytes (noise, a workbook cut short or damaged, a
  zip of odd parts, text in any encoding), reads a sheet or raises UploadError, with words;
  never anything else.
- reporting.plan_reading.read_plan, given a sheet of any cells (text, numbers, dates, times,
  booleans, blanks, formulas, very long text, any Unicode, control characters), reads a plan
  or lists its errors by row and column, in words.
- reporting.imports: a plan read without errors previews (as a new plan, and replacing an
  existing one) and writes, all or nothing.

The parsers' own properties are in tests/test_leads.py and tests/test_timeframes.py.
"""

import csv
import functools
import io
import warnings
import zipfile

import openpyxl
import pytest
from django.db import transaction
from hypothesis import event, example, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from actions.models import Action, Step
from plans.models import Group, Partnership, Plan
from reporting.imports import PlanImport
from reporting.plan_reading import RowError, read_plan
from reporting.plan_sheet import COLUMNS, OPTIONAL_COLUMNS
from reporting.uploads import MAX_COLUMNS, Sheet, UploadError, read_upload
from tests.hypothesis_profiles import DATABASE

# On both databases (scripts/test): the import, each example rolled back in a transaction.
pytestmark = pytest.mark.both_databases

HEADER = [column.title for column in COLUMNS]
TITLES = {column.title for column in COLUMNS + OPTIONAL_COLUMNS}


# Files: any bytes --------------------------------------------------------------------------------


def workbook(rows, sheet="Plan") -> bytes:
    book = openpyxl.Workbook()
    worksheet = book.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@functools.cache
def good_workbook() -> bytes:
    return workbook([HEADER, ["", "", "1", "Children are heard", "1.1", "Ask them"]])


def zip_of(members: list[tuple[str, bytes]], compression: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a name twice: one of the odd zips
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


WORKBOOK_PARTS = ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                  "xl/_rels/workbook.xml.rels", "_rels/.rels", "xl/sharedStrings.xml",
                  "xl/styles.xml", "../../etc/passwd", "/absolute", "docProps/app.xml"]  # fmt: skip
XML_BITS = [
    b'<?xml version="1.0"?>',
    b"<workbook><sheets><sheet name='Plan' sheetId='1' r:id='rId1'/></sheets></workbook>",
    b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>',  # expansion
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',  # external entity
    b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>99</v></c></row></sheetData>",
    b"<Types/>",
    b"\xff\xfe<\x00",
]
odd_zip = st.builds(
    zip_of,
    st.lists(
        st.tuples(
            st.one_of(
                st.sampled_from(WORKBOOK_PARTS), st.text("abcxl/._[]", min_size=1, max_size=20)
            ),
            st.one_of(
                st.lists(st.sampled_from(XML_BITS), max_size=4).map(b"".join),
                st.binary(max_size=200),
            ),
        ),
        max_size=8,
    ),
    st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
)


@st.composite
def damaged(draw, content: bytes) -> bytes:
    """content cut short, or with a few bytes changed."""
    if draw(st.booleans()):
        return content[: draw(st.integers(0, len(content)))]
    data = bytearray(content)
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


def encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


any_file = st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=500).map(lambda rest: b"PK\x03\x04" + rest),
    st.binary(max_size=500).map(lambda rest: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rest),
    st.builds(encoded, st.text(), st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])),
    st.deferred(lambda: damaged(good_workbook())),
    odd_zip,
)


@given(any_file)
@example(b"")
@example(b"PK\x03\x04")
@example(good_workbook()[:300])
def test_any_bytes_read_as_a_sheet_or_refused_in_words(content):
    try:
        sheet = read_upload(content)
    except UploadError as error:
        assert error.message.strip() and error.message == str(error)
        event(f"refused: {error.message[:40]}")
        return
    assert isinstance(sheet, Sheet)
    assert sheet.header and sheet.rows
    for number, cells, formulas in sheet.rows:
        assert number >= 2 and all(isinstance(cell, str) for cell in cells)
        assert len(cells) <= MAX_COLUMNS and all(0 <= i < len(cells) for i in formulas)
    assert Sheet.from_json(sheet.as_json()) == sheet, "it can wait in the session"


# Sheets: any cells ---------------------------------------------------------------------------


def text_without(illegal: bool):
    """Any text; without the control characters an xlsx cannot hold unless illegal."""
    text = st.one_of(st.text(max_size=40), st.just("x" * 40_000), st.just("🙂" * 5000))
    return text if illegal else text.map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t))


# Values that make rows a plan reads (numbers, theme codes, ratings...) as well as noise.
PLAN_WORDS = ["1", "1.1", "1.1.1", "2", "A", "A, B", "a.", "B.", "Z", "Complete", "On track",
              "Green", "Ongoing", "September 2024", "Zoe Gallen, MSCP BSU", "ESS Sub-Group",
              "'=1+1", " ", "\n"]  # fmt: skip


def cell_value(illegal: bool = False):
    return st.one_of(
        st.just(""),
        st.none(),
        st.sampled_from(PLAN_WORDS),
        text_without(illegal),
        text_without(illegal).map(lambda t: "=" + t),  # a formula
        st.integers(-(2**60), 2**60),
        st.floats(),
        st.booleans(),
        st.dates(),
        st.datetimes(),
        st.times(),
    )


def header(illegal: bool = False):
    return st.one_of(
        st.just(HEADER),
        st.just(HEADER + ["Rating", "Commentary"]),
        st.permutations(HEADER),
        st.lists(st.one_of(st.sampled_from(sorted(TITLES)), text_without(illegal)), max_size=20),
    )


def row(illegal: bool = False):
    return st.lists(cell_value(illegal), max_size=len(HEADER) + 3)


def csv_file(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


sheet_file = st.one_of(
    st.builds(
        lambda first, rows, name: workbook([first, *rows], sheet=name),
        header(),
        st.lists(row(), max_size=8),
        st.sampled_from(["Plan", " plan ", "Sheet1"]),
    ),
    # CSV holds anything, control characters too (which the upload refuses).
    st.builds(lambda first, rows: csv_file([first, *rows]), header(True), st.lists(row(True))),
)


def as_text(value) -> str:
    """What a sheet read from a file holds: text (see reporting.uploads.cell_text)."""
    return "" if value is None else str(value)


# As the session holds them: rows of text, with formula cells marked.
any_sheet = st.builds(
    lambda first, rows: Sheet(
        header=[as_text(v) for v in first],
        rows=[
            [number, [as_text(v) for v in cells], formulas]
            for number, (cells, formulas) in enumerate(rows, start=2)
        ],
    ),
    header(True),
    st.lists(st.tuples(row(True), st.lists(st.integers(0, len(HEADER) + 3), max_size=3))),
)


@pytest.fixture
def merton(demo, db):
    partnership = Partnership.objects.get(slug="merton")
    plan = Plan.objects.get(title__startswith="Effective Safeguarding")
    return partnership, plan


def counts(data: dict) -> tuple[int, int]:
    """(actions, steps) in plan data."""
    outcomes = [*data["outcomes"], *(o for p in data["priorities"] for o in p["outcomes"])]
    actions = [action for outcome in outcomes for action in outcome["actions"]]
    return len(actions), sum(len(action["steps"]) for action in actions)


def check_read(partnership, plan, sheet: Sheet) -> None:
    data, errors = read_plan(sheet, partnership)
    for error in errors:
        assert isinstance(error, RowError)
        assert error.row is None or error.row >= 1
        assert error.column is None or error.column in TITLES
        assert error.message.strip() and str(error).strip()
    event(f"error: {errors[0].message[:30]}" if errors else "read: previewed and written")
    if errors:
        return
    # A plan read without errors previews and writes, as a new plan and over an existing one.
    group = Group.objects.get(partnership=partnership, short_name="ESS")
    new_plan = {"group": group, "title": "Imported", "period": "2025-26", "status": "draft"}
    for target in (None, plan):
        with transaction.atomic():
            plan_import = PlanImport(partnership, data, plan=target)
            assert all(isinstance(phrase, str) for phrase in plan_import.summary())
            assert plan_import.fingerprint()
            written = plan_import.write(user=None, new_plan=new_plan if target is None else None)
            # The plan holds what the file does, no more, no less (replacing: the rest is
            # deleted softly).
            live = {"deleted_at__isnull": True, "outcome__deleted_at__isnull": True}
            actions = Action.objects.filter(outcome__plan=written, **live)
            steps = Step.objects.live().filter(action__in=actions)
            assert (actions.count(), steps.count()) == counts(data)
            transaction.set_rollback(True)  # each example starts from the demo data again


@DATABASE
@given(sheet=sheet_file)
def test_any_cells_in_a_file_read_as_a_plan_or_as_errors_in_words(merton, sheet):
    try:
        read = read_upload(sheet)
    except UploadError as error:
        assert error.message.strip()
        return
    check_read(*merton, read)


@DATABASE
@given(sheet=any_sheet)
def test_any_sheet_reads_as_a_plan_or_as_errors_in_words(merton, sheet):
    check_read(*merton, sheet)


any_words = st.one_of(st.sampled_from(PLAN_WORDS), st.text(max_size=30), st.just("x" * 5000))


ratings = st.sampled_from(["Complete", "on track"])


@st.composite
def plan_rows(draw) -> list[dict]:
    """Rows laid out as a plan is (outcomes, their actions, the actions' steps), of any
    words, some of them then put in a column where they do not belong."""
    rows = []
    for o in range(1, draw(st.integers(1, 3)) + 1):
        outcome = {"outcome_number": str(o), "outcome": draw(any_words)}
        for a in range(1, draw(st.integers(0, 3)) + 1):
            number = f"{o}.{a}"
            rows.append(
                {
                    **outcome,
                    "action_number": number,
                    "action": draw(any_words),
                    "themes": draw(st.sampled_from(["", "A", "a, C", "E;B"])),
                    "lead": draw(any_words),
                    "timeframe": draw(any_words),
                    **dict(
                        zip(
                            ["rating", "commentary"],
                            draw(st.one_of(st.just(("", "")), st.tuples(ratings, any_words))),
                            strict=True,
                        )
                    ),
                }
            )
            outcome = {"outcome_number": str(o)}
            for _ in range(draw(st.integers(0, 2))):
                rows.append(
                    {
                        "action_number": number,
                        "step_label": draw(st.sampled_from(["", "A.", "b.", "•"])),
                        "step": draw(any_words),
                        "lead": draw(any_words),
                        "evidence": draw(any_words),
                    }
                )
        if not rows or rows[-1].get("outcome_number") != str(o):
            rows.append({**outcome, "note": draw(any_words)})
    for row in draw(st.lists(st.sampled_from(rows), max_size=2)):
        row[draw(st.sampled_from(KEYS))] = draw(any_words)
    return rows


KEYS = [column.key for column in COLUMNS + OPTIONAL_COLUMNS]


@DATABASE
@given(rows=plan_rows())
def test_rows_laid_out_as_a_plan_read_and_import(merton, rows):
    """Mostly well-formed rows, so that most examples get as far as the import."""
    sheet = Sheet(
        header=[COLUMN_TITLES[key] for key in KEYS],
        rows=[
            [number, [row.get(key, "") for key in KEYS], []]
            for number, row in enumerate(rows, start=2)
        ],
    )
    check_read(*merton, sheet)


COLUMN_TITLES = {column.key: column.title for column in COLUMNS + OPTIONAL_COLUMNS}
