"""The update cycle's pages: the year's meetings, the meeting form's period, the settings'
update cycle, and the live board of updates for a meeting."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils.html import escape

from actions.models import Action, ProgressUpdate
from ops.synthetic import build_partnership
from plans.models import Group, Membership, Partnership, Person, RagRating
from reporting.models import Meeting, Reminder
from tests.factories import UserFactory
from tests.helpers import (
    PERSONAS,
    STAFF_ONLY,
    ess_and_medway_meetings,
    group,
    post_form,
    url,
)
from tests.test_editing import assert_error_page

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
STAFF_POST = {**STAFF_ONLY, "staff": 302}


@pytest.fixture
def meetings(personas):
    return ess_and_medway_meetings()


# Who may see the cycle's pages: tests/test_meetings.py, with every meeting page.


@pytest.mark.parametrize("persona", PERSONAS)
def test_refused_posts_write_nothing(client_for, persona, meetings):
    client = client_for(persona)
    response = client.post(
        url("reporting:meeting_calendar"), {"group": group("ESS").pk, "dates": "1/10/2024"}
    )
    assert response.status_code == STAFF_POST[persona]
    assert Meeting.objects.filter(held_on=D("2024-10-01")).exists() == (persona == "staff")
    numbers = {"updates_open_days": 20, "updates_due_days": 5, "reminder_days": 2}
    if persona == "staff":
        response = post_form(client, url("plans:cycle"), **numbers)
    else:
        response = client.post(url("plans:cycle"), numbers)
    assert response.status_code == STAFF_POST[persona]
    merton = Partnership.objects.get(slug="merton")
    assert merton.updates_open_days == (20 if persona == "staff" else 28)


def test_the_board_refuses_other_methods(client_for, meetings):
    address = url("reporting:meeting_updates", meetings["ess"].pk)
    assert client_for("staff").post(address).status_code == 405


# The year's meetings


@pytest.mark.both_databases  # all the meetings in one transaction
def test_the_years_meetings_each_get_their_period(client_for, personas):
    client = client_for("staff")
    response = client.post(
        url("reporting:meeting_calendar"),
        {"group": group("ESS").pk, "dates": "10/09/2024\n\n12 November 2024\n2025-01-14\n"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("reporting:meetings")
    made = Meeting.objects.filter(group=group("ESS")).order_by("held_on")
    assert [(m.held_on, m.updates_open_on, m.updates_due_on) for m in made] == [
        (D("2024-09-10"), D("2024-08-13"), D("2024-08-31")),
        (D("2024-11-12"), D("2024-10-15"), D("2024-11-02")),
        (D("2025-01-14"), D("2024-12-17"), D("2025-01-04")),
    ]
    page = client.get(response["Location"]).content.decode()
    assert (
        "Added 3 meetings of the Effective Safeguarding and Support Subgroup, from "
        "10 September 2024 to 14 January 2025."
    ) in page
    assert url("reporting:meeting_calendar") in page  # the meetings page links to it


@pytest.mark.both_databases  # all or nothing
def test_bad_lines_are_reported_by_number_and_nothing_is_added(client_for, personas):
    Meeting.objects.create(group=group("ESS"), held_on=D("2024-11-12"))
    text = "10/09/2024\nthe week after\n31/02/2025\n10 Sept 2024\n"
    response = client_for("staff").post(
        url("reporting:meeting_calendar"), {"group": group("ESS").pk, "dates": text}
    )
    html = assert_error_page(
        response,
        "Line 2: enter a date like 15/09/2024, 15 September 2024 or 2024-09-15",
        "Line 3: “31/02/2025” is not a real date",
        "Line 4: 10 September 2024 is on line 1 too",
    )
    assert 'href="#id_dates"' in html
    assert html.count('id="id_dates-error"') == 1
    assert 'aria-describedby="id_dates-hint id_dates-error"' in html
    assert f">{escape(text)}</textarea>" in html or f">\n{escape(text)}</textarea>" in html
    assert Meeting.objects.filter(group=group("ESS")).count() == 1
    # Dates the group already meets on are refused too, by line.
    response = client_for("staff").post(
        url("reporting:meeting_calendar"),
        {"group": group("ESS").pk, "dates": "10/09/2024\n12/11/2024"},
    )
    assert_error_page(response, "Line 2: ESS already meets on 12 November 2024")
    assert Meeting.objects.filter(group=group("ESS")).count() == 1


def test_the_calendar_needs_a_group_and_dates(client_for, personas):
    response = client_for("staff").post(url("reporting:meeting_calendar"), {"dates": "  \n"})
    assert_error_page(
        response, "Choose the group that meets", "Enter the dates of the meetings, one a line"
    )


# The meeting form's period


def test_a_new_meetings_blank_dates_are_the_partnerships_defaults(client_for, personas):
    client = client_for("staff")
    form = client.get(url("reporting:meeting_create")).content.decode()
    assert "Leave blank for 28 days before the meeting." in form
    assert "reminded 3 days before it" in form
    response = client.post(
        url("reporting:meeting_create"),
        {"group": group("PPYP").pk, "held_on": "2024-10-01", "updates_due_on": "2024-09-20"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(group=group("PPYP"))
    assert (meeting.updates_open_on, meeting.updates_due_on) == (D("2024-09-03"), D("2024-09-20"))


@pytest.mark.parametrize(
    "dates, message",
    [
        ({"updates_due_on": "2024-10-02"}, "The deadline must be on or before the meeting"),
        (
            {"updates_open_on": "2024-09-25", "updates_due_on": "2024-09-20"},
            "Updates must open on or before the deadline",
        ),
        ({"updates_open_on": "2024-10-05"}, "Updates must open on or before the meeting"),
        ({"updates_open_on": "2024-02-30"}, "Enter a real date for updates to open"),
    ],
)
def test_a_meetings_dates_must_run_in_order(client_for, personas, dates, message):
    response = client_for("staff").post(
        url("reporting:meeting_create"),
        {"group": group("PPYP").pk, "held_on": "2024-10-01", **dates},
    )
    assert_error_page(response, message)
    assert not Meeting.objects.filter(group=group("PPYP")).exists()


def test_an_older_meeting_is_offered_the_dates_it_has_now(client_for, meetings):
    html = client_for("staff").get(url("reporting:meeting_edit", meetings["ess"].pk)).content
    assert b'value="13"' in html and b'value="31"' in html and b'value="2024"' in html


# The settings' update cycle


def test_staff_change_the_update_cycle(client_for, personas):
    client = client_for("staff")
    page = client.get(url("plans:cycle")).content.decode()
    assert "Updates open this many days before a meeting" in page
    assert url("plans:cycle") in client.get(url("plans:settings")).content.decode()
    response = post_form(
        client, url("plans:cycle"), updates_open_days=21, updates_due_days=7, reminder_days=2
    )
    assert response.status_code == 302
    merton = Partnership.objects.get(slug="merton")
    numbers = (merton.updates_open_days, merton.updates_due_days, merton.reminder_days)
    assert numbers == (21, 7, 2)
    assert merton.name == "Merton Safeguarding Children Partnership"
    assert "Leave blank for 21 days" in client.get(url("reporting:meeting_create")).content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"updates_open_days": 5, "updates_due_days": 10, "reminder_days": 3},
            "Updates must open on or before the day they are due: enter at least 10 days",
        ),
        ({"updates_open_days": "", "updates_due_days": 10, "reminder_days": 3}, "Enter a number"),
        ({"updates_open_days": 400, "updates_due_days": 10, "reminder_days": 3}, "365 days or"),
        ({"updates_open_days": 28, "updates_due_days": -1, "reminder_days": 3}, "0 days or more"),
        ({"updates_open_days": 28, "updates_due_days": 10, "reminder_days": "x"}, "whole number"),
    ],
)
def test_the_update_cycle_must_make_sense(client_for, personas, data, message):
    assert_error_page(client_for("staff").post(url("plans:cycle"), data), message)
    assert Partnership.objects.get(slug="merton").updates_open_days == 28


# The live board


@pytest.fixture
def board(meetings, personas, settings):
    """Zoe Gallen (a lead who can sign in) has updated 1.1 and had 1.2 returned; 1.4 was
    complete before the period; the first notices have been sent."""
    zoe = UserFactory(username="zoe", first_name="Zoe", last_name="Gallen", email="z@x.org")
    merton = Partnership.objects.get(slug="merton")
    Membership.objects.create(user=zoe, partnership=merton, role=Membership.Role.CHAIR)
    Person.objects.filter(partnership=merton, name="Zoe Gallen").update(user=zoe)
    personas["chair"].email = "chair@example.org"
    personas["chair"].save()
    on_track = RagRating.objects.get(partnership=merton, label="On track")
    complete = RagRating.objects.get(partnership=merton, label="Complete")
    for number, day, rating, status in [
        ("1.1", "2024-08-20", on_track, "accepted"),
        ("1.2", "2024-08-20", on_track, "returned"),
        ("1.4", "2024-07-01", complete, "accepted"),
    ]:
        ProgressUpdate.objects.create(
            action=Action.objects.get(outcome__plan__group__short_name="ESS", number=number),
            rating=rating, commentary="Done", reported_on=D(day), status=status,
            challenge="Evidence?" if status == "returned" else "",
        )  # fmt: skip
    call_command("send_reminders", "--today", "2024-08-13", stdout=io.StringIO())
    return meetings["ess"]


def test_the_board_counts_updates_by_group_and_by_lead(client_for, board):
    client = client_for("staff")
    detail = client.get(url("reporting:meeting", board.pk)).content.decode()
    assert url("reporting:meeting_updates", board.pk) in detail
    response = client.get(url("reporting:meeting_updates", board.pk))
    html = response.content.decode()
    status = response.context["status"]
    assert "1 of 12 updates received, 11 outstanding." in html
    assert [(g.short_name, t.total, t.received, t.outstanding) for g, t in status.by_group] == [
        ("ESS", 12, 1, 11)
    ]
    rows = {row.name: row for row in status.by_lead}
    assert (rows["Zoe Gallen"].tally.received, rows["Zoe Gallen"].tally.outstanding) == (1, 3)
    assert rows["Zoe Gallen"].note == ""
    assert rows["Sarah Brewster"].note == "no sign-in"
    # 2.4, 2.5: "Full Sub-Group"; 2.6: the subgroup with QA and "scrutineers" (no post named)
    assert rows["No person named"].tally.outstanding == 3
    assert rows["Chair"].note == "asked as chair of ESS"
    assert rows["Chair"].tally.outstanding == 8  # 13 less Zoe's 4, less 1.4 (complete)
    assert html.count("no sign-in") >= 10
    action_12 = Action.objects.get(outcome__plan__group__short_name="ESS", number="1.2")
    assert url("actions:detail", action_12.pk) in html
    # The reminders sent: when, to whom.
    assert "Updates open" in html and "z@x.org" in html and "chair@example.org" in html
    assert "Tuesday 13 August 2024" in html and "Saturday 31 August 2024" in html
    assert "usual ones" in html  # the meeting has no dates of its own


def test_the_board_lists_a_failed_email(client_for, board):
    Reminder.objects.filter(email="z@x.org").update(status="failed", error="Connection refused")
    html = client_for("staff").get(url("reporting:meeting_updates", board.pk)).content.decode()
    assert "Could not be sent" in html and "Connection refused" in html


def test_board_members_do_not_see_the_link(client_for, board):
    detail = client_for("board").get(url("reporting:meeting", board.pk)).content.decode()
    assert url("reporting:meeting_updates", board.pk) not in detail


# Query counts


def synthetic_cycle(slug: str, actions: int) -> tuple[Meeting, object]:
    """A synthetic partnership's board meeting, with leads (some who sign in), a chair and
    emails sent, and a staff member."""
    partnership = build_partnership(slug=slug, actions_per_plan=actions)
    board = partnership.groups.get(kind=Group.Kind.BOARD)
    people = []
    for i in range(6):
        user = None
        if i % 2 == 0:
            user = UserFactory(username=f"{slug}-lead-{i}", email=f"lead{i}@{slug}.example")
            Membership.objects.create(user=user, partnership=partnership, role="chair")
        people.append(Person.objects.create(partnership=partnership, name=f"Lead {i}", user=user))
    board.chairs.add(people[0])
    actions = list(Action.objects.for_partnership(partnership))
    Action.lead_people.through.objects.bulk_create(
        Action.lead_people.through(action_id=a.pk, person_id=people[i % 6].pk)
        for i, a in enumerate(actions)
    )
    meeting = Meeting.objects.create(group=board, held_on=D("2024-09-10"))
    call_command("send_reminders", "--today", "2024-08-20", stdout=io.StringIO())
    staff = UserFactory(username=f"{slug}-staff")
    Membership.objects.create(user=staff, partnership=partnership, role="staff")
    return meeting, staff


@pytest.mark.both_databases  # query counts
def test_the_board_runs_the_same_queries_whatever_the_size(client, django_assert_max_num_queries):
    counts = []
    for slug, size in [("big", 300), ("small", 30)]:
        meeting, staff = synthetic_cycle(slug, size)
        assert Reminder.objects.filter(meeting=meeting).count() == 3
        client.force_login(staff)
        address = url("reporting:meeting_updates", meeting.pk, slug=slug)
        with django_assert_max_num_queries(16) as captured:
            response = client.get(address)
        assert response.status_code == 200
        assert len(response.context["status"].items) > 0
        counts.append(len(captured))
    assert counts[0] == counts[1], "the query count must not grow with the plan"
