"""Word plan import (reporting.word_plans): the three seed plans as Word documents laid out
as partnerships keep them (tests/word_docs.py) import with the fixtures' counts and words;
a made-up plan without outcomes, with an overarching priority and commentary only, imports
with nothing invented; and every bad file is refused in words with nothing written."""

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from django.utils import timezone
from pypdf import PdfReader

from actions.models import Action, ProgressUpdate, Step
from plans.models import Outcome, Partnership, Plan, Priority
from reporting.excel import render_pack_xlsx
from reporting.pack_files import plan_pack
from reporting.pack_pdf import render_pack_pdf
from reporting.plan_reading import read_plan
from reporting.uploads import MAX_UPLOAD_BYTES
from reporting.word_plans import read_word_plan, theme_codes
from tests.helpers import PERSONAS, STAFF_ONLY, url
from tests.test_imports import (
    FIXTURES,
    from_fixture,
    new_plan_fields,
    preview_and_confirm,
    snapshot,
    upload,
    zip_bytes,
)
from tests.word_docs import plan_docx, set_cell

pytestmark = pytest.mark.django_db

SEEDS = sorted(FIXTURES.glob("*.yaml"))


def seed_docx(path: Path) -> tuple[dict, bytes, Partnership]:
    seed = yaml.safe_load(path.read_text())
    partnership = Partnership.objects.get(slug=seed["partnership"])
    names = {theme.code: theme.name for theme in partnership.themes.all()}
    style = "medway" if seed["partnership"] == "medway" else "merton"
    return seed, plan_docx(seed, style=style, theme_names=names), partnership


def comparable(data):
    """Plan data without what a Word plan cannot hold (transcription notes, row numbers),
    themes as the set they are."""
    if isinstance(data, dict):
        return {
            key: sorted(value) if key == "themes" else comparable(value)
            for key, value in data.items()
            if key not in ("note", "row", "existing", "rate", "narrative", "core_activities")
        }
    if isinstance(data, list):
        return [comparable(item) for item in data]
    return data


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_each_seed_plan_in_word_reads_as_its_fixture(demo, db, path):
    seed, content, partnership = seed_docx(path)
    word = read_word_plan(content, theme_codes(partnership))
    data, errors = read_plan(word.sheet, partnership)
    assert errors == []
    assert comparable(data) == comparable(from_fixture(seed))
    # The words before the plan's table are its introduction.
    intro = (data.get("narrative") or {}).get("introduction", "")
    assert intro == (seed.get("introduction") or "")
    # The plan's own names for its levels come from its headings and heading rows.
    for key in ("priority_label", "outcome_label", "action_label"):
        if key in word.labels:
            assert word.labels[key] == seed[key], key


def counts(plan) -> tuple:
    return (
        Priority.objects.filter(plan=plan).count(),
        Outcome.objects.filter(plan=plan).count(),
        Action.objects.filter(outcome__plan=plan).count(),
        Step.objects.filter(action__outcome__plan=plan).count(),
    )


def plan_sheet_rows(plan) -> list[tuple]:
    """The Excel pack's rows for the plan, as a board member reads them (no dates)."""
    pack, _ = plan_pack(plan, timezone.localdate())
    book = openpyxl.load_workbook(io.BytesIO(render_pack_xlsx(pack)))
    sheet = book.worksheets[-1]  # the plan's own, after the summary and its lists
    return [tuple(c.value for c in row[:7]) for row in sheet.iter_rows(min_row=2)]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_each_seed_plan_imports_from_word_as_its_fixture(client_for, path):
    seed, content, partnership = seed_docx(path)
    demo_plan = Plan.objects.get(title=seed["title"], period=seed["period"])
    client = client_for("outsider" if seed["partnership"] == "medway" else "staff")
    fields = new_plan_fields(
        group=demo_plan.group_id, title=f"{seed['title']} (from Word)", period=seed["period"]
    )
    response = upload(client, content, name="plan.docx", slug=seed["partnership"], **fields)
    preview, confirmation = preview_and_confirm(client, response, slug=seed["partnership"])
    assert confirmation.status_code == 302
    imported = Plan.objects.get(title=f"{seed['title']} (from Word)")
    assert counts(imported) == counts(demo_plan)
    assert plan_sheet_rows(imported) == plan_sheet_rows(demo_plan)
    for key in ("priority_label", "outcome_label", "action_label"):
        if seed.get(key):
            assert getattr(imported, key) == seed[key]


