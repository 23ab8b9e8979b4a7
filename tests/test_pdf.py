"""The PDF meeting pack: its pages, its content, and what it may fetch while it renders.

The pack is rendered once per module (WeasyPrint takes a second or two) from the demo data
with progress made here. With pdftoppm installed, the summary page is also saved as
test-artefacts/pack-summary.png (and the whole pack as test-artefacts/pack.pdf) for people
to look at.
"""

import datetime as dt
import io
import re
import shutil
import subprocess  # noqa: S404 - runs pdftoppm, a fixed local program, on our own file
import urllib.request
from pathlib import Path

import pydyf
import pytest
from django.conf import settings
from pypdf import PdfReader

from actions.models import Action
from plans.models import Group, Plan
from reporting.models import Meeting
from reporting.pack_pdf import render_pack_pdf
from reporting.packs import pack_for_meeting
from reporting.pdf import (
    BASE_URL,
    StaticOnlyURLFetcher,
    cached_page_references,
    html_to_pdf,
)
from tests.helpers import rated

D = dt.date.fromisoformat
ARTEFACTS = Path(settings.BASE_DIR) / "test-artefacts"
FILE_IMG = '<img src="file:///etc/passwd">'
HTTP_IMG = '<img src="http://127.0.0.1:9/x.png">'


def squeeze(text: str) -> str:
    """Text without whitespace: a PDF's text may wrap anywhere a line broke."""
    return re.sub(r"\s+", "", text)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def contents_at(pages: list[str]) -> int:
    """The index of the contents page: after the cover (and a meeting's cover report)."""
    return next(i for i, text in enumerate(pages) if text.startswith("Contents"))


def after_contents(pages: list[str], words: str) -> int:
    """The index of the first page after the contents that has these words."""
    start = contents_at(pages)
    return next(i for i, text in enumerate(pages) if i > start and words in text)


def make_progress():
    """Progress on Merton's two subgroup plans, reported before two board meetings."""
    ess = Plan.objects.get(title__startswith="Effective Safeguarding")
    ppyp = Plan.objects.get(title__startswith="Promote and Protect")

    def action(plan, number):
        return Action.objects.get(outcome__plan=plan, number=number)

    for act, label, day in [
        (action(ess, "1.1"), "On track", "2024-06-01"),
        (action(ess, "2.1"), "On track", "2024-06-01"),
        (action(ess, "2.1"), "Overdue", "2024-09-01"),  # Merton's off track
        (action(ess, "2.4"), "Complete", "2024-09-02"),
        (action(ess, "1.3"), "At risk", "2024-09-03"),
        (action(ppyp, "1.1"), "Overdue", "2024-09-04"),
    ]:
        rated(
            act,
            label,
            day,
            evidence="Subgroup minutes",
            commentary=f"{label} as reported to the subgroup on {day}.",
        )
    board = Group.objects.get(partnership__slug="merton", kind=Group.Kind.BOARD)
    Meeting.objects.create(group=board, held_on=D("2024-06-15"))
    meeting = Meeting.objects.create(
        group=board, held_on=D("2024-09-15"), title="Partnership board",
        reporting_period="Quarter 2, 2024-25",
    )  # fmt: skip
    return ess, ppyp, meeting


@pytest.fixture(scope="module")
def board(demo, django_db_blocker):
    """Merton's board pack of 15 September 2024, rendered once for the module."""
    with django_db_blocker.unblock():
        ess, ppyp, meeting = make_progress()
        pack = pack_for_meeting(meeting)
        fetcher = StaticOnlyURLFetcher()
        pdf = render_pack_pdf(pack, url_fetcher=fetcher)
    return {"ess": ess, "ppyp": ppyp, "meeting": meeting, "pack": pack, "pdf": pdf,
            "pages": page_texts(pdf), "fetcher": fetcher}  # fmt: skip


def test_a_pdf_of_a4_landscape_pages(board):
    pdf = board["pdf"]
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 5
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            842,
            595,
        )


def test_every_off_track_action_is_named(board):
    pack, text = board["pack"], squeeze(" ".join(board["pages"]))
    off_track = [line for line in pack.lines if line.scale == "off_track"]
    assert {line.action.number for line in off_track} == {"2.1", "1.1"}
    for line in off_track:
        assert squeeze(f"{line.action.number} {line.action.summary[:40]}") in text


def test_exceptions_come_before_the_plans_with_their_commentary(board):
    pages = board["pages"]
    exceptions = after_contents(pages, "Exception report")
    text = squeeze(pages[exceptions])
    assert squeeze("Overdue as reported to the subgroup on 2024-09-01.") in text
    assert squeeze("At risk as reported to the subgroup on 2024-09-03.") in text
    assert squeeze("Down from On track") in text  # 2.1's change since the last meeting
    changes = after_contents(pages, "Changes since the last meeting")
    # Changed exceptions are listed there and shown once, with their change, in this report.
    listed = squeeze(pages[changes]).split(squeeze("In the exception report:"))[1]
    assert squeeze("2.1 ESS 2024-25 · Impact 2 (down from On track);") in listed


