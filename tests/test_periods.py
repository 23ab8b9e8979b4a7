"""The update cycle's rules (reporting.cycle_rules) on plain data, and on the demo partnership."""

import datetime as dt

import pytest

from actions.models import Action, ProgressUpdate
from plans.models import Group, Membership, Person, RagRating
from reporting import cycle_rules, meeting_dates
from reporting.cycle_rules import (
    ACCEPTED,
    DEADLINE,
    MISSING,
    OPENED,
    SUBMITTED,
    Lead,
    Member,
    Period,
    Update,
)
from reporting.models import Meeting, Reminder
from reporting.update_cycle import period_status
from tests.factories import UserFactory

D = dt.date.fromisoformat
# The ESS subgroup meets on Tuesday 10 September 2024; updates open 28 days before (13
# August) and are due 10 days before (Saturday 31 August) by Merton's default numbers.
MEETING = D("2024-09-10")
PERIOD = Period(opens=D("2024-08-13"), due=D("2024-08-30"), meeting=MEETING)
RETURNED = "returned"


def test_the_kinds_are_the_models():
    assert {OPENED, DEADLINE, MISSING} == set(Reminder.Kind.values)
    assert {cycle_rules.STAFF, cycle_rules.CHAIR} < set(Membership.Role.values)


# Dates


def test_default_dates_count_back_from_the_meeting():
    assert cycle_rules.default_dates(MEETING, open_days=28, due_days=10) == (
        D("2024-08-13"),
        D("2024-08-31"),
    )
    assert cycle_rules.default_dates(MEETING, open_days=0, due_days=0) == (MEETING, MEETING)


@pytest.mark.parametrize(
    "opens, due, expected",
    [
        (None, None, ("2024-08-13", "2024-08-31")),  # the partnership's numbers
        ("2024-08-01", "2024-08-30", ("2024-08-01", "2024-08-30")),  # the meeting's own
        ("2024-08-20", None, ("2024-08-20", "2024-08-31")),
        ("2024-09-05", None, ("2024-09-05", "2024-09-05")),  # a default never crosses a date set
        (None, "2024-08-30", ("2024-08-13", "2024-08-30")),
        (None, "2024-08-01", ("2024-08-01", "2024-08-01")),
    ],
)
def test_a_period_takes_the_defaults_for_blank_dates(opens, due, expected):
    period = cycle_rules.period_for(
        MEETING, opens and D(opens), due and D(due), open_days=28, due_days=10
    )
    assert (period.opens, period.due) == tuple(map(D, expected))
    assert period.meeting == MEETING


@pytest.mark.parametrize(
    "today, expected",
    [
        ("2024-08-12", None),  # not open yet
        ("2024-08-13", OPENED),  # the day it opens
        ("2024-08-26", OPENED),
        ("2024-08-27", DEADLINE),  # 3 days before the deadline
        ("2024-08-30", DEADLINE),  # the deadline day is still in time
        ("2024-08-31", MISSING),  # the day after it
        ("2024-09-09", MISSING),
        ("2024-09-10", None),  # the meeting
        ("2024-09-11", None),
    ],
)
def test_which_notice_is_due_each_day(today, expected):
    assert cycle_rules.notice_due(D(today), PERIOD, reminder_days=3) == expected


def test_a_reminder_window_longer_than_the_period_reminds_from_the_first_day():
    assert cycle_rules.notice_due(PERIOD.opens, PERIOD, reminder_days=30) == DEADLINE
    assert cycle_rules.notice_due(PERIOD.due, PERIOD, reminder_days=0) == DEADLINE
    assert (
        cycle_rules.notice_due(PERIOD.due - dt.timedelta(days=1), PERIOD, reminder_days=0) == OPENED
    )


# Which actions need an update


ENTERED = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def update(day, status=ACCEPTED, scale="on_track", pk=0):
    return Update(D(day), ENTERED, scale, pk=pk, status=status)