def test_the_preview_shows_what_the_document_says_of_itself(client_for):
    seed, content, _ = seed_docx(FIXTURES / "medway-scp-business-plan-2021-23.yaml")
    client = client_for("outsider")
    demo_plan = Plan.objects.get(title=seed["title"])
    fields = new_plan_fields(group=demo_plan.group_id, title="From Word", period="2021 – 2023")
    response = upload(client, content, name="plan.docx", slug="medway", **fields)
    html = client.get(response["Location"]).content.decode()
    assert "Read from the Word document" in html
    assert "Priority objective" in html
    assert "<strong>Red</strong>: Work is significantly behind schedule." in html


def word_document(rows, header, *, cell_paragraphs=None) -> bytes:
    """A small Word plan: a table of the header and rows (a row of one string spans it)."""
    document = docx.Document()
    document.add_paragraph().add_run("Riverton Children's Plan 2026-27").bold = True
    document.add_paragraph("How partners will keep Riverton's children safe.")
    table = document.add_table(rows=0, cols=len(header))
    for cell, text in zip(table.add_row().cells, header, strict=True):
        set_cell(cell, text)
    for values in rows:
        cells = table.add_row().cells
        if isinstance(values, str):
            set_cell(cells[0].merge(cells[-1]), values)
            continue
        for cell, text in zip(cells, values, strict=True):
            set_cell(cell, text)
    for (row, column), paragraphs in (cell_paragraphs or {}).items():
        cell = table.rows[row].cells[column]
        cell.text = ""
        for index, (text, style) in enumerate(paragraphs):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.add_run(text)
            if style:
                paragraph.style = document.styles[style]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


SHAPED_HEADER = ["Ref", "Action", "Lead", "By when", "RAG", "Progress update", "Outcomes"]
SHAPED_ROWS = [
    "Core activities",
    ["", "Multi-agency case audit", "Audit subgroup", "Quarterly", "", "Two audits done.", ""],
    "Overarching priority: Every child in Riverton grows up safe",
    ["0.1", "Publish the annual report", "Partnership manager", "September 2026", "", "",
     ""],
    "Strategic priority 1: Early help reaches families sooner",
    ["1.1", "Map the early help offer", "Early Help Lead", "June 2026", "",
     "Mapping started with schools.", "More families offered early help"],
    ["1.2", "Train the school nurses", "Designated Nurse", "Ongoing", "On track",
     "Two sessions held.", ""],
]  # fmt: skip


def test_a_made_up_word_plan_without_outcomes_imports_with_nothing_invented(client_for):
    client = client_for("staff")
    content = word_document(SHAPED_ROWS, SHAPED_HEADER)
    fields = new_plan_fields(title="Riverton from Word", period="2026-27")
    preview_and_confirm(client, upload(client, content, name="riverton.docx", **fields))
    plan = Plan.objects.get(title="Riverton from Word")
    assert (plan.has_priorities, plan.has_outcomes) == (True, False)
    assert plan.priority_label == "Strategic priority"
    priorities = list(plan.priorities.live())
    assert [(p.number, p.title, p.overarching) for p in priorities] == [
        ("", "Every child in Riverton grows up safe", True),
        ("1", "Early help reaches families sooner", False),
    ]
    assert not plan.outcomes.exclude(number="", text="").exists()
    action = Action.objects.get(outcome__plan=plan, number="1.1")
    assert action.outcome_measures == "More families offered early help"
    update = ProgressUpdate.objects.get(action=action)
    assert (update.rating, update.rating_kept, update.commentary) == (
        None,
        True,
        "Mapping started with schools.",
    )
    rated = ProgressUpdate.objects.get(action__outcome__plan=plan, action__number="1.2")
    assert rated.rating.label == "On track"
    # The words before the table are its introduction (the bold title is not); the rows
    # under "Core activities" are its core activities, with their commentary.
    assert plan.introduction == "How partners will keep Riverton's children safe."
    core = Action.objects.get(outcome__plan=plan, kind=Action.Kind.CORE_ACTIVITY)
    assert (core.text, core.lead, core.timeframe) == (
        "Multi-agency case audit",
        "Audit subgroup",
        "Quarterly",
    )
    assert ProgressUpdate.objects.get(action=core).commentary == "Two audits done."
    # Seen as written: on the plan page, in the PDF and in the Excel pack.
    page = client.get(url("plans:plan", plan.pk)).content.decode()
    assert "Overarching strategic priority: Every child in Riverton grows up safe" in page
    assert "Core activities" in page and "(continued)" not in page
    pack, _ = plan_pack(plan, timezone.localdate())
    reader = PdfReader(io.BytesIO(render_pack_pdf(pack)))
    text = " ".join(page.extract_text() for page in reader.pages)
    squeezed = "".join(text.split())
    for words in [
        "Core activities",
        "Multi-agency case audit",
        "Mapping started with schools.",
        "More families offered early help",
        "Strategic priority 1: Early help",
    ]:
        assert "".join(words.split()) in squeezed, words
    book = openpyxl.load_workbook(io.BytesIO(render_pack_xlsx(pack)))
    rows = {r[2]: r for r in book.worksheets[-1].iter_rows(min_row=2, values_only=True)}
    assert rows["1.1"][-1] == "More families offered early help"
    assert rows["0.1"][0] == "Overarching: Every child in Riverton grows up safe"


