"""A rating as people see it: always its word, in or beside its partnership's colour. The
pages, the PDF packs and the Django admin all draw ratings from here."""

import re

from django.utils.html import escape, format_html

from plans.models import RagRating, readable_text_colour

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def shown_colour(rating) -> str:
    """The rating's colour, or its scale's GOV.UK colour if it has none a stylesheet may
    take (the value goes into CSS, so only # and six hex digits pass)."""
    if HEX_COLOUR.match(rating.colour or ""):
        return rating.colour
    return RagRating.SCALE_COLOURS.get(rating.scale, "#ffffff")


def rating_css(ratings, class_prefix: str) -> str:
    """One class per rating (class_prefix and its id) in its colour, with readable text."""
    rules = []
    for rating in ratings:
        colour = shown_colour(rating)
        text = readable_text_colour(colour)
        rules.append(f".{class_prefix}{rating.pk}{{background:{colour};color:{text}}}")
    return "\n".join(rules)


# A rating's class: on the pages (from /<partnership>/ratings.css) and in the PDFs.
PAGE_CLASS = "app-rag--r"
PDF_CLASS = "r-"


def rating_badge(rating) -> str:
    """A rating as a tag in its partnership's colour, always with its word (escaped HTML)."""
    if not rating:
        return '<strong class="app-rag app-rag--none">No update yet</strong>'
    return f'<strong class="app-rag {PAGE_CLASS}{rating.pk}">{escape(rating.label)}</strong>'


def rating_swatch(label: str | None, colour: str | None) -> str:
    """A rating's word beside a swatch of its colour (never colour alone).

    The swatch is an SVG fill, not a style attribute, which the Content-Security-Policy blocks.
    """
    if not label:
        return "—"
    return format_html(
        '<span class="app-rating-label"><svg width="12" height="12" aria-hidden="true" '
        'focusable="false"><rect width="12" height="12" fill="{}" stroke="#505a5f"/></svg> '
        "<strong>{}</strong></span>",
        colour or "#ffffff",
        label,
    )
