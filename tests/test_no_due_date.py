"""A timeframe that gives no date is not passed over in silence: staff are told, on the plan
page, the action page and when they save it, so that it can be given one (an action with no
due date can never show as past its due date)."""

import pytest

from tests.helpers import ess_action, ess_plan, post_form, url

pytestmark = pytest.mark.django_db

FLAG = "No due date: add one"


@pytest.fixture
def undated(personas):
    action = ess_action()
    action.timeframe = "As and when the panel meets"
    action.save()
    return action


def test_staff_see_it_on_the_plan_and_action_pages(client_for, undated):
    staff = client_for("staff")
    plan_page = staff.get(url("plans:plan", ess_plan().pk)).content.decode()
    edit = url("actions:edit", undated.pk) + "#id_due_date_set"
    assert f'href="{edit}">{FLAG}' in plan_page
    assert FLAG in staff.get(url("actions:detail", undated.pk)).content.decode()


def test_others_are_not_asked_to_add_one(client_for, undated):
    chair = client_for("chair")
    assert FLAG not in chair.get(url("plans:plan", ess_plan().pk)).content.decode()
    assert FLAG not in chair.get(url("actions:detail", undated.pk)).content.decode()


@pytest.mark.parametrize("timeframe", ["Ongoing", "Quarterly", "TBC", "by March 2025"])
def test_a_recurrence_to_be_confirmed_or_a_date_is_no_gap(client_for, personas, timeframe):
    action = ess_action()
    action.timeframe = timeframe
    action.save()
    page = client_for("staff").get(url("actions:detail", action.pk)).content.decode()
    assert FLAG not in page


def test_saving_an_action_without_a_date_says_so(client_for, personas):
    action = ess_action()
    staff = client_for("staff")
    response = post_form(staff, url("actions:edit", action.pk), timeframe="When we can")
    assert response.status_code == 302
    message = staff.get(response["Location"]).content.decode()
    assert "Its timeframe gives no due date, so it can never show as past its due date" in message


def test_an_empty_timeframe_is_not_flagged(client_for, personas):
    """A plan without a timeframe column is not flagged row by row (the import's warnings
    are where an empty cell is told)."""
    action = ess_action()
    action.timeframe = ""
    action.save()
    assert FLAG not in client_for("staff").get(url("actions:detail", action.pk)).content.decode()


def test_a_due_date_set_by_hand_overrides_the_timeframe(client_for, undated):
    staff = client_for("staff")
    response = post_form(staff, url("actions:edit", undated.pk), due_date_set="2025-02-28")
    assert response.status_code == 302
    undated.refresh_from_db()
    assert (undated.timeframe, str(undated.due_date)) == (
        "As and when the panel meets",
        "2025-02-28",
    )
    page = staff.get(url("actions:detail", undated.pk)).content.decode()
    assert FLAG not in page and "Due 28 February 2025 (set by hand)." in page
    # Cleared, the timeframe rules again (and gives no date).
    post_form(staff, url("actions:edit", undated.pk), due_date_set="")
    undated.refresh_from_db()
    assert undated.due_date is None
