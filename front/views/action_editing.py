"""Staff pages that add and change a plan's actions and their steps."""

from django.urls import reverse

from actions.lead_links import LeadLinker
from actions.models import Action, Step
from front.edit_pages import (
    delete_view,
    describe,
    form_page,
    in_plan,
    move_view,
    page_of,
    plan_crumbs,
    posted,
    renumber_view,
    staff_view,
)
from front.forms.actions import ActionForm, StepForm
from plans.levels import with_article
from plans.models import Outcome, Plan, Priority
from plans.staff_writes import place_at_end, unstated_outcome

OUTCOMES = Outcome.objects.live().select_related("plan__group__partnership", "priority")
PRIORITIES = Priority.objects.live().select_related("plan__group__partnership")
PLANS = Plan.objects.live().select_related("group__partnership")
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
    caption = f"{outcome.plan.outcome_name.capitalize()} {outcome}" if outcome.is_stated else None
    return add_action(request, access, outcome.plan, outcome=outcome, caption=caption)


@staff_view(PRIORITIES)
def action_create_in_priority(request, access, priority):
    """An action straight under a priority, in a plan with no outcome level."""
    plan = priority.plan
    caption = f"{plan.priority_name.capitalize()} {priority}"
    return add_action(request, access, plan, priority=priority, caption=caption)


@staff_view(PLANS)
def action_create_in_plan(request, access, plan):
    """An action straight under the plan, in a plan with neither priorities nor outcomes."""
    return add_action(request, access, plan)


@staff_view(PLANS)
def core_create(request, access, plan):
    """A core activity: standing business of the plan, outside its priorities."""
    return add_action(request, access, plan, kind=Action.Kind.CORE_ACTIVITY)


def add_action(
    request, access, plan, *, outcome=None, priority=None, kind=Action.Kind.ACTION, caption=None
):
    """The page that adds an action (or a core activity) to an outcome, or, without one, to
    the unstated outcome of its priority or plan (made when the action is saved)."""
    holder = outcome or Outcome(plan=plan, priority=priority)
    form = ActionForm(posted(request), outcome=holder, kind=kind)
    core = kind == Action.Kind.CORE_ACTIVITY
    name = "core activity" if core else plan.action_name
    context = in_plan(
        access,
        plan,
        title=f"Add {with_article(name)}",
        cancel_url=page_of(outcome or plan, access.partnership.slug),
        submit_label=f"Add {name}",
        **({"caption": caption} if caption else {}),
    )

    def before_save(action):
        if action.outcome.pk is None:
            action.outcome = unstated_outcome(plan, priority)
        place_at_end(action)

    return form_page(
        request,
        form,
        context,
        saved=lambda action: (
            f"Added {describe(action)}.{no_date_note(action)}"
            + ("" if core else " You can add its steps here.")
        ),
        before_save=before_save,
        after_save=relink_lead(form, plan),
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
        " Its timeframe gives no due date, so it can never show as past its due date: add a "
        "month or a date to it (for example “by March 2025”), or set its due date, if it has one."
    )


action_delete = delete_view(
    ACTIONS,
    action_crumbs,
    consequences="Its progress updates are kept, and come back if it is restored.",
)


def row_on_plan_page(access, action) -> str:
    plan_page = reverse("plans:plan", args=[access.partnership.slug, action.outcome.plan_id])
    return f"{plan_page}#action-{action.pk}"


action_move = move_view(ACTIONS, back_to=row_on_plan_page)
action_renumber = renumber_view(ACTIONS, back_to=row_on_plan_page)


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
