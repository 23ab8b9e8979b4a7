"""Ratings as at a meeting, and what changed between two meetings: pure rules.

A pack must say the same thing whenever it is produced. So an update counts "as at" a
meeting only if it was about a day up to the meeting (reported_on) *and* had been entered by
the cut-off, the end of that day (created_at): an update typed in later, even about an
earlier date, does not rewrite a past meeting's pack.

Only accepted updates count, and a lead's update is entered when the chair accepts it
(reviewed_at), not when it was typed: until then it rated nothing, so a pack made before the
acceptance did not show it, and one made afterwards must not either. Submitted and returned
updates never count. A locked meeting's cut-off is its lock, if that came before the end of
its day: what is entered or accepted after the lock shows from the next meeting's pack.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from actions.rules import is_overdue

# Worst to best; "not started (but will be within timescale)" sits between at risk and on track.
SCALE_RANK = {"off_track": 0, "at_risk": 1, "not_started": 2, "on_track": 3, "complete": 4}


@dataclass(frozen=True)
class Update:
    reported_on: datetime.date
    created_at: datetime.datetime
    scale: str
    rating_id: int
    pk: int = 0
    accepted: bool = True  # submitted for review or returned: False
    reviewed_at: datetime.datetime | None = None  # accepted as made: None

    @property
    def entered_at(self) -> datetime.datetime:
        """When it began to rate the action: its acceptance, for a reviewed update."""
        if self.reviewed_at is None:
            return self.created_at
        return max(self.created_at, self.reviewed_at)


def cutoff_for(end_of_meeting_day: datetime.datetime, locked_at: datetime.datetime | None):
    """A meeting's cut-off: the end of its day, or its lock if that came first."""
    if locked_at is None:
        return end_of_meeting_day
    return min(end_of_meeting_day, locked_at)


def latest_as_at(
    updates, cutoff: datetime.datetime, day: datetime.date | None = None
) -> Update | None:
    """The update current at the cut-off (an aware datetime): the latest accepted one dated
    up to the meeting day (default: the cut-off's date) and entered by the cut-off."""
    day = cutoff.date() if day is None else day
    known = [u for u in updates if u.accepted and u.reported_on <= day and u.entered_at <= cutoff]
    return max(known, key=lambda u: (u.reported_on, u.created_at, u.pk), default=None)


class Change(StrEnum):
    UP = "up"
    DOWN = "down"
    NEWLY_COMPLETE = "newly complete"
    NEWLY_OVERDUE = "newly overdue"
    NOT_UPDATED = "not updated"
    FIRST_RATING = "first rating"


def changes_between(
    *,
    before: Update | None,
    after: Update | None,
    due: datetime.date | None,
    previous_meeting: datetime.date | None,
    meeting: datetime.date,
) -> list[Change]:
    """What changed for one action between the previous meeting and this one."""
    changes = []
    scale_before = before.scale if before else None
    scale_after = after.scale if after else None
    if after is None or (previous_meeting and after.reported_on <= previous_meeting):
        if scale_after != "complete":
            changes.append(Change.NOT_UPDATED)
    if scale_after and scale_before is None and after is not None and after != before:
        changes.append(Change.FIRST_RATING)
    elif scale_before and scale_after and scale_before != scale_after:
        changes.append(
            Change.UP if SCALE_RANK[scale_after] > SCALE_RANK[scale_before] else Change.DOWN
        )
    if scale_after == "complete" and scale_before != "complete":
        changes.append(Change.NEWLY_COMPLETE)
    overdue_now = is_overdue(due, scale_after, meeting)
    overdue_then = previous_meeting is not None and is_overdue(due, scale_before, previous_meeting)
    if overdue_now and not overdue_then:
        changes.append(Change.NEWLY_OVERDUE)
    return changes
