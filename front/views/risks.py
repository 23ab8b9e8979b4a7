"""The confidential risk & challenge log: board members and staff read it, staff keep it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from actions.models import Risk
from front.access import access_for
from front.edit_pages import (
    delete_view,
    describe,
    form_page,
    move_view,
    page_context,
    posted,
    staff_view,
)
from front.forms.actions import RiskForm
from plans.staff_writes import place_at_end

RISKS = Risk.objects.live()


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


def risk_crumbs(access, risk=None):
    return [("Risk and challenge log", reverse("actions:risks", args=[access.partnership.slug]))]


def risk_context(access, **words):
    return page_context(access, crumbs=risk_crumbs(access), nav="nav_risks", **words)


@staff_view()
def risk_create(request, access):
    form = RiskForm(posted(request), partnership=access.partnership)
    context = risk_context(
        access,
        title="Add a risk or challenge",
        cancel_url=reverse("actions:risks", args=[access.partnership.slug]),
        submit_label="Add to the log",
    )
    return form_page(
        request,
        form,
        context,
        saved=lambda risk: f"Added {describe(risk)} to the log.",
        before_save=place_at_end,
    )


@staff_view(RISKS)
def risk_edit(request, access, risk):
    form = RiskForm(posted(request), instance=risk, partnership=access.partnership)
    return form_page(request, form, risk_context(access, title=f"Edit {describe(risk)}"))


risk_delete = delete_view(RISKS, risk_crumbs, nav="nav_risks")


risk_move = move_view(RISKS)
