"""A save over someone else's later one is refused, with what was typed kept and what is
saved now shown, for the records that keep no version: meetings, members and the update
cycle (actions and the rest of a plan: tests/test_editing.py). Saving again, having seen
it, replaces it."""

import pytest

from plans.models import Group, Membership, Partnership
from tests.helpers import ess_and_medway_meetings, form_data, post_form, url

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]  # the row locked to check

STALE = "after you opened it, so nothing was saved"


def refused_then_saved(client_for, address, mine: dict, theirs: dict, noun: str) -> str:
    """I open the page; someone else saves theirs; my save is refused, then saved again."""
    mine_page = client_for("staff").get(address)
    assert post_form(client_for("staff"), address, **theirs).status_code == 302
    me = client_for("staff")
    response = me.post(address, form_data(mine_page, **mine))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Someone else changed this {noun} {STALE}" in html
    assert 'id="saved-now"' in html
    again = form_data(response)  # the form, armed with what is saved now, and my input kept
    assert me.post(address, again).status_code == 302
    return html


def test_a_stale_meeting_save_is_refused(client_for, personas):
    meeting = ess_and_medway_meetings()["ess"]
    address = url("reporting:meeting_edit", meeting.pk)
    html = refused_then_saved(
        client_for, address, {"title": "Mine"}, {"title": "Theirs"}, "meeting"
    )
    assert 'value="Mine"' in html and "Theirs" in html
    meeting.refresh_from_db()
    assert meeting.title == "Mine"


def test_a_stale_member_save_is_refused(client_for, personas):
    board = Membership.objects.get(user=personas["board"])
    ess = Group.objects.get(partnership__slug="merton", short_name="ESS")
    address = url("plans:member_edit", board.pk)
    refused_then_saved(client_for, address, {"role": "chair"}, {"groups": [str(ess.pk)]}, "member")
    board.refresh_from_db()  # mine, as I saw it, replaced theirs
    assert board.role == "chair" and list(board.groups.all()) == []


def test_a_stale_update_cycle_save_is_refused(client_for, personas):
    html = refused_then_saved(
        client_for,
        url("plans:cycle"),
        {"updates_open_days": 30},
        {"reminder_days": 4},
        "update cycle",
    )
    assert 'value="30"' in html
    merton = Partnership.objects.get(slug="merton")  # mine, as I saw it, replaced theirs
    assert (merton.updates_open_days, merton.reminder_days) == (30, 3)


def test_a_form_without_its_loaded_state_is_out_of_date(client_for, personas):
    response = client_for("staff").post(
        url("plans:cycle"), {"updates_open_days": 20, "updates_due_days": 5, "reminder_days": 2}
    )
    assert "This form is out of date: open the page again" in response.content.decode()
    assert Partnership.objects.get(slug="merton").updates_open_days == 28
