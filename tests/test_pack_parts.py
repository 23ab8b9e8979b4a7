"""The pack laid out in parts and joined (reporting.pack_pdf, reporting.pdf_join) reads as
the pack laid out whole, page for page; keeps its tags (PDF/UA), links and outline; and after
one update lays out again only the parts that show it."""

import datetime as dt
import io
import re

import pytest
from django.core.cache import caches
from django.utils import timezone
from pypdf import PdfReader

from actions.models import Action
from plans.models import Partnership, Plan
from reporting import pack_pdf
from reporting.apart import FailedApart, run_apart, run_apart_many
from reporting.pack_pdf import css_string, lay_out_part, pack_html, render_pack_parts
from reporting.packs import pack_for_meeting
from tests.helpers import rated
from tests.pdf_structure import element_kinds, link_targets, outline_titles, structure_problems
from tests.test_pdf import after_contents, contents_at, make_progress, page_texts, squeeze


@pytest.fixture(scope="module")
def packs(demo, django_db_blocker):
    """Merton's board pack of 15 September 2024: in parts (with no part kept from before),
    and whole; then again in parts after one more update."""
    caches["pack_parts"].clear()
    with django_db_blocker.unblock():
        ess, ppyp, meeting = make_progress()
        pack = pack_for_meeting(meeting)
        joined = render_pack_parts(pack)
        whole = run_apart(lay_out_part, pack_html(pack)).pdf
        action = Action.objects.get(outcome__plan=ess, number="1.2")
        rated(action, "At risk", "2024-09-10", commentary="One more update, after the first.")
        again = render_pack_parts(pack_for_meeting(meeting))
    return {"joined": joined, "whole": whole, "again": again, "ess": ess, "ppyp": ppyp}


def test_the_pack_in_parts_reads_as_the_pack_laid_out_whole(packs):
    joined, whole = page_texts(packs["joined"].pdf), page_texts(packs["whole"])
    assert len(joined) == len(whole) > 10
    assert joined == whole  # every page: its text, header and "Page n of N"
    # Every part, the contents again with their numbers, and the furniture (one document).
    assert packs["joined"].laid_out == packs["joined"].parts + 2


def test_the_joined_tags_agree_with_the_pages(packs):
    pdf = packs["joined"].pdf
    assert structure_problems(pdf) == []
    kinds, whole_kinds = element_kinds(pdf), element_kinds(packs["whole"])
    # The same structure as laid out whole, but for the contents' page numbers: links there,
    # with target-counter, and text here (the entry beside each is the link).
    assert kinds - whole_kinds == {} and set(whole_kinds - kinds) == {"/Link"}
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "Partnership board" in reader.metadata.title
    assert "pdfuaid" in reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def test_the_contents_go_where_they_say(packs):
    pdf = packs["joined"].pdf
    pages = page_texts(pdf)
    contents = contents_at(pages)
    targets = link_targets(pdf, contents)
    assert set(targets) >= {"summary", "exceptions", "changes", "not-updated", "key"}
    assert f"plan-{packs['ess'].pk}" in targets
    for anchor, page in targets.items():
        heading = {"summary": "Summary", "key": "Rating key", "exceptions": "Exception report"}
        if anchor in heading:
            assert heading[anchor] in pages[page - 1]
        line = next(line for line in pages[contents].splitlines() if line.endswith(f" {page}"))
        assert line  # the number printed beside the entry is the page the link goes to
    assert squeeze(packs["ess"].full_title) in squeeze(
        pages[targets[f"plan-{packs['ess'].pk}"] - 1]
    )


def test_the_outline_is_one_tree_of_the_sections(packs):
    outline = outline_titles(packs["joined"].pdf)
    assert outline == outline_titles(packs["whole"])
    assert outline[0][0] == 0 and all(depth >= 1 for depth, *_ in outline[1:])
    titles = [title for _, title, _ in outline]
    assert "Contents" in titles and "Rating key" in titles and packs["ess"].full_title in titles


def test_after_one_update_only_the_parts_that_show_it_are_laid_out_again(packs):
    again = packs["again"]
    # The cover (its time), the cover report (1.2 is at risk now), the summary, the exception
    # report, the changes, the actions not updated, and the update's plan: not the other
    # plan or the contents.
    assert again.laid_out == 7, again.laid_out
    text = squeeze(" ".join(page_texts(again.pdf)))
    assert squeeze("One more update, after the first.") in text
    assert structure_problems(again.pdf) == []


