import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from actions.models import Action, ProgressUpdate, Recurrence
from plans.models import Plan, RagRating, readable_text_colour
from tests.factories import (
    ActionFactory,
    PartnershipFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RagRatingFactory,
    StepFactory,
)

# On both databases (scripts/test): database constraints.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_current_rating_is_the_latest_update_and_history_is_kept():
    action = ActionFactory()
    partnership = action.outcome.plan.group.partnership
    red = RagRatingFactory(partnership=partnership, scale=RagRating.Scale.OFF_TRACK, label="Red")
    green = RagRatingFactory(partnership=partnership, scale=RagRating.Scale.COMPLETE, label="Done")
    ProgressUpdateFactory(action=action, rating=red, reported_on=datetime.date(2024, 6, 1))
    ProgressUpdateFactory(action=action, rating=green, reported_on=datetime.date(2024, 9, 1))
    # Entered later but about an earlier date: does not become current.
    ProgressUpdateFactory(action=action, rating=red, reported_on=datetime.date(2024, 7, 1))

    annotated = Action.objects.with_latest_update().get(pk=action.pk)
    assert annotated.current_rating_id == green.pk
    assert annotated.current_scale == RagRating.Scale.COMPLETE
    assert annotated.last_updated_on == datetime.date(2024, 9, 1)
    assert action.progress_updates.count() == 3


def test_an_update_needs_commentary():
    update = ProgressUpdateFactory.build(action=ActionFactory(), commentary="")
    update.rating = RagRatingFactory(partnership=update.action.outcome.plan.group.partnership)
    with pytest.raises(IntegrityError):
        update.save()


def test_a_rating_from_another_partnership_is_refused():
    action = ActionFactory()
    elsewhere = RagRatingFactory(partnership=PartnershipFactory())
    update = ProgressUpdate(action=action, rating=elsewhere, commentary="x")
    with pytest.raises(ValidationError, match="this partnership"):
        update.full_clean()


def test_a_draft_plan_has_no_agreed_date():
    with pytest.raises(IntegrityError):
        PlanFactory(status=Plan.Status.DRAFT, agreed_on=datetime.date(2024, 4, 1))


def test_brag_and_four_point_schemes_sit_on_one_scale():
    brag = PartnershipFactory()
    for scale, label in [
        ("off_track", "Red"),
        ("at_risk", "Amber"),
        ("on_track", "Green"),
        ("complete", "Blue"),
    ]:
        RagRatingFactory(partnership=brag, scale=scale, label=label, colour="")
    assert set(brag.ratings.values_list("scale", flat=True)) == {
        "off_track",
        "at_risk",
        "on_track",
        "complete",
    }
    assert brag.ratings.get(label="Blue").colour == "#1d70b8"  # scale colour when none given


@pytest.mark.parametrize(
    "background, text",
    [("#d4351c", "#ffffff"), ("#1d70b8", "#ffffff"), ("#00703c", "#ffffff"),
     ("#f47738", "#0b0c0c"), ("#b1b4b6", "#0b0c0c"), ("#ffdd00", "#0b0c0c")],
)  # fmt: skip
def test_rating_labels_use_readable_text(background, text):
    assert readable_text_colour(background) == text


def test_timeframes_are_derived_on_save():
    action = ActionFactory(timeframe="Quarterly throughout 2021-23")
    assert action.recurrence == Recurrence.QUARTERLY
    assert action.due_date == datetime.date(2023, 3, 31)
    action.timeframe = "Ongoing"
    action.save()
    assert action.recurrence == Recurrence.ONGOING and action.due_date is None


def test_an_action_without_a_date_is_due_with_its_last_step():
    action = ActionFactory(timeframe="")
    StepFactory(action=action, timeframe="June 2022")
    StepFactory(action=action, timeframe="October – November 2022")
    action.refresh_from_db()
    assert action.due_date == datetime.date(2022, 11, 30)


def test_a_month_with_no_year_is_read_within_the_plans_period():
    """A 2021-22 plan's "November" is November 2021, for the action and its steps."""
    action = ActionFactory(
        outcome__plan__period="2021-22", timeframe="November - 3 sessions planned"
    )
    assert action.due_date == datetime.date(2021, 11, 30)
    step = StepFactory(action=action, timeframe="February")
    assert step.due_date == datetime.date(2022, 2, 28)


@pytest.mark.parametrize(
    ("title", "period", "full"),
    [
        ("ESS Work Plan", "2024-25", "ESS Work Plan 2024-25"),
        ("ESS Work Plan 2024-25", "2024-25", "ESS Work Plan 2024-25"),  # not twice
        ("Business plan 2021 – 2023", "2021 – 2023", "Business plan 2021 – 2023"),
        ("Business plan", "", "Business plan"),
    ],
)
def test_a_plans_full_title_gives_its_period_once(title, period, full):
    plan = PlanFactory.build(title=title, period=period)
    assert plan.full_title == full == str(plan)
