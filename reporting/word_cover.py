"""A meeting's cover report as a Word document (python-docx), because board papers are
circulated and amended in Word: what staff wrote for the board (purpose, key messages, what it
is asked to do), then the actions off track or at risk with the support they ask of it, and
those that worsened since the last meeting. The same as the PDF pack's first pages
(reporting/templates/reporting/pdf/cover_report.html), in the same words
(reporting.pack_cells).

    content = cover_report_docx(pack)   # bytes of a .docx: A4 landscape, editable
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt

from reporting.pack_cells import action_cells
from reporting.packs import Pack

NONE_ASKED = "None asked for"


def cover_report_docx(pack: Pack) -> bytes:
    meeting = pack.meeting
    document = Document()
    landscape(document)
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    marking = pack.partnership.protective_marking
    for section in document.sections:
        if marking:
            section.header.paragraphs[0].text = marking
            section.footer.paragraphs[0].text = marking
    document.add_paragraph(pack.partnership.name).runs[0].bold = True
    document.add_heading(f"Cover report: {pack.title}", level=0)
    if pack.standing:
        document.add_paragraph(pack.standing).runs[0].bold = True
    document.add_paragraph(f"Ratings as at {pack.as_at.day} {pack.as_at:%B %Y}.")
    written = [
        ("Purpose", meeting.purpose),
        ("Key messages", meeting.key_messages),
        ("The board is asked to", meeting.board_asked_to),
    ]
    for heading, text in written:
        document.add_heading(heading, level=1)
        document.add_paragraph(text or "(to be written)")
    previous = pack.previous_meeting
    plans = pack.plan_of
    at_issue = pack.at_issue
    document.add_heading(f"Off track and at risk: {len(at_issue)}", level=1)
    action_table(document, at_issue, plans, previous)
    worsened, others = pack.worsened, pack.worsened_not_at_issue
    document.add_heading(f"Worsened since the last meeting: {len(worsened)}", level=1)
    if len(others) < len(worsened):
        document.add_paragraph(
            f"{len(worsened) - len(others)} of them off track or at risk now: in the table "
            "above, which shows what each was at the last meeting."
        )
    if others:
        action_table(document, others, plans, previous)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def action_table(document, lines, plans, previous) -> None:
    """The cover report's actions: each with its rating at the last meeting and now, and the
    support it asks of the board (the PDF's reporting/pdf/cover_table.html)."""
    table(
        document,
        ["Action and lead", "At the last meeting", "Now", "Support needed from the board"],
        [
            (cells.summary, cells.previous, cells.rating, cells.support or NONE_ASKED)
            for cells in (action_cells(line, plans[line.action.pk], previous) for line in lines)
        ],
        widths=[13, 3, 3, 7],
    )


def landscape(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))


def table(document, headings: list[str], rows: list[tuple], *, widths: list[float]) -> None:
    """A table with a header row repeated on each page, or a line saying there is none."""
    if not rows:
        document.add_paragraph("None.")
        return
    grid = document.add_table(rows=1, cols=len(headings))
    grid.style = "Table Grid"
    for cell, heading, width in zip(grid.rows[0].cells, headings, widths, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
        cell.width = Cm(width)
    grid.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated
    for values in rows:
        cells = grid.add_row().cells
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.text = str(value)
            cell.width = Cm(width)
