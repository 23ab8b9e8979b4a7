"""The meeting pack as a PDF: a Pack (reporting.packs) rendered by a template, then WeasyPrint.

    context = pack_context(pack)    # what the templates show: cells, counts, contents
    rendered = render_apart(html)   # WeasyPrint in a process apart: the PDF, its anchors…

The pack's PDF is laid out in parts and joined (reporting.pack_pdf).

Nothing is fetched from the network or the file system except the app's own static files and
data: URIs (StaticOnlyURLFetcher); user text is escaped by the templates. Fonts come from
Debian's fonts-liberation2 through fontconfig, so nothing is downloaded to draw text.

Speed (measured, see `manage.py bench_packs`): WeasyPrint's cost is table cells (about 0.6 ms
each, however little they hold) and lines of text. So the pack uses one plain table per
priority (or per plan) with fixed column widths (table-layout: fixed: no content is measured to
size columns), no nested tables, cells of plain text whose line breaks are kept by
`white-space: pre-line` rather than <br> and <span> elements, one class per rating instead of
per-cell styles, no leader() in the contents (drawn dot by dot), three margin boxes, and no
action laid out twice in the cross-plan sections.

What is left is about 1 ms a line of text (layout and drawing), and measured on the benchmark's
pack none of these moved it by more than a few per cent: separate instead of collapsed
borders, no kerning or ligatures, <br> or a <div> a line instead of pre-line, no repeated
table headers, break-inside: auto, smaller type. Lines, not pages or cells, are the cost:
the same words in one wide cell lay out four times faster than in seven narrow ones.
"""

import functools
import gc
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

import pydyf
import weasyprint
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint.urls import URLFetcher

from plans.badges import PDF_CLASS, rating_css
from plans.models import readable_text_colour
from reporting.apart import peak_mb, run_apart
from reporting.pack_cells import Cells, action_cells
from reporting.packs import (
    SCALE_COLOURS,
    SCALE_LABELS,
    SCALE_ORDER,
    Headlines,
    Pack,
    change_words,
)
from reporting.pdf_fetcher import BASE_URL, StaticOnlyURLFetcher
from reporting.pdf_join import LaidOutPart
from reporting.trend_charts import trend_charts

# WeasyPrint options: PDF/UA-1 (tagged PDF, document title shown, language set).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


@dataclass
class Segment:
    x: float
    width: float
    count: int
    colour: str
    text_colour: str
    label: str

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass
class CountRow:
    label: str
    detail: str
    counts: list[int]  # in SCALE_ORDER
    total: int
    overdue: int
    segments: list[Segment]
    y: int = 0
    short_label: str = ""


@dataclass
class PlanRow:
    number: str  # the outcome's, shown in bold on its first row
    outcome: str
    first: bool
    cells: Cells


@dataclass(frozen=True)
class PlanColumns:
    """Which columns a plan's table has, and their widths in per cent (fixed layout)."""

    outcome: bool
    themes: bool
    measures: bool

    @property
    def widths(self) -> list[int]:
        if self.themes:
            widths = {"outcome": 12, "action": 28, "themes": 10, "lead": 10, "timeframe": 8}
        else:
            widths = {"outcome": 14, "action": 33, "lead": 12, "timeframe": 9}
        widths |= {"rating": 8, "measures": 0, "commentary": 24}
        if self.measures:  # room for the measures: from the action and the commentary
            widths |= {"action": widths["action"] - 6, "measures": 14, "commentary": 16}
        else:
            del widths["measures"]
        if not self.outcome:
            widths["action"] += widths.pop("outcome")
        return list(widths.values())


def plan_rows(block, cells: dict[int, Cells]) -> list[PlanRow]:
    """A priority's rows in the plan's column layout: the outcome on its first action's row
    (an unstated outcome, of a plan without that level, has no words to show)."""
    rows = []
    for outcome_block in block.outcomes:
        outcome = outcome_block.outcome
        for i, line in enumerate(outcome_block.lines):
            first = i == 0
            text = outcome.text if first else f"{outcome.number} (continued)".strip()
            if not outcome.is_stated:
                text = ""
            rows.append(
                PlanRow(
                    number=outcome.number if first else "",
                    outcome=text,
                    first=first,
                    cells=cells[line.action.pk],
                )
            )
    return rows


