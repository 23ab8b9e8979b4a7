import datetime as dt

import pytest

from actions.update_history import Update
from reporting.as_at import Change, changes_between, latest_as_at

UTC = dt.UTC


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def update(reported: str, entered: str, scale: str, pk: int = 0) -> Update:
    return Update(dt.date.fromisoformat(reported), at(entered), scale, rating_id=1, pk=pk)


def end_of(day: str) -> dt.datetime:
    return at(day, 23).replace(minute=59, second=59)


def test_latest_update_by_the_meeting_day_is_current():
    updates = [
        update("2024-06-01", "2024-06-01", "at_risk"),
        update("2024-09-01", "2024-09-02", "on_track"),
    ]
    assert latest_as_at(updates, end_of("2024-09-10")).scale == "on_track"
    assert latest_as_at(updates, end_of("2024-08-31")).scale == "at_risk"
    assert latest_as_at(updates, end_of("2024-05-31")) is None


def test_an_update_entered_after_the_meeting_does_not_rewrite_its_pack():
    updates = [
        update("2024-06-01", "2024-06-01", "at_risk"),
        update("2024-09-01", "2024-10-15", "complete"),  # back-dated, typed in after the meeting
    ]
    assert latest_as_at(updates, end_of("2024-09-10")).scale == "at_risk"
    assert latest_as_at(updates, end_of("2024-10-15")).scale == "complete"


def test_same_day_updates_are_ordered_by_entry_time():
    updates = [update("2024-06-01", "2024-06-01", "at_risk", pk=1),
               update("2024-06-01", "2024-06-02", "off_track", pk=2)]  # fmt: skip
    assert latest_as_at(updates, end_of("2024-06-30")).scale == "off_track"


D = dt.date.fromisoformat


@pytest.mark.parametrize(
    "before, after, due, expected",
    [
        ("at_risk", "on_track", None, [Change.UP]),
        ("on_track", "off_track", None, [Change.DOWN]),
        ("on_track", "complete", "2024-05-01", [Change.UP, Change.NEWLY_COMPLETE]),
        (None, "at_risk", None, [Change.FIRST_RATING]),
        ("on_track", "on_track", "2024-08-31", [Change.NEWLY_OVERDUE]),
        ("on_track", "on_track", "2024-03-31", []),  # overdue at both meetings: not new
        ("complete", "complete", "2024-08-31", []),
    ],
)
def test_changes_between_meetings(before, after, due, expected):
    old = update("2024-04-01", "2024-04-01", before) if before else None
    new = update("2024-07-01", "2024-07-01", after) if after else None
    got = changes_between(
        before=old, after=new, due=D(due) if due else None,
        previous_meeting=D("2024-06-01"), meeting=D("2024-09-10"),
    )  # fmt: skip
    assert got == expected


def test_without_a_previous_meeting_nothing_is_newly_past_its_due_date():
    """An action due years ago is not news to the first pack a partnership makes."""
    rated = update("2024-07-01", "2024-07-01", "on_track")
    got = changes_between(before=None, after=rated, due=D("2021-03-31"),
                          previous_meeting=None, meeting=D("2024-09-10"))  # fmt: skip
    assert got == [Change.FIRST_RATING]


def test_an_action_without_a_new_update_is_flagged_not_updated():
    same = update("2024-04-01", "2024-04-01", "on_track")
    got = changes_between(before=same, after=same, due=None,
                          previous_meeting=D("2024-06-01"), meeting=D("2024-09-10"))  # fmt: skip
    assert got == [Change.NOT_UPDATED]
    never = changes_between(before=None, after=None, due=None,
                            previous_meeting=D("2024-06-01"), meeting=D("2024-09-10"))  # fmt: skip
    assert never == [Change.NOT_UPDATED]