@pytest.mark.django_db
def test_a_long_list_is_shown_plan_by_plan(demo, monkeypatch):
    """Past LONG_LIST rows, the actions not updated come plan by plan, each from a new page,
    so that an update lays out again only its plan's rows."""
    monkeypatch.setattr(pack_pdf, "LONG_LIST", 5)
    ess, ppyp, meeting = make_progress()
    pack = pack_for_meeting(meeting)
    pages = page_texts(render_pack_parts(pack).pdf)
    first = after_contents(pages, "Actions not updated since")
    assert squeeze("plan by plan") in squeeze(pages[first])
    assert squeeze(f"{ess.full_title}: ") in squeeze(pages[first])
    heading = squeeze(f"{ppyp.full_title}: ")
    assert heading not in squeeze(pages[first])
    assert heading in squeeze(pages[first + 1])  # its own page


@pytest.mark.django_db
def test_the_header_shows_a_partnership_name_as_typed(demo):
    merton = Partnership.objects.get(slug="merton")
    merton.name = 'Merton "Safeguarding" </style><b>Partnership\\'
    merton.save()
    _, _, meeting = make_progress()
    pages = page_texts(render_pack_parts(pack_for_meeting(meeting)).pdf)
    assert 'Merton "Safeguarding" </style><b>Partnership\\' in pages[2]


def test_css_strings_escape_all_but_letters_digits_and_a_few_marks():
    assert css_string('A "b" </style>\\\n') == '"A \\22 b\\22  \\3c \\2f style\\3e \\5c  "'
    assert re.fullmatch(r'"[\w .,()\\-]*"', css_string("Merton (MSCP) – 2024-25"))


def add_one(number):
    return number + 1


def fail_on_three(number):
    if number == 3:
        raise ValueError("three")
    return number


def test_work_apart_in_parallel_comes_back_in_order():
    assert run_apart_many(add_one, [(n,) for n in range(7)], processes=2) == list(range(1, 8))
    with pytest.raises(FailedApart, match="ValueError: three"):
        run_apart_many(fail_on_three, [(n,) for n in range(6)], processes=2)


@pytest.mark.django_db
def test_a_plan_without_updates_is_its_own_part(demo):
    plan = Plan.objects.get(title__startswith="Effective Safeguarding")
    _, _, meeting = make_progress()
    before, after = pack_pdf.pack_sections(pack_pdf.pack_context(pack_for_meeting(meeting)))
    assert [s.name for s in before] == ["cover", "cover-report"]
    assert f"plan-{plan.pk}" in [s.name for s in after]


@pytest.mark.django_db
def test_every_page_carries_the_marking_and_whether_the_pack_is_final(demo):
    """A board paper: the partnership's protective marking at the top and bottom of every
    page, and "Provisional" on every page until the meeting is locked, then "Final"."""
    Partnership.objects.filter(slug="merton").update(protective_marking="OFFICIAL-SENSITIVE")
    _, _, meeting = make_progress()
    pages = page_texts(render_pack_parts(pack_for_meeting(meeting)).pdf)
    assert "Provisional: the meeting is not locked" in pages[0]
    for text in pages:
        assert text.count("OFFICIAL-SENSITIVE") == 2, text[-300:]
        assert "Provisional – not locked" in text and "Final" not in text
    meeting.locked_at = timezone.make_aware(dt.datetime(2024, 9, 16, 9, 30))
    meeting.save()
    pages = page_texts(render_pack_parts(pack_for_meeting(meeting)).pdf)
    assert "Final – locked on 16 September 2024: the ratings are" in " ".join(pages[0].split())
    for text in pages:
        assert "Final – locked on 16 September 2024" in text and "Provisional" not in text
    assert structure_problems(render_pack_parts(pack_for_meeting(meeting)).pdf) == []


@pytest.mark.django_db
def test_a_cache_that_cannot_be_read_or_written_only_costs_time(demo, monkeypatch):
    """A worker that cannot write its parts (a read-only or full disk) still makes the pack."""

    def broken(*args, **kwargs):
        raise OSError("Read-only file system")

    cache = caches["pack_parts"]
    monkeypatch.setattr(cache, "get_many", broken)
    monkeypatch.setattr(cache, "set_many", broken)
    _, _, meeting = make_progress()
    joined = render_pack_parts(pack_for_meeting(meeting))
    assert joined.pdf.startswith(b"%PDF") and joined.laid_out == joined.parts + 2
