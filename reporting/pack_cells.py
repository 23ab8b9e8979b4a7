"""An action's line in a pack, as plain text cells: what the PDF's tables (reporting.pdf) and
the Word cover report (reporting.word_cover) print, the same words in both."""

from dataclasses import dataclass

from django.utils.text import Truncator

from actions.display import step_text
from plans.badges import PDF_CLASS
from reporting.packs import ActionLine, change_words, measures_text


@dataclass
class Cells:
    """One action's table cells as plain text, lines kept by `white-space: pre-line`.

    Few elements per row is what keeps WeasyPrint fast: every element costs a style cascade
    and every inline element a split across lines, so a cell holds text, not markup, and
    colour comes from the cell's class.
    """

    number: str
    text: str  # the action's text and its steps, one per line (after the number)
    summary: str  # number, text, plan and lead, for the exception and changes tables
    brief: str  # number, text and plan, for the list of actions not updated
    where: str  # the plan, short: its group's short name and period
    themes: str
    lead: str
    timeframe: str
    overdue: bool
    rating: str
    rating_class: str
    previous: str
    previous_class: str
    commentary: str
    measures: str = ""  # how we will know it made a difference: one line per measure
    support: str = ""  # what the latest update asks of the board
    plan_id: int = 0  # whose plan: long lists are shown plan by plan (reporting.pack_pdf)
    change: str = ""
    since: str = ""  # what changed since the last meeting, for the exception report


def rating_cell(rating) -> tuple[str, str]:
    return (rating.label, f"{PDF_CLASS}{rating.pk}") if rating else ("No update", "r-none")


def timeframe_cell(action, overdue: bool) -> str:
    """The timeframe as written; for an action dated only by its steps, its last step's date."""
    text = action.timeframe
    if not text and action.due_date:
        text = f"By {action.due_date:%-d %b %Y} (its last step)"
    return (text or "–") + ("\nPast due date" if overdue else "")


def placing(action, plan) -> str:
    """Where the action sits in its plan, for the lists that gather actions from every plan,
    in the plan's own words: its priority's and outcome's numbers (or an unnumbered
    outcome's opening words)."""
    outcome, parts = action.outcome, []
    if action.kind == action.Kind.CORE_ACTIVITY:
        return "Core activity"
    priority = outcome.priority
    if priority is not None and priority.overarching:
        parts.append(f"Overarching {plan.priority_name} {priority.number}".strip())
    elif priority is not None and priority.number:
        parts.append(f"{plan.priority_name.capitalize()} {priority.number}")
    if outcome.number:
        parts.append(f"{plan.outcome_name.capitalize()} {outcome.number}")
    elif outcome.text:
        opening = Truncator(outcome.text).words(6, truncate="")
        parts.append(f"{plan.outcome_name.capitalize()} “{opening}”")
    return " · ".join(parts)


def action_cells(line: ActionLine, plan, previous_meeting=None) -> Cells:
    action, update = line.action, line.update
    parts = [action.text]
    parts += [step_text(step) for step in action.live_steps]
    # Never cut: a board reads the whole action in every list (only the contents shorten).
    summary = brief = action.summary
    where = " · ".join(
        filter(None, [f"{plan.group.short_name} {plan.period}", placing(action, plan)])
    )
    commentary, support = "–", ""
    if update:
        commentary = f"{update.reported_on:%-d %b %Y}: {update.commentary}"
        if update.evidence:
            commentary += f"\nEvidence: {update.evidence}"
        support = update.support_needed
        if support:
            commentary += f"\nSupport needed from the board: {support}"
        if update.author:
            commentary += f"\n– {update.author.get_full_name() or update.author.username}"
    changes = change_words(line, previous_meeting=previous_meeting)
    rating, rating_class = rating_cell(line.rating)
    previous, previous_class = rating_cell(line.previous_rating)
    return Cells(
        number=action.number,
        text="\n".join(parts),
        summary=f"{action.number} {summary}\n{where} · Lead: {action.lead or '–'}".strip(),
        brief=f"{action.number} {brief}\n{where}".strip(),
        where=where,
        # Names, not the partnership's letters: a board member does not carry the key.
        themes="\n".join(t.short_name or t.name for t in action.live_themes if t.deleted_at is None)
        or "–",
        lead=action.lead or "–",
        timeframe=timeframe_cell(action, line.overdue),
        overdue=line.overdue,
        rating=rating,
        rating_class=rating_class,
        previous=previous,
        previous_class=previous_class,
        commentary=commentary,
        measures=measures_text(line),
        support=support,
        plan_id=plan.pk,
        change=", ".join(changes),
        since="\n".join(changes) or "No change",
    )
