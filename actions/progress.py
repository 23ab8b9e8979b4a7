"""Recording progress: the one write a chair or lead makes."""

import datetime

from django.db import transaction

from actions import notices
from actions.models import Action, ProgressUpdate
from actions.review import author_standing, status_on_entry
from plans.models import RagRating
from plans.permissions import Standing


@transaction.atomic
def record_progress(
    *,
    action: Action,
    rating: RagRating | None,
    commentary: str,
    author,
    rating_kept: bool = False,
    evidence: str = "",
    support_needed: str = "",
    reported_on: datetime.date | None = None,
    standing: Standing | None = None,
) -> ProgressUpdate:
    """Add an update to the action's history (never overwriting an earlier one). Whether it
    rates the action at once or waits for the chair's review is the author's standing's to
    say (plans.permissions.needs_review): a page passes the one its access holds; without
    it, it is read from the database. rating_kept: commentary only, the rating (the action's
    current one, or None) kept."""
    if standing is None:
        standing = author_standing(author, action.outcome.plan)
    update = ProgressUpdate(
        action=action,
        rating=rating,
        rating_kept=rating_kept,
        commentary=commentary,
        evidence=evidence,
        support_needed=support_needed,
        author=author,
        status=status_on_entry(standing),
    )
    if reported_on:
        update.reported_on = reported_on
    update.full_clean()
    update.save()
    if update.status == ProgressUpdate.Status.SUBMITTED:
        notices.submitted(update)  # its reviewers are emailed
    return update