CHART = {"width": 1000, "label": 360, "bar": 540, "row": 30, "bar_height": 20, "label_chars": 48}
CHART |= {"label_x": CHART["label"] - 10, "total_x": CHART["label"] + CHART["bar"] + 10}


def count_row(label: str, detail: str, counts, lines=None, overdue=None) -> CountRow:
    values = [counts.get(scale, 0) for scale in SCALE_ORDER]
    total = sum(values)
    if overdue is None:
        overdue = sum(1 for line in lines or () if line.overdue)
    segments, x = [], CHART["label"]
    for scale, count in zip(SCALE_ORDER, values, strict=True):
        if not count:
            continue
        width = CHART["bar"] * count / total
        colour = SCALE_COLOURS[scale]
        segments.append(
            Segment(
                x=round(x, 2),
                width=round(width, 2),
                count=count,
                colour=colour,
                text_colour=readable_text_colour(colour),
                label=SCALE_LABELS[scale],
            )
        )
        x += width
    return CountRow(label, detail, values, total, overdue, segments)


def priority_count_rows(plan, title: str, plan_pack) -> list[CountRow]:
    """A row per priority; for a plan without priorities, a row per outcome instead; its core
    activities first, so the rows add up to the plan's actions."""
    rows = []
    if plan_pack.core:
        counts = Counter(line.scale for line in plan_pack.core)
        rows.append(count_row("Core activities", title, counts, plan_pack.core))
    for block in plan_pack.priorities:
        if block.priority:
            lines = [line for outcome in block.outcomes for line in outcome.lines]
            label = f"{plan.priority_label or 'Priority'} {block.priority}"
            if block.priority.overarching:
                label = f"Overarching {plan.priority_name}: {block.priority}"
            rows.append(count_row(label, title, block.counts, lines))
            continue
        for outcome_block in block.outcomes:
            counts = Counter(line.scale for line in outcome_block.lines)
            outcome = outcome_block.outcome
            if not outcome.is_stated:
                label = f"{plan.action_name.capitalize()}s of the plan"
            elif outcome.number:
                label = f"Outcome {outcome}"
            else:
                label = f"Outcome: {outcome}"
            rows.append(count_row(label, title, counts, outcome_block.lines))
    return rows


def lower_first(text: str) -> str:
    """ "Down from On track" within a sentence: the rating keeps its partnership's capitals."""
    return text[:1].lower() + text[1:]


def truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def pack_context(pack: Pack) -> dict:
    count_rows, priority_rows, plans = [], [], []
    cells: dict[int, Cells] = {}
    for plan_pack in pack.plans:
        plan = plan_pack.plan
        lines = plan_pack.lines
        for line in lines:
            cells[line.action.pk] = action_cells(line, plan, pack.previous_meeting)
        title = plan.full_title
        row = count_row(title, plan.group.short_name, plan_pack.counts, lines)
        row.short_label = truncate(title, CHART["label_chars"])
        count_rows.append(row)
        priority_rows.extend(priority_count_rows(plan, title, plan_pack))
        blocks = [(block, plan_rows(block, cells)) for block in plan_pack.priorities]
        columns = PlanColumns(
            outcome=plan.has_outcomes,
            themes=any(cells[line.action.pk].themes != "–" for line in lines),
            measures=any(cells[line.action.pk].measures for line in lines),
        )
        core = [cells[line.action.pk] for line in plan_pack.core]
        plans.append((plan_pack, blocks, columns, core))
    chart_rows = list(count_rows)
    all_lines = pack.lines
    total = count_row("All plans", "", pack.counts, all_lines)
    total.short_label = total.label
    if len(count_rows) > 1:
        chart_rows.append(total)
    for i, row in enumerate(chart_rows):
        row.y = i * CHART["row"]
    theme_rows = [
        count_row(f"{theme.code} {theme.name}", "", counts, overdue=0)
        for theme, _, counts in pack.themes
    ]
    exceptions = pack.exceptions
    previous = pack.previous_meeting
    return {
        "contents": contents(plans),
        "pack": pack,
        "partnership": pack.partnership,
        "meeting": pack.meeting,
        "plans": plans,
        "ratings": sorted(pack.ratings.values(), key=lambda r: (r.position, r.pk)),
        "rating_css": mark_safe(rating_css(pack.ratings.values(), PDF_CLASS)),  # noqa: S308 - checked
        "scales": [(SCALE_LABELS[s], SCALE_COLOURS[s]) for s in SCALE_ORDER],
        "scale_labels": [SCALE_LABELS[s] for s in SCALE_ORDER],
        "chart": CHART,
        "chart_rows": chart_rows,
        "chart_height": len(chart_rows) * CHART["row"],
        "plan_rows": count_rows,
        "trend_charts": trend_charts(pack),
        "priority_rows": priority_rows,
        "theme_rows": theme_rows,
        "total": total,
        "exceptions": [cells[line.action.pk] for line in exceptions],
        # The cover report's: what a board acts on, up front.
        "at_issue": [cells[line.action.pk] for line in pack.at_issue],
        "worsened": len(pack.worsened),
        "worsened_at_issue": len(pack.worsened) - len(pack.worsened_not_at_issue),
        "worsened_not_at_issue": [cells[line.action.pk] for line in pack.worsened_not_at_issue],
        "headlines": Headlines.of(pack),
        # A changed action that is also an exception is shown once, in the exception report,
        # with its change: nothing is laid out twice (WeasyPrint's cost is lines of text).
        "changed": [cells[line.action.pk] for line in pack.changed if not line.is_exception],
        "changed_exceptions": [
            f"{line.action.number} {cells[line.action.pk].where} "
            f"({', '.join(map(lower_first, change_words(line, previous_meeting=previous)))})"
            for line in pack.changed
            if line.is_exception
        ],
        "not_updated": [
            (cells[line.action.pk], line.update.reported_on if line.update else None)
            for line in pack.not_updated
        ],
    }


