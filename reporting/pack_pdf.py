"""The meeting pack as a PDF, laid out in parts and joined.

    pdf = render_pack_pdf(pack)     # bytes: A4 landscape, tagged (PDF/UA-1)

WeasyPrint lays a pack out at about a page in 80 ms, all in one process: a 500-action pack
(about 150 pages) took 12 s, and as long again after a single update. So the pack is laid out
in parts (the cover, a meeting's cover report, the contents, the summary with the rating key,
each report, or each plan's rows of a long one, and each plan):
- each part is a document of its own, laid out in a process of its own (reporting.apart),
  two at a time;
- a part whose HTML is the same as one laid out before comes from the cache `pack_parts`
  (files under VAR_DIR): after one update only the parts that show it are laid out again
  (the cover, the cover report, the summary and reports it changes, its plan);
- the parts are joined into one tagged PDF (reporting.pdf_join). The contents are laid out
  last, with the page numbers the other parts' lengths give, and the running header, the page
  numbers, the protective marking and the pack's standing (provisional or final) are drawn
  over every page from documents of empty pages (the furniture), so no part depends on where
  it falls.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint.urls import URLFetcher

from reporting.apart import run_apart_many
from reporting.packs import Pack
from reporting.pdf import (
    PDF_OPTIONS,
    Rendered,
    furniture_css,
    lay_out,
    pack_context,
    pack_css,
)
from reporting.pdf_join import join

# Changed whenever what a part's PDF holds changes for the same HTML (the layout's code, the
# join's needs, WeasyPrint's version), so that no part laid out before is used again.
PART_FORMAT = "2026-12-07.1"
PLACEHOLDER_PAGE = 999  # the widest page number: the contents' length is found with it
FURNITURE_PAGES = 40  # pages in each document of page furniture


@dataclass(frozen=True)
class Part:
    name: str
    html: str

    @property
    def key(self) -> str:
        digest = hashlib.sha256(f"{PART_FORMAT}\n{PDF_OPTIONS}\n{pack_css()}\n{self.html}".encode())
        return f"pack-part:{digest.hexdigest()}"


def css_string(text: str) -> str:
    """text as a CSS string that is safe inside a <style> element: every character but
    letters, digits and a few marks is escaped (so no quote, backslash or '<' is left)."""
    escaped = "".join(
        c if c.isalnum() or c in " .,-()" else f"\\{ord(c):x} " for c in text.replace("\n", " ")
    )
    return mark_safe(f'"{escaped}"')  # noqa: S308 - every other character is escaped above


# A list (the exceptions, the changes, the actions not updated) longer than this is shown plan
# by plan, each plan's rows from a new page: so that an update lays out again only its plan's
# rows of it, and the processes share the work. Shorter ones are one table, as they read best.
LONG_LIST = 40


@dataclass(frozen=True)
class Section:
    """A part of the pack: its body, from a template, and its name."""

    name: str
    body: str


def section(context: dict, name: str, template: str, **extra) -> Section:
    return Section(name, render_to_string(template, context | extra))


def list_sections(context: dict, name: str, rows: list) -> list[Section]:
    """A list's section; a long one's, one for each plan, the first with the list's heading."""
    template = f"reporting/pdf/{name.replace('-', '_')}.html"
    if len(rows) <= LONG_LIST:
        return [section(context, name, template, rows=rows)]
    by_plan: dict[int, list] = {}
    for row in rows:
        cells = row[0] if isinstance(row, tuple) else row
        by_plan.setdefault(cells.plan_id, []).append(row)
    plans = [plan_pack.plan for plan_pack, *_ in context["plans"]]
    groups = [(plan, by_plan[plan.pk]) for plan in plans if plan.pk in by_plan]
    return [
        section(context, f"{name}-{plan.pk}", template, rows=plan_rows, group=plan, continued=i > 0)
        for i, (plan, plan_rows) in enumerate(groups)
    ]


def pack_sections(context: dict) -> tuple[list[Section], list[Section]]:
    """Every part of the pack but the contents, in the pack's order: those before the
    contents (the cover, and a meeting's cover report), and those after."""
    before = [section(context, "cover", "reporting/pdf/cover.html")]
    if context["meeting"] is not None:
        before.append(section(context, "cover-report", "reporting/pdf/cover_report.html"))
    summary = section(context, "summary", "reporting/pdf/summary.html")
    key = section(context, "key", "reporting/pdf/key.html")
    after = [
        # The rating key early, under the summary (not a page of its own): every table uses it.
        Section("summary", summary.body + key.body),
        *list_sections(context, "exceptions", context["exceptions"]),
        *list_sections(context, "changes", context["changed"]),
        *list_sections(context, "not-updated", context["not_updated"]),
    ]
    for plan_pack, blocks, columns, core in context["plans"]:
        after.append(
            section(
                context,
                f"plan-{plan_pack.plan.pk}",
                "reporting/pdf/plan.html",
                plan=plan_pack.plan,
                plan_pack=plan_pack,
                blocks=blocks,
                columns=columns,
                core=core,
            )
        )
    return before, after


def contents_section(context: dict, pages: dict[str, int] | None) -> Section:
    """The contents, with the pages given; None: the widest numbers, to find its length."""
    entries = [
        entry._replace(page=pages[entry.anchor] if pages else PLACEHOLDER_PAGE)
        for entry in context["contents"]
    ]
    return section(context, "contents", "reporting/pdf/contents.html", contents=entries)


def part(context: dict, content: Section) -> Part:
    """A section as a document of its own."""
    html = render_to_string(
        "reporting/pdf/part.html",
        context | {"body": mark_safe(content.body), "created": content.name == "cover"},  # noqa: S308
    )
    return Part(content.name, html)


