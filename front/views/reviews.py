"""The chair's review: the updates waiting for them, and accepting or returning one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from actions.models import Action
from actions.queries import ratings_by_id
from actions.review import (
    ReviewRefused,
    accept_update,
    person,
    return_update,
    waiting_for,
)
from front.access import access_for, update_for_review
from front.forms.base import GovukForm

PAGE_SIZE = 50


class ChallengeForm(GovukForm, forms.Form):
    challenge = forms.CharField(
        label="Your challenge to the lead",
        help_text=(
            "What is missing or needs to change, for example the evidence the board will ask "
            "for. The lead sees it, and it stays in the action's history."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your challenge: say why the update is returned"},
    )


@login_required
@require_GET
def review_list(request, slug):
    """Leads' updates waiting for this chair's (or staff's) review, oldest first."""
    access = access_for(request, slug)
    access.require_reviewer()
    page = Paginator(waiting_for(access), PAGE_SIZE).get_page(request.GET.get("page"))
    updates = list(page.object_list)
    attach_current_ratings(access.partnership, updates)
    return render(
        request,
        "actions/review_list.html",
        {
            "access": access,
            "partnership": access.partnership,
            "page": page,
            "updates": updates,
            "nav_reviews": True,
        },
    )


def attach_current_ratings(partnership, updates) -> None:
    """Each update's action's current rating, to compare with (2 queries)."""
    ids = {update.action_id for update in updates}
    if not ids:
        return
    ratings = ratings_by_id(partnership)
    current = dict(
        Action.objects.filter(pk__in=ids)
        .with_latest_update()
        .values_list("pk", "current_rating_id")
    )
    for update in updates:
        update.current_rating = ratings.get(current.get(update.action_id))


@login_required
@require_GET
def review_update(request, slug, pk):
    """One update: accept it, or return it with a challenge (or, reviewed, what was done)."""
    access, update = update_for_review(request, slug, pk)
    return review_page(request, access, update, ChallengeForm())


def review_page(request, access, update, form):
    attach_current_ratings(access.partnership, [update])
    return render(
        request,
        "actions/review_update.html",
        {
            "access": access,
            "partnership": access.partnership,
            "update": update,
            "action": update.action,
            "plan": update.action.outcome.plan,
            "form": form,
            "nav_reviews": True,
        },
    )


@login_required
@require_POST
def accept(request, slug, pk):
    access, update = update_for_review(request, slug, pk)
    try:
        accept_update(update=update, reviewer=request.user)
    except ReviewRefused as refused:
        messages.error(request, str(refused))
        return redirect("actions:reviews", slug)
    messages.success(
        request,
        f"Accepted {person(update.author)}'s update to action {number(update)}: "
        "it now rates the action.",
    )
    return redirect("actions:reviews", slug)


@login_required
@require_POST
def return_with_challenge(request, slug, pk):
    """Return the update; without a challenge, its page again with the error and the input."""
    access, update = update_for_review(request, slug, pk)
    form = ChallengeForm(request.POST)
    if form.is_valid():
        try:
            return_update(
                update=update, reviewer=request.user, challenge=form.cleaned_data["challenge"]
            )
        except ReviewRefused as refused:
            messages.error(request, str(refused))
            return redirect("actions:reviews", slug)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(
                request,
                f"Returned {person(update.author)}'s update to action {number(update)} "
                "with your challenge.",
            )
            return redirect("actions:reviews", slug)
    return review_page(request, access, update, form)


def number(update) -> str:
    return update.action.number or "(unnumbered)"
