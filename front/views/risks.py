"""The confidential risk & challenge log: board members and staff read it, staff keep it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from actions.models import Risk
from front.access import access_for
from front.edit_pages import (
    delete_view,
    describe,
    form_page,
    move_view,
    page_context,
    page_of,
    posted,
    staff_access,
    staff_object,
)
from front.forms.actions import RiskForm
from plans.staff_writes import place_at_end

GET_POST = ["GET", "POST"]


@login_required
@require_GET
def risk_list(request, slug):
    """The confidential risk & challenge log: board members and staff only."""
    access = access_for(request, slug)
    access.require_risks()
    risks = (
        Risk.objects.live()
        .for_partnership(access.partnership)
        .select_related("rating")
        .order_by("position", "pk")
    )
    return render(
        request,
        "actions/risk_list.html",
        {"access": access, "partnership": access.partnership, "risks": risks, "nav_risks": True},
    )


def risk_context(access, **kwargs):
    slug = access.partnership.slug
    crumbs = [("Risk and challenge log", reverse("actions:risks", args=[slug]))]
    return page_context(access, noun="risk", crumbs=crumbs, nav="nav_risks", **kwargs)


@login_required
@require_http_methods(GET_POST)
def risk_create(request, slug):
    access = staff_access(request, slug)
    partnership = access.partnership
    form = RiskForm(posted(request), partnership=partnership)
    context = risk_context(
        access,
        title="Add a risk or challenge",
        cancel_url=reverse("actions:risks", args=[slug]),
        submit_label="Add to the log",
    )
    return form_page(
        request,
        form,
        context,
        saved=lambda risk: f"Added {describe(risk)} to the log.",
        before_save=place_at_end,
    )


@login_required
@require_http_methods(GET_POST)
def risk_edit(request, slug, pk):
    access, risk = staff_object(request, slug, Risk.objects.all(), pk)
    form = RiskForm(posted(request), instance=risk, partnership=access.partnership)
    context = risk_context(access, title=f"Edit {describe(risk)}", cancel_url=page_of(risk, slug))
    return form_page(request, form, context)


risk_delete = delete_view(
    Risk.objects.all(),
    lambda access, risk: risk_context(
        access, title=f"Delete {describe(risk)}?", cancel_url=page_of(risk, access.partnership.slug)
    ),
)


risk_move = move_view(Risk.objects.all())