def test_an_action_complete_when_the_period_opens_is_not_asked():
    assert not cycle_rules.needs_update([update("2024-07-01", scale="complete")], PERIOD)
    # Complete, then rated again: the latest one before the period counts.
    assert cycle_rules.needs_update(
        [update("2024-06-01", scale="complete"), update("2024-07-01", scale="at_risk")], PERIOD
    )
    # Same day: the one entered last.
    assert not cycle_rules.needs_update(
        [
            update("2024-07-01", scale="at_risk", pk=1),
            update("2024-07-01", scale="complete", pk=2),
        ],
        PERIOD,
    )


def test_only_an_accepted_update_before_the_period_rates_the_action():
    assert cycle_rules.needs_update([update("2024-07-01", SUBMITTED, "complete")], PERIOD)
    assert cycle_rules.needs_update([update("2024-07-01", RETURNED, "complete")], PERIOD)
    # Complete on the day the period opens is an update of the period, not before it.
    assert cycle_rules.needs_update([update("2024-08-13", scale="complete")], PERIOD)
    assert cycle_rules.needs_update([], PERIOD)


@pytest.mark.parametrize(
    "updates, expected",
    [
        ([], False),
        ([update("2024-08-12")], False),  # before the period
        ([update("2024-08-13")], True),  # its first day
        ([update("2024-09-10")], True),  # the meeting day
        ([update("2024-09-11")], False),  # after the meeting
        ([update("2024-08-20", SUBMITTED)], True),  # waiting for the chair's review
        ([update("2024-08-20", RETURNED)], False),  # returned: the lead must answer it
        ([update("2024-08-20", RETURNED), update("2024-08-22", SUBMITTED)], True),
    ],
)
def test_an_update_is_received_when_dated_within_the_period_and_not_returned(updates, expected):
    assert cycle_rules.received(updates, PERIOD) is expected


# Who owes each update

ESS, PPYP = 1, 2
STAFF = Member(10, "staff", email="bsu@example.org")
ESS_CHAIR = Member(11, "chair", frozenset({ESS}), email="chair@example.org")
LEAD = Member(12, "chair", email="lead@example.org")
BOARD = Member(13, "board", email="board@example.org")
NO_EMAIL = Member(14, "chair", frozenset({ESS}))
GONE = Member(15, "chair", frozenset({ESS}), email="gone@example.org", active=False)
MEMBERS = {m.user_id: m for m in [STAFF, ESS_CHAIR, LEAD, BOARD, NO_EMAIL, GONE]}


@pytest.mark.parametrize(
    "member, leads_it, expected",
    [
        (STAFF, False, True),
        (ESS_CHAIR, False, True),
        (LEAD, False, False),
        (LEAD, True, True),
        (BOARD, True, False),
        (GONE, True, False),
        (None, True, False),
    ],
)
def test_who_may_update(member, leads_it, expected):
    assert cycle_rules.may_update(member, plan_group_id=ESS, leads_it=leads_it) is expected


def owed(leads, chairs=(ESS_CHAIR.user_id,), group=ESS):
    return cycle_rules.owed_by(
        leads=leads, chair_user_ids=chairs, members=MEMBERS, plan_group_id=group
    )


def test_the_leads_who_can_sign_in_owe_the_update():
    leads = [Lead(1, "Lead", LEAD.user_id), Lead(2, "Sarah Brewster", None)]
    assert owed(leads) == cycle_rules.Owed((LEAD.user_id,), via_chairs=False)
    both = [Lead(1, "Lead", LEAD.user_id), Lead(3, "Staff", STAFF.user_id)]
    assert owed(both).user_ids == (LEAD.user_id, STAFF.user_id)


@pytest.mark.parametrize(
    "leads",
    [
        [],  # the lead names a group, not a person
        [Lead(2, "Sarah Brewster", None)],  # no sign-in
        [Lead(4, "Board member", BOARD.user_id)],  # may not give updates
        [Lead(5, "No email", NO_EMAIL.user_id)],
        [Lead(6, "Left", GONE.user_id)],
        [Lead(7, "Another partnership's", 99)],  # not a member here
    ],
)
def test_else_the_chairs_of_the_owning_group_do(leads):
    assert owed(leads) == cycle_rules.Owed((ESS_CHAIR.user_id,), via_chairs=True)


