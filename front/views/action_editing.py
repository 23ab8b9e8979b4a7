"""Staff pages that add and change a plan's actions and their steps."""

from django.urls import reverse

from actions.lead_links import LeadLinker
from actions.models import Action, Step
from front.edit_pages import (
    delete_view,
    describe,
    form_page,
    in_plan,
    move_and_return,
    move_view,
    page_of,
    plan_crumbs,
    posted,
    staff_view,
)
from front.forms.actions import ActionForm, StepForm
from plans.models import Outcome
from plans.staff_writes import place_at_end

OUTCOMES = Outcome.objects.live().select_related("plan__group__partnership", "priority")
ACTIONS = Action.objects.live().select_related(
    "outcome__plan__group__partnership", "outcome__priority"
)
STEPS = Step.objects.live().select_related("action__outcome__plan__group__partnership")


def relink_lead(form, plan):
    """After a save: link the lead to the people and groups it names, if it changed."""

    def after_save(obj):
        if "lead" in form.changed_data:
            LeadLinker(plan.group.partnership).link(obj, owning_group=plan.group)

    return after_save


def action_crumbs(access, action):
    return [
        *plan_crumbs(access, action.outcome.plan),
        (f"Action {action.number}".strip(), page_of(action, access.partnership.slug)),
    ]


def in_action(access, action, **words):
    """in_plan, with the action last in the breadcrumbs."""
    return in_plan(access, action.outcome.plan, crumbs=action_crumbs(access, action), **words)


@staff_view(OUTCOMES)
def action_create(request, access, outcome):
    form = ActionForm(posted(request), outcome=outcome)
    context = in_plan(
        access,
        outcome.plan,
        title="Add an action",
        caption=f"Outcome {outcome}",
        cancel_url=page_of(outcome, access.partnership.slug),
        submit_label="Add action",
    )
    return form_page(
        request,
        form,
        context,
        saved=lambda action: (
            f"Added {describe(action)}.{no_date_note(action)} You can add its steps here."
        ),
        before_save=place_at_end,
        after_save=relink_lead(form, outcome.plan),
    )


@staff_view(ACTIONS)
def action_edit(request, access, action):
    form = ActionForm(posted(request), instance=action, outcome=action.outcome)
    context = in_action(access, action, title=f"Edit action {action.number}".strip())
    return form_page(
        request,
        form,
        context,
        saved=lambda action: f"Saved {describe(action)}.{no_date_note(action)}",
        after_save=relink_lead(form, action.outcome.plan),
    )


def no_date_note(action) -> str:
    """What staff are told when an action they saved has no due date."""
    if not action.has_no_due_date:
        return ""
    return (
        " Its timeframe gives no due date, so it can never show as overdue: add a month or a "
        "date to it (for example “by March 2025”) if it has one."
    )


action_delete = delete_view(
    ACTIONS,
    action_crumbs,
    consequences="Its progress updates are kept, and come back if it is restored.",
)


@staff_view(ACTIONS, methods=["POST"])
def action_move(request, access, action):
    plan_page = reverse("plans:plan", args=[access.partnership.slug, action.outcome.plan_id])
    return move_and_return(request, action, access, back_to=f"{plan_page}#action-{action.pk}")


@staff_view(ACTIONS)
def step_create(request, access, action):
    form = StepForm(posted(request), action=action)
    context = in_action(
        access,
        action,
        title=f"Add a step to action {action.number}".strip(),
        cancel_url=page_of(action, access.partnership.slug),
        submit_label="Add step",
    )
    after_save = relink_lead(form, action.outcome.plan)
    return form_page(request, form, context, before_save=place_at_end, after_save=after_save)


@staff_view(STEPS)
def step_edit(request, access, step):
    action = step.action
    form = StepForm(posted(request), instance=step, action=action)
    context = in_action(
        access,
        action,
        title=f"Edit step {step.label}".strip(),
        caption=f"Action {action.number}".strip(),
    )
    return form_page(request, form, context, after_save=relink_lead(form, action.outcome.plan))


step_delete = delete_view(STEPS, lambda access, step: action_crumbs(access, step.action))


step_move = move_view(STEPS)
