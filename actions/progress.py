"""Recording progress: the one write a chair or lead makes."""

import datetime

from django.db import transaction

from actions.models import Action, ProgressUpdate
from actions.review import author_standing, status_on_entry
from plans.models import RagRating


@transaction.atomic
def record_progress(
    *,
    action: Action,
    rating: RagRating,
    commentary: str,
    author,
    evidence: str = "",
    reported_on: datetime.date | None = None,
) -> ProgressUpdate:
    """Add an update to the action's history (never overwriting an earlier one). Whether it
    rates the action at once or waits for the chair's review is the author's standing's to
    say (actions.review.status_on_entry)."""
    role, chairs = author_standing(author, action.outcome.plan)
    update = ProgressUpdate(
        action=action,
        rating=rating,
        commentary=commentary,
        evidence=evidence,
        author=author,
        status=status_on_entry(role=role, chairs_owning_group=chairs),
    )
    if reported_on:
        update.reported_on = reported_on
    update.full_clean()
    update.save()
    return update