def test_steps_lettered_or_listed_in_the_action_cell(demo, db):
    header = ["Impact", "Action", "Lead", "Timeframe"]
    rows = [["1. Children are heard", "placeholder", "Zoe Gallen", "Ongoing"]]
    paragraphs = {
        (1, 1): [
            ("1.1 Raise awareness of the pathway", None),
            ("A. On the website", None),
            ("B In training", None),
            ("Briefings for schools", "List Bullet"),
        ]
    }
    content = word_document(rows, header, cell_paragraphs=paragraphs)
    partnership = Partnership.objects.get(slug="merton")
    data, errors = read_plan(read_word_plan(content).sheet, partnership)
    assert errors == []
    action = data["outcomes"][0]["actions"][0]
    assert (action["number"], action["text"]) == ("1.1", "Raise awareness of the pathway")
    assert [(s["label"], s["text"]) for s in action["steps"]] == [
        ("A.", "On the website"),
        ("B", "In training"),
        ("", "Briefings for schools"),
    ]
    assert data["outcomes"][0]["number"] == "1"


# Bad files: refused in words, nothing written ----------------------------------------------


def good_parts() -> dict[str, bytes]:
    content = word_document(SHAPED_ROWS, SHAPED_HEADER)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def with_document_xml(xml: bytes) -> bytes:
    return zip_bytes({**good_parts(), "word/document.xml": xml})


ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"""
NO_TABLE = b"""<?xml version="1.0"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>Just words</w:t></w:r></w:p></w:body></w:document>"""


def bomb() -> bytes:
    """A document.xml that unpacks to 60 MB from a few kilobytes."""
    return zip_bytes({**good_parts(), "word/document.xml": b"<" + b" " * 60_000_000 + b">"})


BAD_FILES = {
    "an old .doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "plan.doc",
                    "older Word document (.doc) or is protected by a password"),
    "a damaged document": (b"PK\x03\x04 not really a zip", "plan.docx",
                           "or a Word document (.docx)"),
    "unreadable XML": (None, "plan.docx", "cannot be read: it may be damaged"),
    "no table": (None, "plan.docx", "No plan table was found in the document"),
    "an external entity": (None, "plan.docx", "declares XML entities"),
    "a zip bomb": (None, "plan.docx", "unpacks to more than"),
}  # fmt: skip
MADE = {
    "unreadable XML": lambda: with_document_xml(b"<w:document><unclosed>"),
    "no table": lambda: with_document_xml(NO_TABLE),
    "an external entity": lambda: with_document_xml(ENTITY),
    "a zip bomb": bomb,
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_word_file_is_refused_in_words_and_nothing_is_written(client_for, kind):
    content, name, message = BAD_FILES[kind]
    content = content if content is not None else MADE[kind]()
    client = client_for("staff")
    before = snapshot()
    response = upload(client, content, name=name, **new_plan_fields())
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors["file"])
    assert message in errors, errors
    assert snapshot() == before


def test_a_word_file_over_the_size_limit_is_refused(client_for):
    client = client_for("staff")
    content = zip_bytes({"word/document.xml": b"x"}) + b"\0" * (MAX_UPLOAD_BYTES + 1)
    response = upload(client, content, name="big.docx", **new_plan_fields())
    assert "larger than" in " ".join(response.context["form"].errors["file"])


# Columns the headings do not name: the user maps them --------------------------------------

ODD_HEADER = ["Area", "What", "Named person", "Date"]
ODD_ROWS = [
    ["1. Children are heard", "1.1 Run a survey of young people", "Zoe Gallen", "March 2027"],
    ["1. Children are heard", "1.2 Report back to the board", "Zoe Gallen", "June 2027"],
]


def unmapped_token(client) -> str:
    content = word_document(ODD_ROWS, ODD_HEADER)
    response = upload(client, content, name="odd.docx", **new_plan_fields(title="Odd plan"))
    assert response.status_code == 302
    assert "/columns/" in response["Location"]
    return response["Location"].rstrip("/").split("/")[-2]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_column_mapping_page_is_for_staff_only(client_for, persona):
    client = client_for(persona)
    token = unmapped_token(client) if persona == "staff" else "a-pending-import"
    response = client.get(url("imports:map_columns", token))
    assert response.status_code == STAFF_ONLY[persona]


def test_columns_are_mapped_then_previewed_and_confirmed(client_for):
    client = client_for("staff")
    token = unmapped_token(client)
    page = client.get(url("imports:map_columns", token))
    html = page.content.decode()
    assert "Column 2: What" in html and "For example: “1.1 Run a survey of young people”" in html
    # The preview waits until the columns are named.
    assert client.get(url("imports:preview", token))["Location"].endswith("/columns/")
    choices = {"column_0": "outcome", "column_1": "action", "column_2": "lead",
               "column_3": "timeframe"}  # fmt: skip
    response = client.post(url("imports:map_columns", token), choices)
    assert response["Location"] == url("imports:preview", token)
    preview = client.get(response["Location"])
    confirmation = client.post(
        url("imports:confirm", token), {"fingerprint": preview.context["fingerprint"]}
    )
    assert confirmation.status_code == 302
    plan = Plan.objects.get(title="Odd plan")
    actions = Action.objects.filter(outcome__plan=plan).order_by("number")
    assert [(a.number, a.text, a.lead, a.timeframe) for a in actions] == [
        ("1.1", "Run a survey of young people", "Zoe Gallen", "March 2027"),
        ("1.2", "Report back to the board", "Zoe Gallen", "June 2027"),
    ]
    assert plan.outcomes.get().number == "1"


def test_a_mapping_without_actions_or_with_a_column_twice_is_refused(client_for):
    client = client_for("staff")
    token = unmapped_token(client)
    before = snapshot()
    response = client.post(url("imports:map_columns", token), {"column_2": "lead"})
    assert "Choose the column that holds the actions" in response.content.decode()
    response = client.post(
        url("imports:map_columns", token),
        {"column_0": "action", "column_1": "action", "column_2": "lead"},
    )
    html = response.content.decode()
    assert "Column 1 already holds the action: choose something else, or Not imported" in html
    # What was chosen is kept.
    assert response.context["form"]["column_2"].value() == "lead"
    assert snapshot() == before


def test_a_table_that_holds_no_actions_is_not_read_as_the_plan(demo, db):
    """A plan followed by a table of risks (Lead, By when, but no actions): only the plan."""
    header = ["Outcome", "Action", "Lead", "Timeframe"]
    plan = docx.Document(io.BytesIO(word_document(ODD_ROWS[:1], header)))
    risks = plan.add_table(rows=0, cols=3)
    for cells in [["Risk", "Lead", "By when"], ["Funding ends", "Board", "March 2027"]]:
        for cell, text in zip(risks.add_row().cells, cells, strict=True):
            set_cell(cell, text)
    buffer = io.BytesIO()
    plan.save(buffer)
    partnership = Partnership.objects.get(slug="merton")
    data, errors = read_plan(read_word_plan(buffer.getvalue()).sheet, partnership)
    assert errors == []
    actions = data["outcomes"][0]["actions"]
    assert [a["text"] for a in actions] == ["Run a survey of young people"]
