"""The body of the plan table, built in Python rather than by a template.

A 300-action plan is 300 rows of a dozen fields, links and staff controls each. As an include
with {% url %} tags and filters a row cost about 0.5 ms, most of the page's time; built here
with f-strings it costs a tenth of that (`scripts/bench`). So that nothing goes out unescaped,
every value from the database or a URL passes through `e()` or `lines()`, and only the
finished body is marked safe.
"""

from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString, mark_safe

from actions.display import step_details
from plans.badges import rating_badge

EMPTY = "–"

# A pk no real object has: reverse() puts it in the URL once, then it is swapped for each pk.
PLACEHOLDER_PK = 987654321987


def e(value) -> str:
    """Escaped for HTML text and attribute values (as Django's escape, without SafeString)."""
    return escape(str(value), quote=True)


def lines(value: str) -> str:
    """Escaped, with its line breaks kept as <br> (as the linebreaksbr filter)."""
    return e(value.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


@lru_cache(maxsize=512)
def short_date(day) -> str:
    """1 Dec 2026 (a plan's updates share a few dates, and formatting one is not free)."""
    return format_date(day, "j M Y")


def hidden(text: str) -> str:
    """Words for screen readers only, e.g. which action a "Details" link is for."""
    return f'<span class="govuk-visually-hidden">{e(text)}</span>'


class Links:
    """URLs of a partnership's pages by name and pk: reverse() once per name, then formatting.

    reverse() costs tens of microseconds, and the plan page of a large plan needs thousands of
    links, all of the shape /<slug>/.../<pk>/...
    """

    def __init__(self, slug: str):
        self.slug = slug
        self.parts: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str, pk: int) -> str:
        parts = self.parts.get(name)
        if parts is None:
            url = reverse(name, args=[self.slug, PLACEHOLDER_PK])
            head, _, tail = url.rpartition(str(PLACEHOLDER_PK))
            parts = self.parts[name] = (head, tail)
        return e(f"{parts[0]}{pk}{parts[1]}")


@dataclass
class TableContext:
    """What every row needs to know about the page and the user."""

    links: Links
    outcome_label: str
    has_themes: bool
    can_update_all: bool
    can_edit: bool
    filtered: bool
    outcome_column: bool = True  # off for a plan without an outcome level, and core activities
    has_measures: bool = False  # a column of outcome measures, when the plan has any
    csrf_token: str = ""


def link(href: str, text: str, for_whom: str) -> str:
    return f'<a class="govuk-link" href="{href}">{text}{hidden(for_whom)}</a>'


def move_buttons(ctx: TableContext, url: str, what: str, *, first: bool, last: bool) -> str:
    """Move up / Move down as a POST form, so they work without JavaScript."""
    if ctx.filtered or (first and last):
        return ""
    buttons = "".join(
        f' · <button type="submit" name="direction" value="{direction}" class="app-button-link">'
        f"{label}{hidden(' ' + what)}</button>"
        for direction, label, shown in (
            ("up", "Move up", not first),
            ("down", "Move down", not last),
        )
        if shown
    )
    return (
        f'<form method="post" action="{url}" class="app-inline-form">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(ctx.csrf_token)}">'
        f"{buttons}</form>"
    )


def numbered(number: str, text: str) -> str:
    """Text after its number as written, the number in bold."""
    prefix = f'<span class="app-plan-table__number">{e(number)}</span> ' if number else ""
    return prefix + lines(text)


def note(text: str) -> str:
    if not text:
        return ""
    return f'<p class="app-note">{hidden("Transcription note: ")}{e(text)}</p>'


def outcome_links(ctx: TableContext, outcome, *, first: bool, last: bool) -> str:
    links, what = ctx.links, f"outcome {outcome.number}"
    move = move_buttons(ctx, links("plans:outcome_move", outcome.pk), what, first=first, last=last)
    return (
        '<div class="app-action-links">'
        + link(links("actions:create", outcome.pk), "Add an action", f" to {what}")
        + "\n  · "
        + link(links("plans:outcome_edit", outcome.pk), "Edit", f" {what}")
        + "\n  · "
        + link(links("plans:outcome_delete", outcome.pk), "Delete", f" {what}")
        + f"\n  {move}</div>"
    )


def outcome_cell(ctx: TableContext, outcome, *, first: bool, last: bool) -> str:
    text = numbered(outcome.number, outcome.text) or EMPTY
    html = f'<div class="app-outcome-text">{text}</div>{note(outcome.note)}'
    if ctx.can_edit:
        html += outcome_links(ctx, outcome, first=first, last=last)
    return html


def step_html(step) -> str:
    """A step as the plan page and the action page show it (the words of actions.display)."""
    html = f"<strong>{e(step.label)}</strong> " if step.label else ""
    html += e(step.text)
    if step.timeframe:
        html += f" – <em>{e(step.timeframe)}</em>"
    for name, value in step_details(step):
        html += f'<br><span class="app-meta">{name}: {e(value)}</span>'
    return html


def steps_list(action) -> str:
    items = [f"<li>{step_html(step)}</li>" for step in action.live_steps]
    return f'<ul class="app-steps govuk-list">{"".join(items)}</ul>' if items else ""