class Entry(NamedTuple):
    """A line of the contents; its page is given for a pack laid out in parts
    (reporting.pack_pdf), or found by target-counter in one laid out whole."""

    anchor: str
    heading: str
    sub: bool
    page: int | None = None


def contents(plans) -> list[Entry]:
    """The contents, in the order of the pack."""
    entries = [
        Entry("summary", "Summary", False),
        Entry("ratings-by-plan", "Ratings by plan", True),
        Entry("ratings-over-time", "Ratings at the last meetings", True),
        Entry("ratings-by-priority", "Ratings by priority", True),
        Entry("themes", "Cross-cutting themes", True),
        Entry("key", "Rating key", False),
        Entry("exceptions", "Exception report: off track, at risk and past due date", False),
        Entry("changes", "Changes since the last meeting", False),
        Entry("not-updated", "Actions not updated since the last meeting", False),
    ]
    for plan_pack, *_ in plans:
        plan = plan_pack.plan
        entries.append(Entry(f"plan-{plan.pk}", plan.full_title, False))
        label = plan.priority_label or "Priority"
        for block in plan_pack.priorities:
            if block.priority:
                title = truncate(block.priority.title, 90)
                heading = f"{label} {block.priority.number}: {title}"
                entries.append(Entry(f"priority-{block.priority.pk}", heading, True))
    return entries


def furniture_css(left: str, right: str, folio: str, marking: str = "", standing: str = "") -> str:
    """The margin boxes' style: the header's texts, the page number, the protective marking
    and the pack's standing (provisional or final) are CSS values ('': no box)."""
    return render_to_string(
        "reporting/pdf/furniture.css",
        {"left": left, "right": right, "folio": folio, "marking": marking, "standing": standing},
    )


def cached_page_references(pdf) -> tuple[bytes, ...]:
    """pydyf.PDF.page_references, kept while the number of pages stays the same."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("mscp_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["mscp_page_references"] = cached
    return cached[1]


# pydyf 0.13 builds the list of every page's reference each time it is asked for one, and
# WeasyPrint's PDF/UA tagging asks once per tagged box: 28,000 times over the 141 pages of a
# 500-action pack, half a second of a nine-second render. Only for the version measured
# (tests/test_pdf.py compares the two): another keeps its own.
if pydyf.__version__ == "0.13.0":
    pydyf.PDF.page_references = property(cached_page_references)


@contextmanager
def fewer_collections():
    """Collect young objects less often while WeasyPrint runs (measured: 10-20 % faster),
    and never look at the objects that were there before it started (gc.freeze: 15 % more).

    WeasyPrint makes millions of short-lived objects; the default gen-0 threshold (700) runs
    the cyclic collector thousands of times over a large and growing heap, and each of its
    full collections walked the whole of Django and the pack too. Peak memory was the same in
    measurements; the thresholds are restored and the objects unfrozen afterwards. (No
    collection first: a render runs in a process just forked from one that collected and
    froze its objects once, reporting.render_server, and a collection of Django's objects
    cost 0.14 s a part.)
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 50_000), *old[1:])
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*old)