def test_cover_header_footer_and_contents(board):
    pages = board["pages"]
    cover = squeeze(pages[0])
    assert squeeze("Merton Safeguarding Children Partnership") in cover
    assert squeeze("15 September 2024") in cover
    assert squeeze("Quarter 2, 2024-25") in cover
    assert squeeze("DRAFT") in cover  # a plan's version label
    assert "Page 1 of" in pages[0]
    assert f"Page 2 of {len(pages)}" in pages[1]
    contents = squeeze(pages[contents_at(pages)])
    for heading in ["Contents", "Summary", "Ratings by plan", "Cross-cutting themes",
                    "Exception report", "Changes since the last meeting",
                    "Effective Safeguarding and Support Subgroup Work Plan 2024-25",
                    "Promote and Protect Young People Sub-Group Workplan 2021-22",
                    "Rating key"]:  # fmt: skip
        assert squeeze(heading) in contents
    # Every page after the cover carries the partnership in its running header.
    assert all("Merton Safeguarding Children Partnership" in page for page in pages[1:])


def test_contents_page_numbers_and_summary_figures(board):
    pages = board["pages"]
    summary = after_contents(pages, "Ratings by plan")
    assert re.search(rf"Summary\s*{summary + 1}\b", pages[contents_at(pages)])
    figures = squeeze(pages[summary])
    for figure in ["2 off track", "1 at risk", "6 past due date", "4 changed since last meeting",
                   "29 not updated", "1 complete"]:  # fmt: skip
        assert squeeze(figure) in figures


def test_plan_tables_show_ratings_in_words_and_repeat_their_headers(board):
    pages = board["pages"]
    header = squeeze("Impact – what will success look like? Action")
    table_pages = [t for t in pages if header in squeeze(t)]
    assert len(table_pages) >= 3  # ESS and PPYP tables run over pages, each with its header
    text = squeeze(" ".join(pages))
    assert squeeze("Latest commentary and evidence") in text
    assert squeeze("Complete as reported to the subgroup on 2024-09-02.") in text


def test_pdf_is_tagged_with_title_and_language(board):
    reader = PdfReader(io.BytesIO(board["pdf"]))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert "Partnership board" in reader.metadata.title


def test_nothing_was_fetched(board):
    assert board["fetcher"].attempted == []


def test_a_subgroup_pack_holds_only_its_own_plan(board, db):
    ess, ppyp = board["ess"], board["ppyp"]
    meeting = Meeting.objects.create(group=ess.group, held_on=D("2024-09-20"), title="ESS")
    text = squeeze(" ".join(page_texts(render_pack_pdf(pack_for_meeting(meeting)))))
    assert squeeze(ess.title) in text
    assert squeeze(ppyp.title) not in text
    assert squeeze("Promote and Protect") not in text


@pytest.mark.django_db
def test_markup_in_user_text_is_shown_never_fetched(demo, monkeypatch):
    opened = []
    real_open = urllib.request.OpenerDirector.open
    monkeypatch.setattr(
        urllib.request.OpenerDirector,
        "open",
        lambda self, url, *a, **k: opened.append(url) or real_open(self, url, *a, **k),
    )
    plan = Plan.objects.get(title__startswith="Effective Safeguarding")
    action = Action.objects.get(outcome__plan=plan, number="1.1")
    action.text = f"Read {FILE_IMG} and {HTTP_IMG} then report"
    action.save()
    meeting = Meeting.objects.create(group=plan.group, held_on=D("2024-09-20"))
    fetcher = StaticOnlyURLFetcher()
    pdf = render_pack_pdf(pack_for_meeting(meeting), url_fetcher=fetcher)
    text = squeeze(" ".join(page_texts(pdf)))
    assert squeeze(FILE_IMG) in text
    assert squeeze(HTTP_IMG) in text
    assert fetcher.attempted == []
    assert opened == []


