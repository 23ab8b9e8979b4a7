"""A meeting pack's content: ratings as at the meeting, changes, exceptions, counts."""

import datetime as dt

import pytest

from actions.models import Action
from plans.models import Partnership, Plan, Theme
from reporting.as_at import Change
from reporting.models import Meeting
from reporting.packs import build_pack, pack_for_meeting
from tests.helpers import entered, ess_action, ess_plan, rated

# On both databases (scripts/test): as at a meeting, by comparing dates and times in queries,
# and query counts.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
D = dt.date.fromisoformat


@pytest.fixture
def ess(demo, db):
    plan = ess_plan()
    a11, a21, a24 = ess_action("1.1"), ess_action("2.1"), ess_action("2.4")
    for action, label, day in [
        (a11, "On track", "2024-06-01"),
        (a21, "On track", "2024-06-01"),
        (a21, "At risk", "2024-09-01"),
        (a24, "On track", "2024-06-01"),
        (a24, "Complete", "2024-09-02"),
    ]:
        rated(action, label, day, commentary=f"{label} on {day}")
    Meeting.objects.create(group=plan.group, held_on=D("2024-06-15"))
    meeting = Meeting.objects.create(group=plan.group, held_on=D("2024-09-15"), title="ESS")
    return plan, meeting


def line(pack, number):
    return next(line for line in pack.lines if line.action.number == number)


def test_pack_rates_each_action_as_at_the_meeting(ess, django_assert_max_num_queries):
    plan, meeting = ess
    with django_assert_max_num_queries(12):
        pack = pack_for_meeting(meeting)
    assert [p.plan for p in pack.plans] == [plan]
    assert line(pack, "2.1").rating.label == "At risk"
    assert line(pack, "2.1").update.commentary == "At risk on 2024-09-01"
    assert Change.DOWN in line(pack, "2.1").changes
    assert Change.NEWLY_COMPLETE in line(pack, "2.4").changes
    assert Change.NOT_UPDATED in line(pack, "1.1").changes
    assert pack.counts == {None: 10, "on_track": 1, "at_risk": 1, "complete": 1}


def test_exceptions_come_first_and_include_overdue(ess):
    _, meeting = ess
    pack = pack_for_meeting(meeting)
    exceptions = pack.exceptions
    assert exceptions[0].action.number == "2.1"  # at risk
    assert all(line.is_exception for line in exceptions)
    # 1.5 was due June 2023 and has no update: overdue at the meeting.
    assert "1.5" in [line.action.number for line in exceptions]


def test_a_pack_is_the_same_after_later_updates(ess):
    plan, meeting = ess
    before = [(l.action.number, l.scale) for l in pack_for_meeting(meeting).lines]  # noqa: E741
    a21 = Action.objects.get(outcome__plan=plan, number="2.1")
    # Back-dated to before the meeting but entered afterwards: not in the meeting's pack.
    rated(a21, "Complete", "2024-09-10", created_at=entered("2024-10-01"))
    after = [(l.action.number, l.scale) for l in pack_for_meeting(meeting).lines]  # noqa: E741
    assert before == after


def test_medway_pack_is_grouped_by_priority(demo):
    medway = Plan.objects.get(title__startswith="Medway")
    meeting = Meeting.objects.create(group=medway.group, held_on=D("2022-05-01"))
    pack = pack_for_meeting(meeting)
    assert [p.plan for p in pack.plans] == [medway]  # the board's meeting: all Medway plans
    assert [b.priority.number for b in pack.plans[0].priorities] == ["1", "2", "3", "4", "5"]
    assert pack.plans[0].total == 29


def test_a_pack_lists_only_the_themes_its_plans_use(demo):
    """An older plan's pack does not list this year's themes as gaps."""
    merton = Partnership.objects.get(slug="merton")
    Theme.objects.create(partnership=merton, code="Z", name="Introduced this year")
    plan = Plan.objects.get(title__startswith="Effective Safeguarding")
    pack = build_pack(
        partnership=merton, plans=Plan.objects.filter(pk=plan.pk), as_at=dt.date(2024, 9, 30)
    )
    listed = [theme.code for theme, count, by_scale in pack.themes]
    assert "Z" not in listed and listed
    assert all(count > 0 for theme, count, by_scale in pack.themes)