def warm_up() -> None:
    """Lay out a little of everything a pack draws (its fonts' faces, a table, a margin box),
    so that what WeasyPrint, Pango and fontconfig load once is loaded before the processes
    that render are forked, instead of in each (measured: 0.08 s a part)."""
    html = (
        '<html lang="en-GB"><title>Warm-up</title>'
        "<style>@page { @bottom-right { content: counter(page) } }</style>"
        "<h1>Warm</h1><p>Up <b>bold</b> <i>italic</i></p>"
        "<table><tr><th>A</th><td>1</td></tr></table>"
    )
    lay_out(html, [], PDF_OPTIONS, with_pack_css=True)


@dataclass
class Rendered(LaidOutPart):
    attempted: list[str] = field(default_factory=list)  # what the fetcher was asked for,
    refused: list[str] = field(default_factory=list)  # and refused (StaticOnlyURLFetcher)
    peak_mb: float = 0.0  # the render's process at its largest
    seconds: float = 0.0  # the layout's own time, in its process


def points(page, x: float, y: float) -> tuple[float, float]:
    """A place WeasyPrint gives in CSS pixels from the top left of a page, in PDF points
    from its bottom left (as a link's destination is written)."""
    return round(x * 0.75, 2), round((page.height - y) * 0.75, 2)


def pack_css() -> str:
    return render_to_string("reporting/pdf/pack.css")


@functools.cache
def pack_stylesheet() -> weasyprint.CSS:
    """The pack's style, parsed once: by the render server, before the renders are forked from
    it, so that no part of a pack parses it again (measured: 0.03 s a part). It is a user
    stylesheet, so that a document's own rules (the ratings' colours) win over it."""
    return weasyprint.CSS(string=pack_css(), base_url=BASE_URL, url_fetcher=StaticOnlyURLFetcher())


def lay_out(html: str, css: list[str], options: dict, with_pack_css: bool = False) -> Rendered:
    """The PDF of html (and its stylesheets, as text; and the pack's, if asked): WeasyPrint
    with the fetcher that allows only the app's static files and data: URIs. Run apart
    (html_to_pdf, reporting.pack_pdf)."""
    started = time.perf_counter()
    fetcher = StaticOnlyURLFetcher()
    stylesheets = [pack_stylesheet()] if with_pack_css else []
    stylesheets += [
        weasyprint.CSS(string=text, base_url=BASE_URL, url_fetcher=fetcher) for text in css
    ]
    with fewer_collections():
        document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            stylesheets=stylesheets, **options
        )
        pdf = document.write_pdf(**options)
    pages = document.pages
    anchors = {}  # where each starts: a box over several pages is in each page's anchors
    for i, page in enumerate(pages):
        for name, (x, y, *_) in page.anchors.items():
            anchors.setdefault(name, (i, *points(page, x, y)))
    return Rendered(
        pdf=pdf,
        pages=len(pages),
        anchors=anchors,
        bookmarks=[
            (i, level, label, *points(page, x, y))
            for i, page in enumerate(pages)
            for level, label, (x, y), _ in page.bookmarks
        ],
        attempted=fetcher.attempted,
        refused=fetcher.refused,
        peak_mb=peak_mb(),
        seconds=time.perf_counter() - started,
    )


def render_apart(html: str, *, css=(), **options) -> Rendered:
    """lay_out in a process of its own (reporting.apart): the PDF and what it cost."""
    return run_apart(lay_out, html, list(css), {**PDF_OPTIONS, **options})


def html_to_pdf(html: str, *, url_fetcher: URLFetcher | None = None, css=(), **options) -> bytes:
    """The PDF of html, laid out apart. What the render's fetcher was asked for, and refused,
    is added to url_fetcher's record, if given."""
    rendered = render_apart(html, css=css, **options)
    if url_fetcher is not None:
        url_fetcher.attempted += rendered.attempted
        url_fetcher.refused += rendered.refused
    return rendered.pdf
