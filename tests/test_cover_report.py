"""A meeting's cover report: staff write it, the PDF pack opens with it (after the cover),
with the actions off track or at risk and those that worsened, and the support each asks of
the board; the same as an editable Word document."""

import io

import pytest
from docx import Document

from actions.models import ProgressUpdate
from plans.models import Partnership
from reporting.pack_pdf import render_pack_pdf
from reporting.packs import pack_for_meeting
from tests.helpers import ess_action, post_form, url
from tests.test_pdf import contents_at, make_progress, page_texts, squeeze

pytestmark = pytest.mark.django_db

WRITTEN = {
    "purpose": "To update the board on the business plan in Quarter 2.",
    "key_messages": "Neglect training is behind.\nThe audit programme is on track.",
    "board_asked_to": "Note the progress.\nAgree to escalate action 2.1 to the police lead.",
}
SUPPORT = "A named police lead for the neglect training."


@pytest.fixture
def meeting(demo, client_for):
    _, _, meeting = make_progress()
    update = ess_action("2.1").progress_updates.order_by("-reported_on").first()
    ProgressUpdate.objects.filter(pk=update.pk).update(support_needed=SUPPORT)
    response = post_form(client_for("staff"), url("reporting:cover_report", meeting.pk), **WRITTEN)
    assert response.status_code == 302
    meeting.refresh_from_db()
    return meeting


def test_the_pack_opens_with_the_cover_report(meeting):
    pages = page_texts(render_pack_pdf(pack_for_meeting(meeting)))
    report = squeeze(" ".join(pages[1 : contents_at(pages)]))
    assert pages[1].startswith("Cover report")
    for text in [*WRITTEN.values(), "Off track and at risk", "Worsened since the last meeting"]:
        assert squeeze(text) in report, text
    assert squeeze(SUPPORT) in report
    exceptions = squeeze(" ".join(pages[contents_at(pages) :]))
    assert squeeze(f"Support needed from the board: {SUPPORT}") in exceptions


def test_the_cover_report_in_word(meeting, client_for):
    Partnership.objects.filter(slug="merton").update(protective_marking="OFFICIAL-SENSITIVE")
    response = client_for("board").get(url("reporting:cover_report_docx", meeting.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('cover-report-2024-09-15.docx"')
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "Purpose",
        "Key messages",
        "The board is asked to",
        "Off track and at risk: 3",
        "Worsened since the last meeting: 1",
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert WRITTEN["board_asked_to"] in text and "Provisional – not locked" in text
    assert document.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert SUPPORT in cells and "Support needed from the board" in cells


def test_the_update_form_asks_what_support_the_board_can_give(demo, client_for, personas):
    action = ess_action("2.1")
    form = client_for("chair").get(url("actions:update", action.pk)).content.decode()
    assert "Support needed from the board (optional)" in form
