"""Staff pages that create and change a plan, its priorities and its outcomes."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from front.edit_pages import (
    delete_view,
    form_page,
    in_plan,
    move_view,
    page_context,
    page_of,
    plan_crumbs,
    posted,
    renumber_view,
    staff_view,
)
from front.forms.plans import OutcomeForm, PlanForm, PriorityForm
from plans.models import Outcome, Plan, Priority
from plans.staff_writes import place_at_end, place_outcome

PLANS = Plan.objects.live().select_related("group__partnership")
PRIORITIES = Priority.objects.live().select_related("plan__group__partnership")
OUTCOMES = Outcome.objects.live().select_related("plan__group__partnership", "priority")


@staff_view()
def plan_create(request, access):
    slug = access.partnership.slug
    form = PlanForm(posted(request), partnership=access.partnership)
    context = page_context(
        access,
        title="Create a plan",
        cancel_url=reverse("plans:dashboard", args=[slug]),
        crumbs=plan_crumbs(access),
        submit_label="Create plan",
    )
    return form_page(
        request,
        form,
        context,
        saved=lambda plan: f"Created the plan {plan}. Now add its outcomes and actions.",
        redirect_to=lambda plan: reverse("plans:plan", args=[slug, plan.pk]),
    )


@staff_view(PLANS)
def plan_edit(request, access, plan):
    form = PlanForm(posted(request), instance=plan, partnership=access.partnership)
    context = in_plan(access, plan, title="Edit plan details")
    return form_page(request, form, context, saved=lambda plan: "Saved the plan's details.")


plan_delete = delete_view(PLANS, plan_crumbs)


def priority_label(plan) -> str:
    """What the plan calls its priorities, e.g. "strategic aim"."""
    return (plan.priority_label or "priority").lower()


@staff_view(PLANS)
def priority_create(request, access, plan):
    form = PriorityForm(posted(request))
    form.instance.plan = plan
    label = priority_label(plan)
    context = in_plan(
        access,
        plan,
        title=f"Add a {label}",
        cancel_url=page_of(plan, access.partnership.slug),
        submit_label=f"Add {label}",
    )
    return form_page(request, form, context, before_save=place_at_end)


@staff_view(PRIORITIES)
def priority_edit(request, access, priority):
    form = PriorityForm(posted(request), instance=priority)
    title = f"Edit {priority_label(priority.plan)} {priority.number}".strip()
    return form_page(request, form, in_plan(access, priority.plan, title=title))


priority_delete = delete_view(
    PRIORITIES, lambda access, priority: plan_crumbs(access, priority.plan)
)


priority_move = move_view(PRIORITIES)
priority_renumber = renumber_view(PRIORITIES)


@staff_view(PLANS)
def outcome_create(request, access, plan):
    initial = {}
    if request.GET.get("priority", "").isdigit():
        initial["priority"] = get_object_or_404(
            plan.priorities, pk=request.GET["priority"], deleted_at__isnull=True
        )
    form = OutcomeForm(posted(request), plan=plan, initial=initial)
    context = in_plan(
        access,
        plan,
        title="Add an outcome",
        cancel_url=page_of(plan, access.partnership.slug),
        submit_label="Add outcome",
    )
    return form_page(
        request, form, context, next_step="Now add its actions.", before_save=place_outcome
    )


@staff_view(OUTCOMES)
def outcome_edit(request, access, outcome):
    form = OutcomeForm(posted(request), instance=outcome, plan=outcome.plan)

    def before_save(outcome):
        if "priority" in form.changed_data:
            place_outcome(outcome)

    context = in_plan(access, outcome.plan, title=f"Edit outcome {outcome.number}".strip())
    return form_page(request, form, context, before_save=before_save)


outcome_delete = delete_view(OUTCOMES, lambda access, outcome: plan_crumbs(access, outcome.plan))


outcome_move = move_view(OUTCOMES)
outcome_renumber = renumber_view(OUTCOMES)