def test_a_chair_of_another_group_is_not_asked():
    assert owed([], group=PPYP) == cycle_rules.Owed((), via_chairs=True)
    # ...unless they lead it.
    leads = [Lead(8, "Chair", ESS_CHAIR.user_id)]
    assert owed(leads, group=PPYP) == cycle_rules.Owed((ESS_CHAIR.user_id,), via_chairs=False)


def test_the_chairs_of_a_group_are_its_named_chairs_and_its_chair_members():
    chairs = cycle_rules.chairs_of(
        ESS, group_chairs=[(ESS, 11), (PPYP, 12)], chair_memberships=[(ESS, 13), (ESS, 11)]
    )
    assert chairs == [11, 13]


def test_each_lead_is_sent_their_outstanding_actions_once():
    owing = {
        100: cycle_rules.Owed((12,), False),
        101: cycle_rules.Owed((12, 13), False),
        102: cycle_rules.Owed((11,), True),
        103: cycle_rules.Owed((12,), False),  # received
    }
    asked = cycle_rules.leads_to_notify(owing, outstanding={100, 101, 102}, already={13})
    assert asked == {12: [100, 101], 11: [102]}


def test_the_chairs_told_of_missing_updates():
    outstanding = [(100, ESS), (101, PPYP)]
    chairs = {0: [20], ESS: [11], PPYP: [12, 20]}
    # A subgroup's meeting: its chairs.
    assert cycle_rules.chairs_to_tell(
        [(100, ESS)], meeting_group_id=ESS, board_meeting=False, chairs=chairs
    ) == {11: [100]}
    # A board meeting: the board's chairs hear of all; each group's chairs of their own.
    told = cycle_rules.chairs_to_tell(
        outstanding, meeting_group_id=0, board_meeting=True, chairs=chairs
    )
    assert told == {20: [100, 101], 11: [100], 12: [101]}
    assert cycle_rules.chairs_to_tell(
        outstanding, meeting_group_id=0, board_meeting=True, chairs=chairs, already={20}
    ) == {11: [100], 12: [101]}


def test_tally_counts_received_and_outstanding_per_key():
    tallies = cycle_rules.tally([("a", 1, True), ("b", 2, False), ("a", 3, False)])
    assert list(tallies) == ["a", "b"]
    assert (tallies["a"].received, tallies["a"].outstanding, tallies["a"].missing) == (1, 1, [3])
    assert tallies["b"].total == 1


# The meeting calendar


@pytest.mark.parametrize(
    "text",
    [
        "15/09/2024",
        "15/9/2024",
        "15-09-2024",
        "15.09.2024",
        "15/09/24",
        "15 September 2024",
        "15 Sept 2024",
        "15 sep 2024",
        "15th September 2024",
        "Sunday 15 September 2024",
        "Sun, 15th Sept. 2024",
        "  2024-09-15  ",
        "15  SEPTEMBER  2024",
    ],
)
def test_the_common_uk_ways_of_writing_a_date(text):
    assert meeting_dates.parse_uk_date(text) == D("2024-09-15")


@pytest.mark.parametrize(
    "text, message",
    [
        ("31/02/2025", "“31/02/2025” is not a real date"),
        ("2024-13-01", "“2024-13-01” is not a real date"),
        ("15 Septober 2024", "“septober” is not a month"),
        ("Monday 15 September 2024", "15 September 2024 is a Sunday, not a Monday"),
        ("Someday 15 September 2024", "“someday” is not a day of the week"),
        ("September 15, 2024", "enter a date like 15/09/2024, 15 September 2024 or 2024-09-15"),
        ("next Tuesday", "enter a date like"),
        ("15/09", "enter a date like"),
    ],
)
def test_what_is_not_a_date_says_why(text, message):
    with pytest.raises(meeting_dates.NotADate) as raised:
        meeting_dates.parse_uk_date(text)
    assert str(raised.value).startswith(message)


