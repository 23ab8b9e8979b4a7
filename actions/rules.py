"""Rules about actions as pure functions, so they are tested without a database."""

import datetime

COMPLETE = "complete"


def is_overdue(due: datetime.date | None, scale: str | None, today: datetime.date) -> bool:
    """Overdue: a due date has passed and the action is not complete."""
    return due is not None and due < today and scale != COMPLETE