def test_the_fetcher_refuses_files_the_network_and_escapes_from_static():
    fetcher = StaticOnlyURLFetcher()
    for url in [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/static/src/app.scss",
        f"{BASE_URL}static/../../../etc/passwd",
        f"{BASE_URL}static/%2e%2e/%2e%2e/etc/passwd",
        f"{BASE_URL}static/src/app.scss?x=1",
        f"{BASE_URL}not-static/app.scss",
        f"{BASE_URL}static/no-such-file.png",
        "ftp://127.0.0.1/x",
    ]:
        with pytest.raises(ValueError, match="may not fetch"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 9


def test_the_fetcher_serves_data_uris_and_the_apps_static_files():
    fetcher = StaticOnlyURLFetcher()
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    static = fetcher.fetch(f"{BASE_URL}static/src/app.scss")
    assert static.read() == (Path(settings.BASE_DIR) / "static/src/app.scss").read_bytes()
    assert fetcher.refused == []


def test_even_raw_markup_cannot_fetch_through_the_renderer(monkeypatch):
    """Were a template ever to print user text unescaped, the fetcher still refuses."""
    opened = []
    monkeypatch.setattr(
        urllib.request.OpenerDirector, "open", lambda self, url, *a, **k: opened.append(url)
    )
    fetcher = StaticOnlyURLFetcher()
    html = (
        f"<!doctype html><html lang='en-GB'><title>t</title><p>x</p>{FILE_IMG}{HTTP_IMG}"
        "<img src='/static/src/app.scss'><img src='data:image/gif;base64,"
        "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'></html>"
    )
    assert html_to_pdf(html, url_fetcher=fetcher).startswith(b"%PDF")
    assert sorted(fetcher.refused) == ["file:///etc/passwd", "http://127.0.0.1:9/x.png"]
    assert f"{BASE_URL}static/src/app.scss" in fetcher.attempted
    assert opened == []


def test_save_the_summary_page_for_people_to_look_at(board):
    """Not an assertion of looks: writes test-artefacts/pack-summary.png to look at."""
    pages = board["pages"]
    summary = after_contents(pages, "Ratings by plan")
    header = squeeze("Impact – what will success look like? Action")
    plan_page = next(i for i, t in enumerate(pages) if header in squeeze(t))
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "pack.pdf").write_bytes(board["pdf"])
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    for name, page in [("pack-summary", summary + 1), ("pack-plan", plan_page + 1)]:
        subprocess.run(  # noqa: S603 - fixed arguments
            [pdftoppm, "-png", "-r", "80", "-singlefile", "-f", str(page), "-l", str(page),
             str(ARTEFACTS / "pack.pdf"), str(ARTEFACTS / name)],
            check=True,
        )  # fmt: skip
        assert (ARTEFACTS / f"{name}.png").stat().st_size > 10_000


def test_the_cached_page_references_are_pydyfs():
    """reporting.pdf caches pydyf's page_references for the version it was measured with."""
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    expected = tuple(f"{number} 0 R".encode("ascii") for number in pdf.pages["Kids"][::3])
    assert cached_page_references(pdf) == expected == pdf.page_references
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))  # a page more: made again
    assert len(cached_page_references(pdf)) == 4


def test_transcription_notes_are_for_staff_never_in_the_pack(board):
    """ESS 1.4's note says how its source was transcribed: the pages show it, the pack not."""
    text = squeeze(" ".join(board["pages"]))
    assert squeeze("Hold focus groups for children and young people") in text
    assert "split across a page break" not in text


def test_every_exception_and_change_line_says_where_its_action_sits(board):
    """The lists that gather actions from every plan carry the priority's and outcome's
    numbers (or an unnumbered outcome's opening words), not only the group and period."""
    text = squeeze(" ".join(board["pages"]))
    assert squeeze("ESS 2024-25 · Impact 2") in text


def test_off_track_and_past_due_date_are_never_one_word(board):
    """Merton's red rating is called "Overdue"; the app's own idea, a due date passed, is
    "past due date" everywhere, so no count mixes the two."""
    text = " ".join(board["pages"])
    assert "Past due date" in text and "past due date" in text
    lowered = " ".join(text.split()).lower()
    for system_use in ["newly overdue", "or overdue", "and overdue", "overdue actions"]:
        assert system_use not in lowered
    summary = board["pages"][after_contents(board["pages"], "Ratings by plan")]
    assert "Past due date" in summary  # the summary tables' column


def test_the_summary_shows_each_plans_ratings_at_its_last_meetings(board):
    """A chart per plan with its figures beside it: the board's June meeting, then this one."""
    pages = board["pages"]
    page = squeeze(pages[after_contents(pages, "Ratings at the last meetings")])
    ess = squeeze("Effective Safeguarding and Support Subgroup Work Plan 2024-25")
    assert ess + squeeze("Rating 15 Jun 2024 15 Sep 2024") in page


# The page's body: between the running header and the footer (pack.css's @page margins).
BODY_TOP, BODY_BOTTOM = 17 * 72 / 25.4, 595 - 14 * 72 / 25.4


def page_fill(pdf_path: Path) -> list[float]:
    """How far down each page's body its text reaches, as a share of the body's height."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: scripts/test installs it (poppler-utils)"
    xhtml = subprocess.run(  # noqa: S603 - fixed arguments
        [pdftotext, "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    fills = []
    for page in xhtml.split("<page ")[1:]:
        bottoms = [
            float(bottom)
            for top, bottom in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)
            if BODY_TOP < float(top) < BODY_BOTTOM
        ]
        fills.append((max(bottoms, default=BODY_TOP) - BODY_TOP) / (BODY_BOTTOM - BODY_TOP))
    return fills


def test_no_page_is_near_empty(board, tmp_path):
    """Each part starts a page, so a part's last page may be short; none is left holding a
    line or two (the rating key sits under the summary, the cover report names each action
    once)."""
    path = tmp_path / "pack.pdf"
    path.write_bytes(board["pdf"])
    fills = page_fill(path)
    assert len(fills) == len(board["pages"])
    near_empty = [(n, f"{fill:.0%}") for n, fill in enumerate(fills, 1) if fill < 0.2]
    assert near_empty == []
