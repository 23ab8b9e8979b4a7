"""Recording progress: the one write a chair makes."""

import datetime

from django.db import transaction

from actions.models import Action, ProgressUpdate
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
    """Add an update to the action's history (never overwriting an earlier one)."""
    update = ProgressUpdate(
        action=action, rating=rating, commentary=commentary, evidence=evidence, author=author
    )
    if reported_on:
        update.reported_on = reported_on
    update.full_clean()
    update.save()
    return update
