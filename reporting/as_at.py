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
from enum import StrEnum

from actions.timeframes import is_overdue
from actions.update_history import Update, latest_accepted
from plans.models import RagRating

Scale = RagRating.Scale


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
    return latest_accepted(updates, day=cutoff.date() if day is None else day, cutoff=cutoff)


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
        if scale_after != Scale.COMPLETE:
            changes.append(Change.NOT_UPDATED)
    if scale_after and scale_before is None and after is not None and after != before:
        changes.append(Change.FIRST_RATING)
    elif scale_before and scale_after and scale_before != scale_after:
        changes.append(
            Change.UP if Scale(scale_after).rank > Scale(scale_before).rank else Change.DOWN
        )
    if scale_after == Scale.COMPLETE and scale_before != Scale.COMPLETE:
        changes.append(Change.NEWLY_COMPLETE)
    # Newly past its due date: since the previous meeting. With none recorded, nothing is
    # "new" (an action due years ago is not news), only past its due date.
    if previous_meeting is not None and is_overdue(due, scale_after, meeting):
        if not is_overdue(due, scale_before, previous_meeting):
            changes.append(Change.NEWLY_OVERDUE)
    return changes
