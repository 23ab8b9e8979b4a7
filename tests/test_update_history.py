"""Which update is current (actions.update_history): the one rule the pages, the packs and
the update cycle share, on plain records."""

import datetime as dt

from actions.update_history import (
    ACCEPTED,
    RETURNED,
    SUBMITTED,
    Update,
    latest_accepted,
)

D = dt.date.fromisoformat
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def update(day, entered, pk, *, scale="on_track", status=ACCEPTED, reviewed=None):
    return Update(
        D(day),
        at(entered),
        scale,
        pk=pk,
        status=status,
        reviewed_at=at(reviewed) if reviewed else None,
    )


def test_latest_by_its_day_then_when_it_was_typed_then_its_id():
    history = [
        update("2024-09-01", "2024-09-05T10:00", 1, scale="at_risk"),
        update("2024-09-02", "2024-09-02T10:00", 2, scale="on_track"),  # a later day wins
        update("2024-08-30", "2024-09-09T10:00", 3, scale="off_track"),  # typed late, older day
    ]
    assert latest_accepted(history).pk == 2
    same_day = [
        update("2024-09-02", "2024-09-02T10:00", 5),
        update("2024-09-02", "2024-09-02T10:00", 4),
    ]
    assert latest_accepted(same_day).pk == 5  # same day, same moment: the higher id


def test_only_accepted_updates_rate_an_action():
    history = [
        update("2024-09-01", "2024-09-01T10:00", 1, scale="at_risk"),
        update("2024-09-03", "2024-09-03T10:00", 2, status=SUBMITTED),
        update("2024-09-04", "2024-09-04T10:00", 3, status=RETURNED),
    ]
    assert latest_accepted(history).pk == 1
    assert latest_accepted([]) is None


def test_as_at_a_day_a_cutoff_or_before_a_day():
    history = [
        update("2024-09-01", "2024-09-01T10:00", 1, scale="at_risk"),
        update("2024-09-10", "2024-09-10T10:00", 2, scale="complete"),
        # Submitted on the 9th, accepted on the 12th: it rates the action from the 12th.
        update("2024-09-09", "2024-09-09T10:00", 3, scale="off_track", reviewed="2024-09-12T09:00"),
    ]
    assert latest_accepted(history, day=D("2024-09-09"), cutoff=at("2024-09-09T23:59")).pk == 1
    assert latest_accepted(history, day=D("2024-09-10"), cutoff=at("2024-09-10T23:59")).pk == 2
    assert latest_accepted(history, day=D("2024-09-09"), cutoff=at("2024-09-12T23:59")).pk == 3
    assert latest_accepted(history, before=D("2024-09-10")).pk == 3
    assert latest_accepted(history, before=D("2024-09-01")) is None