def pack_html(pack: Pack) -> str:
    """The pack as one document, to be laid out whole by lay_out_part (the contents' numbers
    by target-counter, the header by string-set): what the benchmark's bare render times."""
    context = pack_context(pack)
    folio = mark_safe('"Page " counter(page) " of " counter(pages)')  # noqa: S308 - a constant
    context["page_css"] = furniture_css(
        "string(partnership)", "string(title)", folio, **marks(context)
    )
    before, after = pack_sections(context)
    contents = section(context, "contents", "reporting/pdf/contents.html")
    bodies = [mark_safe(s.body) for s in [*before, contents, *after]]  # noqa: S308 - rendered
    return render_to_string("reporting/pdf/pack.html", context | {"bodies": bodies})


def marks(context: dict) -> dict[str, str]:
    """The protective marking and the pack's standing, as CSS strings ('': none)."""
    marking, standing = context["partnership"].protective_marking, context["pack"].standing
    return {
        "marking": css_string(marking) if marking else "",
        "standing": css_string(standing) if standing else "",
    }


def furniture_parts(context: dict, total: int) -> list[Part]:
    """The furniture for a pack of `total` pages, in documents of FURNITURE_PAGES pages, laid
    out side by side; each page's number is written on it (string-set), so no counter
    depends on where a document starts."""
    css = furniture_css(
        css_string(context["partnership"].name),
        css_string(context["pack"].title),
        "string(folio)",
        **marks(context),
    )
    return [
        Part(
            "furniture",
            render_to_string(
                "reporting/pdf/furniture.html",
                {
                    "page_css": css,
                    "numbers": range(first, min(first + FURNITURE_PAGES, total + 1)),
                    "total": total,
                },
            ),
        )
        for first in range(1, total + 1, FURNITURE_PAGES)
    ]


def page_numbers(parts: list[Rendered]) -> dict[str, int]:
    """Each anchor's page number in the joined pack (a later part's anchor wins over the
    contents' stand-in of the same name)."""
    numbers, first = {}, 1
    for laid_out in parts:
        for name, (page, *_) in laid_out.anchors.items():
            numbers[name] = first + page
        first += laid_out.pages
    return numbers


def lay_out_part(html: str) -> Rendered:
    """A part's layout, run apart: its HTML with the pack's style."""
    return lay_out(html, [], PDF_OPTIONS, with_pack_css=True)


logger = logging.getLogger(__name__)


class Layouts:
    """Parts' layouts: from the cache, or laid out apart (the largest first, so that the
    processes finish together) and kept. Counts what it laid out, and its peak memory."""

    def __init__(self, url_fetcher: URLFetcher | None = None):
        self.cache = caches["pack_parts"]
        self.url_fetcher = url_fetcher
        self.laid_out = 0
        self.peak_mb = 0.0

    def __call__(self, parts: list[Part]) -> list[Rendered]:
        found = self.kept([p.key for p in parts])
        missing = sorted(
            {p.key: p for p in parts if p.key not in found}.values(), key=lambda p: -len(p.html)
        )
        laid_out = run_apart_many(
            lay_out_part,
            [(p.html,) for p in missing],
            processes=settings.PACK_RENDER_PROCESSES,
        )
        fresh = {p.key: rendered for p, rendered in zip(missing, laid_out, strict=True)}
        self.keep(fresh)
        self.laid_out += len(fresh)
        for rendered in laid_out:
            self.peak_mb = max(self.peak_mb, rendered.peak_mb)
            if self.url_fetcher is not None:
                self.url_fetcher.attempted += rendered.attempted
                self.url_fetcher.refused += rendered.refused
        return [(found | fresh)[p.key] for p in parts]

    # The cache only saves time: one that cannot be read or written (a full or read-only
    # disk) is logged and the pack laid out whole, never failed.
    def kept(self, keys: list[str]) -> dict:
        try:
            return self.cache.get_many(keys)
        except OSError:
            logger.warning("The packs' parts could not be read: laying them out", exc_info=True)
            return {}

    def keep(self, parts: dict) -> None:
        try:
            self.cache.set_many(parts)
        except OSError:
            logger.warning("The packs' parts could not be kept", exc_info=True)


@dataclass
class Joined:
    pdf: bytes
    parts: int
    laid_out: int  # parts laid out by this render (the others came from the cache)
    peak_mb: float  # the largest peak of the processes that laid them out


def render_pack_parts(pack: Pack, *, url_fetcher: URLFetcher | None = None) -> Joined:
    context = pack_context(pack) | {"page_css": ""}
    lay_out_all = Layouts(url_fetcher)
    before, after = pack_sections(context)
    sections = [*before, *after, contents_section(context, None)]
    *laid_out, widest = lay_out_all([part(context, s) for s in sections])
    # The contents, laid out with the widest numbers: their length places what follows.
    at = len(before)
    order = [*laid_out[:at], widest, *laid_out[at:]]
    for _ in range(3):
        contents = part(context, contents_section(context, page_numbers(order)))
        furniture = furniture_parts(context, sum(p.pages for p in order))
        numbered, *sheets = lay_out_all([contents, *furniture])
        if numbered.pages == order[at].pages:
            break
        order[at] = numbered  # longer or shorter with its numbers: place the rest again
    order[at] = numbered
    pdf = join(order, [sheet.pdf for sheet in sheets])
    return Joined(pdf, len(order), lay_out_all.laid_out, lay_out_all.peak_mb)


def render_pack_pdf(pack: Pack, *, url_fetcher: URLFetcher | None = None) -> bytes:
    """The meeting pack as PDF bytes."""
    return render_pack_parts(pack, url_fetcher=url_fetcher).pdf
