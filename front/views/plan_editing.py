"""Staff pages that create and change a plan, its priorities and its outcomes."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from front.access import plan_for_user
from front.edit_pages import (
    delete_view,
    delete_words,
    describe,
    form_page,
    move_view,
    page_context,
    page_of,
    plan_crumbs,
    posted,
    staff_access,
    staff_object,
)
from front.forms.plans import OutcomeForm, PlanForm, PriorityForm
from plans.models import Outcome, Plan, Priority
from plans.staff_writes import place_at_end, place_outcome

GET_POST = ["GET", "POST"]
PLANS = Plan.objects.select_related("group__partnership")
PRIORITIES = Priority.objects.select_related("plan__group__partnership")
OUTCOMES = Outcome.objects.select_related("plan__group__partnership", "priority")


@login_required
@require_http_methods(GET_POST)
def plan_create(request, slug):
    access = staff_access(request, slug)
    form = PlanForm(posted(request), partnership=access.partnership)
    context = page_context(
        access,
        title="Create a plan",
        noun="plan",
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


@login_required
@require_http_methods(GET_POST)
def plan_edit(request, slug, pk):
    access, plan = plan_for_user(request, slug, pk, edit=True)
    form = PlanForm(posted(request), instance=plan, partnership=access.partnership)
    context = page_context(
        access,
        title="Edit plan details",
        caption=f"{plan.title} {plan.period}",
        noun="plan",
        cancel_url=page_of(plan, slug),
        crumbs=plan_crumbs(access, plan),
    )
    return form_page(request, form, context, saved=lambda plan: "Saved the plan's details.")


def in_plan(plan_of):
    """A delete page's context for something of a plan, under the plan's breadcrumbs."""

    def page(access, obj):
        plan = plan_of(obj)
        return page_context(access, **delete_words(access, obj), crumbs=plan_crumbs(access, plan))

    return page


plan_delete = delete_view(PLANS, in_plan(lambda plan: plan))


@login_required
@require_http_methods(GET_POST)
def priority_create(request, slug, pk):
    access, plan = plan_for_user(request, slug, pk, edit=True)
    form = PriorityForm(posted(request))
    form.instance.plan = plan
    label = (plan.priority_label or "priority").lower()
    context = page_context(
        access,
        title=f"Add a {label}",
        caption=f"{plan.title} {plan.period}",
        noun="priority",
        cancel_url=page_of(plan, slug),
        crumbs=plan_crumbs(access, plan),
        submit_label=f"Add {label}",
    )
    return form_page(
        request,
        form,
        context,
        saved=lambda priority: f"Added {describe(priority)}.",
        before_save=place_at_end,
    )


@login_required
@require_http_methods(GET_POST)
def priority_edit(request, slug, pk):
    access, priority = staff_object(request, slug, PRIORITIES, pk)
    plan = priority.plan
    form = PriorityForm(posted(request), instance=priority)
    context = page_context(
        access,
        title=f"Edit {(plan.priority_label or 'priority').lower()} {priority.number}".strip(),
        caption=f"{plan.title} {plan.period}",
        noun="priority",
        cancel_url=page_of(priority, slug),
        crumbs=plan_crumbs(access, plan),
    )
    return form_page(request, form, context)


priority_delete = delete_view(PRIORITIES, in_plan(lambda priority: priority.plan))


priority_move = move_view(PRIORITIES)


@login_required
@require_http_methods(GET_POST)
def outcome_create(request, slug, pk):
    access, plan = plan_for_user(request, slug, pk, edit=True)
    initial = {}
    if request.GET.get("priority", "").isdigit():
        initial["priority"] = get_object_or_404(
            plan.priorities, pk=request.GET["priority"], deleted_at__isnull=True
        )
    form = OutcomeForm(posted(request), plan=plan, initial=initial)
    context = page_context(
        access,
        title="Add an outcome",
        caption=f"{plan.title} {plan.period}",
        noun="outcome",
        cancel_url=page_of(plan, slug),
        crumbs=plan_crumbs(access, plan),
        submit_label="Add outcome",
    )
    return form_page(
        request,
        form,
        context,
        saved=lambda outcome: f"Added {describe(outcome)}. Now add its actions.",
        before_save=place_outcome,
    )


@login_required
@require_http_methods(GET_POST)
def outcome_edit(request, slug, pk):
    access, outcome = staff_object(request, slug, OUTCOMES, pk)
    plan = outcome.plan
    form = OutcomeForm(posted(request), instance=outcome, plan=plan)

    def before_save(outcome):
        if "priority" in form.changed_data:
            place_outcome(outcome)

    context = page_context(
        access,
        title=f"Edit outcome {outcome.number}".strip(),
        caption=f"{plan.title} {plan.period}",
        noun="outcome",
        cancel_url=page_of(outcome, slug),
        crumbs=plan_crumbs(access, plan),
    )
    return form_page(request, form, context, before_save=before_save)


outcome_delete = delete_view(OUTCOMES, in_plan(lambda outcome: outcome.plan))


outcome_move = move_view(OUTCOMES)