def test_a_calendar_is_read_line_by_line():
    text = "15/09/2024\n\n  \n12 November 2024\r\n31/02/2025\n2024-09-15\n3 Feb 2025\n"
    dates, errors = meeting_dates.parse_calendar(text)
    assert dates == [(1, D("2024-09-15")), (4, D("2024-11-12")), (7, D("2025-02-03"))]
    assert [str(e) for e in errors] == [
        "Line 5: “31/02/2025” is not a real date",
        "Line 6: 15 September 2024 is on line 1 too",
    ]


# On the demo partnership


def merton_group(short_name):
    return Group.objects.get(partnership__slug="merton", short_name=short_name)


def link(person_name, user):
    Person.objects.filter(partnership__slug="merton", name=person_name).update(user=user)


@pytest.fixture
def ess_meeting(personas):
    """The ESS meeting of 10 September 2024, its period by Merton's numbers; Zoe Gallen can
    sign in (a chair-role member who leads ESS actions), and the ESS chair has an email."""
    zoe = UserFactory(username="zoe", first_name="Zoe", email="zoe@example.org")
    Membership.objects.create(
        user=zoe, partnership=merton_group("ESS").partnership, role=Membership.Role.CHAIR
    )
    link("Zoe Gallen", zoe)
    personas["chair"].email = "chair@example.org"
    personas["chair"].save()
    return Meeting.objects.create(group=merton_group("ESS"), held_on=MEETING)


def numbers(items):
    return [item.action.number for item in items]


@pytest.mark.django_db
def test_every_live_ess_action_is_asked_and_zoe_owes_her_own(ess_meeting, personas):
    status = period_status(ess_meeting)
    assert status.period == Period(D("2024-08-13"), D("2024-08-31"), MEETING)
    assert len(status.items) == 13 and status.received_count == 0
    zoe = Person.objects.get(name="Zoe Gallen").user_id
    owed = {item.action.number: item.owed for item in status.items}
    # "Zoe Gallen, MSCP BSU", "Hub Manager/ Zoe Gallen and Sarah Brewster", "Zoe Gallen / ESS".
    assert [n for n, o in owed.items() if o.user_ids == (zoe,)] == ["1.1", "1.2", "1.3", "1.5"]
    # The others name no one who can sign in: the ESS chair is asked.
    chair = personas["chair"].pk
    assert all(owed[n] == cycle_rules.Owed((chair,), True) for n in ["1.4", "2.1", "2.4"])


@pytest.mark.django_db
def test_demo_updates_drop_out_or_stay(ess_meeting, personas):
    rating = RagRating.objects.get(partnership__slug="merton", label="On track")
    complete = RagRating.objects.get(partnership__slug="merton", label="Complete")
    ess = ess_meeting.group.plans.get()

    def add(number, day, status=ACCEPTED, rating=rating, challenge=""):
        ProgressUpdate.objects.create(
            action=Action.objects.get(outcome__plan=ess, number=number), rating=rating,
            commentary="Done", reported_on=D(day), status=status, challenge=challenge,
        )  # fmt: skip

    add("1.1", "2024-08-20")  # received
    add("1.2", "2024-08-20", RETURNED, challenge="Evidence?")  # returned: still outstanding
    add("1.3", "2024-08-21", SUBMITTED)  # waiting for review: received
    add("1.4", "2024-07-01", rating=complete)  # complete before the period: not asked
    add("1.5", "2024-08-01")  # before the period: outstanding
    status = period_status(ess_meeting)
    assert "1.4" not in numbers(status.items)
    assert numbers(status.outstanding)[:2] == ["1.2", "1.5"]
    assert status.received_count == 2
    zoe = next(row for row in status.by_lead if row.name == "Zoe Gallen")
    assert (zoe.note, zoe.tally.received, zoe.tally.outstanding) == ("", 2, 2)
    brewster = next(row for row in status.by_lead if row.name == "Sarah Brewster")
    assert (brewster.note, brewster.tally.received) == ("no sign-in", 1)


@pytest.mark.django_db
def test_a_board_meeting_asks_about_every_live_plan(ess_meeting):
    status = period_status(
        Meeting.objects.create(group=merton_group("Partnership"), held_on=MEETING)
    )
    assert [group.short_name for group, _ in status.by_group] == ["ESS", "PPYP"]
    assert sum(t.total for _, t in status.by_group) == len(status.items) == 33
