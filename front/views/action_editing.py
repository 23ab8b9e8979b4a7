"""Staff pages that add and change a plan's actions and their steps."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from actions.lead_links import LeadLinker
from actions.models import Action, Step
from front.access import action_for_user
from front.edit_pages import (
    delete_view,
    delete_words,
    describe,
    form_page,
    move_and_return,
    move_view,
    page_context,
    page_of,
    plan_crumbs,
    posted,
    staff_object,
)
from front.forms.actions import ActionForm, StepForm
from plans.models import Outcome
from plans.staff_writes import place_at_end

GET_POST = ["GET", "POST"]
OUTCOMES = Outcome.objects.select_related("plan__group__partnership", "priority")
ACTIONS = Action.objects.select_related("outcome__plan__group__partnership", "outcome__priority")
STEPS = Step.objects.select_related("action__outcome__plan__group__partnership")


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


@login_required
@require_http_methods(GET_POST)
def action_create(request, slug, pk):
    access, outcome = staff_object(request, slug, OUTCOMES, pk)
    plan = outcome.plan
    form = ActionForm(posted(request), outcome=outcome)
    context = page_context(
        access,
        title="Add an action",
        caption=f"Outcome {outcome}",
        noun="action",
        cancel_url=page_of(outcome, slug),
        crumbs=plan_crumbs(access, plan),
        submit_label="Add action",
    )
    return form_page(
        request,
        form,
        context,
        saved=lambda action: f"Added {describe(action)}. You can add its steps here.",
        before_save=place_at_end,
        after_save=relink_lead(form, plan),
    )


@login_required
@require_http_methods(GET_POST)
def action_edit(request, slug, pk):
    access, action = action_for_user(request, slug, pk, edit=True)
    plan = action.outcome.plan
    form = ActionForm(posted(request), instance=action, outcome=action.outcome)
    context = page_context(
        access,
        title=f"Edit action {action.number}".strip(),
        caption=f"{plan.title} {plan.period}",
        noun="action",
        cancel_url=page_of(action, slug),
        crumbs=action_crumbs(access, action),
    )
    return form_page(request, form, context, after_save=relink_lead(form, plan))


action_delete = delete_view(
    ACTIONS,
    lambda access, action: page_context(
        access,
        **delete_words(access, action),
        crumbs=action_crumbs(access, action),
        consequences="Its progress updates are kept, and come back if it is restored.",
    ),
)


@login_required
@require_POST
def action_move(request, slug, pk):
    access, action = action_for_user(request, slug, pk, edit=True)
    back_to = reverse("plans:plan", args=[slug, action.outcome.plan_id]) + f"#action-{action.pk}"
    return move_and_return(request, action, access, back_to=back_to)


@login_required
@require_http_methods(GET_POST)
def step_create(request, slug, pk):
    access, action = action_for_user(request, slug, pk, edit=True)
    plan = action.outcome.plan
    form = StepForm(posted(request), action=action)
    context = page_context(
        access,
        title=f"Add a step to action {action.number}".strip(),
        caption=f"{plan.title} {plan.period}",
        noun="step",
        cancel_url=page_of(action, slug),
        crumbs=action_crumbs(access, action),
        submit_label="Add step",
    )
    return form_page(
        request,
        form,
        context,
        saved=lambda step: f"Added {describe(step)}.",
        before_save=place_at_end,
        after_save=relink_lead(form, plan),
    )


@login_required
@require_http_methods(GET_POST)
def step_edit(request, slug, pk):
    access, step = staff_object(request, slug, STEPS, pk)
    action = step.action
    plan = action.outcome.plan
    form = StepForm(posted(request), instance=step, action=action)
    context = page_context(
        access,
        title=f"Edit step {step.label}".strip(),
        caption=f"Action {action.number}".strip(),
        noun="step",
        cancel_url=page_of(step, slug),
        crumbs=action_crumbs(access, action),
    )
    return form_page(request, form, context, after_save=relink_lead(form, plan))


step_delete = delete_view(
    STEPS,
    lambda access, step: page_context(
        access, **delete_words(access, step), crumbs=action_crumbs(access, step.action)
    ),
)


step_move = move_view(STEPS)