def action_links(ctx: TableContext, action, *, first: bool, last: bool) -> str:
    links, what = ctx.links, f"action {action.number}"
    html = link(links("actions:detail", action.pk), "Details", f" of {what}")
    if ctx.can_update_all:
        html += " · " + link(
            links("actions:update", action.pk) + "?from=plan", "Update", f" {what}"
        )
    if ctx.can_edit:
        html += " · " + link(links("actions:edit", action.pk), "Edit", f" {what}")
        html += " · " + link(links("actions:delete", action.pk), "Delete", f" {what}")
        html += move_buttons(ctx, links("actions:move", action.pk), what, first=first, last=last)
        if not (ctx.filtered or (first and last)):
            html += " · " + link(links("actions:move", action.pk), "Move to…", f" {what}")
    return f'<div class="app-action-links">{html}</div>'


def measures_cell(action) -> str:
    """Each measure on its line, with its latest figure or evidence and date (measure_lines,
    set by actions.models.latest_measure_values)."""
    items = []
    for measure, latest in getattr(action, "measure_lines", []):
        item = e(measure)
        if latest is not None:
            item += (
                f'<br><span class="app-meta">Latest: {lines(latest.value)} '
                f"({short_date(latest.given_on)})</span>"
            )
        items.append(item)
    return "<br>".join(items) or EMPTY


def action_row(
    ctx: TableContext, row, action, *, index: int, outcome_first: bool, outcome_last: bool
) -> str:
    """One action's <tr>; the first action of an outcome also carries the outcome's cell.
    Staff may drag it within its outcome (app.mjs) to its place there (data-place, 1: first)."""
    movable = ""
    if ctx.can_edit and not ctx.filtered and len(row.actions) > 1:
        movable = (
            f' data-move="{ctx.links("actions:move", action.pk)}"'
            f' data-list="outcome-{row.outcome.pk}" data-place="{index + 1}"'
        )
    html = f'<tr id="action-{action.pk}"{movable}>'
    if index == 0 and ctx.outcome_column:
        html += (
            f'<th scope="rowgroup" rowspan="{len(row.actions)}" class="app-plan-table__outcome" '
            f'data-label="{e(ctx.outcome_label)}" id="outcome-{row.outcome.pk}">'
            f"{outcome_cell(ctx, row.outcome, first=outcome_first, last=outcome_last)}</th>"
        )
    first, last = index == 0, index == len(row.actions) - 1
    html += (
        '<td class="app-plan-table__action" data-label="Action">'
        # Its words in a block of their own: a phone shows their opening lines (app.scss).
        f'<div class="app-action-text">{numbered(action.number, action.text)}'
        f"{steps_list(action)}</div>{note(action.note)}"
        f"{action_links(ctx, action, first=first, last=last)}</td>"
    )
    if ctx.has_themes:
        themes = "; ".join(e(theme) for theme in action.live_themes)
        html += cell("Themes", themes)
    html += cell("Lead", lines(action.lead))
    overdue = '<br><span class="app-overdue">Past due date</span>' if action.overdue else ""
    if ctx.can_edit and action.has_no_due_date:
        overdue += "<br>" + link(
            ctx.links("actions:edit", action.pk) + "#id_due_date_set",
            "No due date: add one",
            f" for action {action.number}",
        )
    html += cell("Timeframe", lines(action.timeframe), overdue)
    updated = ""
    if action.last_updated_on:
        updated = f'<br><span class="app-meta">{short_date(action.last_updated_on)}</span>'
    waiting = action.waiting_reviews  # leads' updates not yet accepted (with_latest_update)
    if waiting:
        plural = "" if waiting == 1 else "s"
        updated += (
            f'<br><span class="app-meta">{e(waiting)} update{plural} waiting for review</span>'
        )
    html += f'<td data-label="Rating">{rating_badge(action.current_rating)}{updated}</td>'
    if ctx.has_measures:
        measures = measures_cell(action)
        html += cell("How we will know", "" if measures == EMPTY else measures)
    return html + cell("Latest commentary", lines(action.current_commentary or "")) + "</tr>"


def cell(label: str, content: str, after: str = "") -> str:
    """A labelled cell; an empty one shows a dash, and is left out of a phone's card."""
    if content or after:
        return f'<td data-label="{label}">{content or EMPTY}{after}</td>'
    return f'<td data-label="{label}" class="app-empty">{EMPTY}</td>'


def table_body(ctx: TableContext, section) -> SafeString:
    """The <tr>s of one priority's table (or of the plan's, without priorities)."""
    html = []
    last_outcome = len(section.outcomes) - 1
    for outcome_index, row in enumerate(section.outcomes):
        outcome_first, outcome_last = outcome_index == 0, outcome_index == last_outcome
        if not row.actions:
            cell = outcome_cell(ctx, row.outcome, first=outcome_first, last=outcome_last)
            html.append(
                '<tr><th scope="row" class="app-plan-table__outcome" '
                f'id="outcome-{row.outcome.pk}">{cell}</th>'
                f'<td colspan="{5 + ctx.has_themes + ctx.has_measures}">No actions yet.</td></tr>'
            )
        for index, action in enumerate(row.actions):
            html.append(
                action_row(
                    ctx,
                    row,
                    action,
                    index=index,
                    outcome_first=outcome_first,
                    outcome_last=outcome_last,
                )
            )
    return mark_safe("\n".join(html))  # noqa: S308 - every value escaped by e() or lines()
