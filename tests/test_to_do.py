"""A lead's and a chair's to-do list of updates for each meeting whose updates are open
(reporting.update_cycle.to_do_lists, front.views.update_cycle.my_updates): where each stands,
"Save and go to the next", and home's lists saying what they are."""

import datetime as dt

import pytest
from django.utils import timezone

from actions.models import ProgressUpdate
from actions.update_history import ACCEPTED, RETURNED, SUBMITTED, Update
from reporting.cycle_rules import Period, Task, task
from reporting.update_cycle import ToDo, to_do_for
from tests.helpers import ess_action, new_meeting, rated, url

D = dt.date.fromisoformat
PERIOD = Period(opens=D("2024-08-13"), due=D("2024-08-31"), meeting=D("2024-09-10"))


def update(day, status=ACCEPTED, hour=10, pk=0):
    made = dt.datetime.combine(D(day), dt.time(hour), tzinfo=dt.UTC)
    return Update(D(day), made, "on_track", pk=pk, status=status)


@pytest.mark.parametrize(
    "updates, expected",
    [
        ([], Task.TO_DO),
        ([update("2024-08-01")], Task.TO_DO),  # before the period opened
        ([update("2024-08-20")], Task.UPDATED),
        ([update("2024-08-20", SUBMITTED)], Task.WAITING),
        ([update("2024-08-20", SUBMITTED, pk=1), update("2024-08-21", RETURNED, pk=2)],
         Task.RETURNED),
        # Returned, then answered with a new update: waiting again.
        ([update("2024-08-20", RETURNED, pk=1), update("2024-08-22", SUBMITTED, pk=2)],
         Task.WAITING),
        ([update("2024-09-11")], Task.TO_DO),  # after the meeting: the next period's
    ],
)  # fmt: skip
def test_where_an_update_stands(updates, expected):
    assert task(updates, PERIOD) == expected


class Item:
    def __init__(self, pk, state):
        self.action = type("Action", (), {"pk": pk})()
        self.task = state


def test_the_next_to_do_comes_after_this_one_then_round_to_the_start():
    items = [
        Item(1, Task.TO_DO),
        Item(2, Task.UPDATED),
        Item(3, Task.RETURNED),
        Item(4, Task.TO_DO),
    ]
    todo = ToDo(meeting=None, period=PERIOD, items=items)
    assert [i.action.pk for i in todo.left] == [1, 3, 4]
    assert todo.next_after(1).action.pk == 3
    assert todo.next_after(3).action.pk == 4
    assert todo.next_after(4).action.pk == 1  # passed over earlier
    assert ToDo(None, PERIOD, [Item(1, Task.TO_DO)]).next_after(1) is None


@pytest.fixture
def coming(personas):
    """ESS meets in ten days: its updates are open. The chair persona chairs ESS, and no lead
    of its plan can sign in, so every ESS update is asked of the chair."""
    held_on = timezone.localdate() + dt.timedelta(days=10)
    return new_meeting("ESS", held_on.isoformat())


def test_a_chairs_to_do_list(client_for, personas, coming):
    chair = personas["chair"]
    todo = to_do_for(coming, chair)
    assert len(todo.items) > 5 and len(todo.left) == len(todo.items)
    today = timezone.localdate().isoformat()
    rated(ess_action("1.1"), "On track", today)
    ProgressUpdate.objects.create(
        action=ess_action("1.2"),
        rating=ess_action("1.1").progress_updates.first().rating,
        commentary="Sent for review",
        reported_on=timezone.localdate(),
        status=ProgressUpdate.Status.SUBMITTED,
    )
    page = client_for("chair").get(url("reporting:my_updates")).content.decode()
    total = len(todo.items)
    assert f"Updates for ESS, {coming.held_on:%-d %B}" in page
    assert f"{total - 2} of {total} to do" in page
    assert "Waiting for review" in page and "Updated" in page and "To do" in page
    assert f"?meeting={coming.pk}" in page
    assert url("reporting:meeting_updates", coming.pk) in page  # the chair may read the board


def test_save_and_go_to_the_next_until_none_is_left(client_for, personas, coming):
    client = client_for("chair")
    todo = to_do_for(coming, personas["chair"])
    action = todo.items[0].action
    response = client.post(
        url("actions:update", action.pk),
        {
            "rating": ess_action("1.1").outcome.plan.group.partnership.ratings.first().pk,
            "commentary": "Going well",
            "reported_on": timezone.localdate().isoformat(),
            "meeting": coming.pk,
            "then": "next",
        },
    )
    following = todo.items[1].action
    assert response.status_code == 302
    assert response["Location"] == f"{url('actions:update', following.pk)}?meeting={coming.pk}"
    form = client.get(response["Location"]).content.decode()
    assert "Save and go to the next" in form and f'name="meeting" value="{coming.pk}"' in form


def test_after_the_last_the_list_says_nothing_is_left(client_for, personas, coming):
    client = client_for("chair")
    todo = to_do_for(coming, personas["chair"])
    rating = ess_action().outcome.plan.group.partnership.ratings.first()
    for item in todo.items[:-1]:
        rated(item.action, rating.label, timezone.localdate().isoformat())
    last = todo.items[-1].action
    response = client.post(
        url("actions:update", last.pk),
        {
            "rating": rating.pk,
            "commentary": "The last one",
            "reported_on": timezone.localdate().isoformat(),
            "meeting": coming.pk,
            "then": "next",
        },
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{url('reporting:my_updates')}#todo-{coming.pk}"
    assert "Nothing else is left to do" in page
    assert f"0 of {len(todo.items)} to do" in page


def test_a_meeting_of_another_partnership_is_no_to_do_list(client_for, personas, coming):
    medway = new_meeting("Executive", coming.held_on.isoformat(), partnership="medway")
    form = (
        client_for("chair")
        .get(f"{url('actions:update', ess_action().pk)}?meeting={medway.pk}")
        .content.decode()
    )
    assert "Save and go to the next" not in form
    bad = client_for("chair").get(f"{url('actions:update', ess_action().pk)}?meeting=9" * 3)
    assert bad.status_code == 200


def test_home_says_what_its_lists_are(client_for, personas, coming):
    page = client_for("chair").get("/").content.decode()
    assert "Updates you owe" in page
    assert f"Updates for ESS, {coming.held_on:%-d %B}" in page
    assert "Due before the next meeting" not in page
    board = client_for("board").get("/").content.decode()
    assert "Updates you owe" not in board


def test_a_chair_of_another_group_may_not_read_the_board(client_for, personas, coming):
    other = new_meeting("Partnership", coming.held_on.isoformat())
    response = client_for("chair").get(url("reporting:meeting_updates", other.pk))
    assert response.status_code == 403
    assert "chairs of" in response.content.decode()
