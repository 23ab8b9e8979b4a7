"""Which progress update is current: the one rule that the pages, the packs and the update
cycle share, as pure functions on plain records (tested without a database).

Progress is a history: updates are never overwritten. An action's current update is its
latest *accepted* one, latest by the day it is about (reported_on), then by when it was
typed in (created_at), then by its id. A pack as at a meeting also asks that the update had
begun to rate the action by the meeting's cut-off: a lead's update begins when the chair
accepts it (reviewed_at), anyone else's when it is typed. Submitted and returned updates
rate nothing.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

SUBMITTED, ACCEPTED, RETURNED = "submitted", "accepted", "returned"  # ProgressUpdate.Status

# The order of an action's updates, oldest first, for the ORM (NEWEST_FIRST for order_by).
ORDERING = ("reported_on", "created_at", "pk")
NEWEST_FIRST = tuple(f"-{name}" for name in ORDERING)


@dataclass(frozen=True)
class Update:
    """One progress update, as these rules need it."""

    reported_on: datetime.date
    created_at: datetime.datetime
    scale: str | None
    rating_id: int | None = None
    pk: int = 0
    status: str = ACCEPTED
    reviewed_at: datetime.datetime | None = None  # accepted as made: None

    @property
    def accepted(self) -> bool:
        return self.status == ACCEPTED

    @property
    def entered_at(self) -> datetime.datetime:
        """When it began to rate the action: its acceptance, for a reviewed update."""
        if self.reviewed_at is None:
            return self.created_at
        return max(self.created_at, self.reviewed_at)


def order_key(update) -> tuple:
    """An update's place in its action's history (an Update or a ProgressUpdate)."""
    return tuple(getattr(update, name) for name in ORDERING)


def latest_accepted(
    updates: Iterable[Update],
    *,
    day: datetime.date | None = None,
    before: datetime.date | None = None,
    cutoff: datetime.datetime | None = None,
) -> Update | None:
    """The current update among these: the latest accepted one, about a day up to `day` (or
    before the day `before`), and entered by `cutoff` (an aware datetime), each if given."""
    known = [
        u
        for u in updates
        if u.accepted
        and (day is None or u.reported_on <= day)
        and (before is None or u.reported_on < before)
        and (cutoff is None or u.entered_at <= cutoff)
    ]
    return max(known, key=order_key, default=None)
