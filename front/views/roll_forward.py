"""Year end, for staff: roll a plan forward into a new plan for the next period."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from actions.queries import PrioritySection, partnership_actions, plan_layout, ratings_by_id
from actions.roll_forward import (
    NothingToCarry,
    carried_count,
    carried_layout,
    carries_by_default,
    next_period,
    roll_forward,
)
from front.access import plan_for_user
from front.edit_pages import page_of, plan_crumbs, posted
from front.forms.plans import RollForwardForm


@dataclass
class Choice:
    index: int  # the checkbox's place on the page: its id, and the error summary's link
    action: object
    default: bool
    checked: bool


@dataclass
class OutcomeChoices:
    outcome: object
    choices: list[Choice] = field(default_factory=list)


def choices_for(sections, selected: set[int] | None) -> tuple[list[PrioritySection], list[int]]:
    """Every live action of the plan as a checkbox, grouped as the plan page groups them;
    ticked as the user left them, or (selected=None) by the default rule."""
    grouped, ids, index = [], [], 0
    for section in sections:
        outcomes = []
        for rows in section.outcomes:
            if not rows.actions:
                continue  # nothing in it to carry
            choices = []
            for action in rows.actions:
                default = carries_by_default(
                    scale=action.current_scale, recurrence=action.recurrence
                )
                checked = default if selected is None else action.pk in selected
                choices.append(Choice(index, action, default, checked))
                ids.append(action.pk)
                index += 1
            outcomes.append(OutcomeChoices(rows.outcome, choices))
        if outcomes:
            grouped.append(PrioritySection(section.priority, outcomes))
    return grouped, ids


def selected_ids(data) -> set[int] | None:
    """The actions ticked in the posted form (None before anything is posted)."""
    if data is None:
        return None
    return {int(pk) for pk in data.getlist("actions") if pk.isdigit()}


@login_required
@require_http_methods(["GET", "POST"])
def roll_forward_plan(request, slug, pk):
    """GET: the form, with the default actions ticked. POST with preview: what the new plan
    will hold, the form kept as typed. POST: make the new plan and go to it."""
    access, plan = plan_for_user(request, slug, pk, edit=True)
    partnership = access.partnership
    sections = plan_layout(
        plan,
        partnership_actions(partnership).filter(outcome__plan=plan),
        ratings_by_id(partnership),
        filtered=False,
    )
    data = posted(request)
    initial = {"title": plan.title, "period": next_period(plan.period)}
    # The choices are every live action now: one deleted since the page was opened is
    # refused as an invalid choice, with the rest of the input kept.
    grouped, ids = choices_for(sections, selected_ids(data))
    form = RollForwardForm(data, plan=plan, action_ids=ids, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        if "preview" in request.POST:
            preview = carried_layout(plan, cleaned["actions"], renumber=cleaned["renumber"])
        else:
            try:
                new_plan = roll_forward(
                    plan=plan,
                    title=cleaned["title"],
                    period=cleaned["period"],
                    action_ids=cleaned["actions"],
                    renumber=cleaned["renumber"],
                    user=request.user,
                )
            except NothingToCarry as error:
                form.add_error("actions", str(error))
            else:
                count = len(cleaned["actions"])
                messages.success(
                    request,
                    f"Created the draft plan {new_plan} with {count} "
                    f"action{'s' if count != 1 else ''} carried forward from {plan.period}. "
                    "Timeframes are copied as written: check the dated ones.",
                )
                return redirect(page_of(new_plan, slug))
    return render(
        request,
        "plans/roll_forward.html",
        {
            "access": access,
            "partnership": partnership,
            "plan": plan,
            "form": form,
            "grouped": grouped,
            "total": len(ids),
            "ticked": sum(c.checked for s in grouped for o in s.outcomes for c in o.choices),
            "preview": preview,
            "preview_count": carried_count(preview) if preview else 0,
            "renumbered": bool(preview) and form.cleaned_data["renumber"],
            "title": "Roll forward into a new plan",
            "crumbs": plan_crumbs(access, plan),
            "cancel_url": page_of(plan, slug),
            "nav_dashboard": True,
        },
    )
