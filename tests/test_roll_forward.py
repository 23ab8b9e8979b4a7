"""Year end: rolling a plan forward into a new period (actions.roll_forward and its page,
front.views.roll_forward)."""

import datetime as dt
from functools import partial

import pytest
from django.urls import reverse

from actions.models import Action, ProgressUpdate, Step
from actions.roll_forward import (
    NothingToCarry,
    carried_layout,
    carries_by_default,
    new_numbers,
    next_period,
    roll_forward,
)
from plans.models import Plan, RagRating
from tests.factories import ProgressUpdateFactory
from tests.helpers import NOWHERE, PERSONAS, STAFF_ONLY

# On both databases (scripts/test): all or nothing in one transaction, query counts.
pytestmark = pytest.mark.both_databases

D = dt.date.fromisoformat


# --- The pure rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scale, recurrence, carries",
    [
        (None, "", True),  # no update yet: not complete
        ("not_started", "", True),
        ("on_track", "", True),
        ("at_risk", "", True),
        ("off_track", "", True),
        ("complete", "", False),
        ("complete", "ongoing", True),  # recurring work goes on into the next year
        ("complete", "quarterly", True),
        ("complete", "termly", True),
        ("complete", "annual", True),
        ("on_track", "monthly", True),
        (None, "ongoing", True),
    ],
)
def test_which_actions_carry_by_default(scale, recurrence, carries):
    assert carries_by_default(scale=scale, recurrence=recurrence) is carries


@pytest.mark.parametrize(
    "period, after",
    [
        ("2024-25", "2025-26"),
        ("2024–25", "2025–26"),
        ("2024/25", "2025/26"),
        ("2021-2023", "2023-2025"),
        ("2021 – 2023", "2023 – 2025"),
        ("2021-23", "2023-25"),
        ("2099-00", "2100-01"),
        ("2024", "2025"),
        (" 2024-25 ", "2025-26"),
        ("April 2024 – March 2025", ""),
        ("2024-25 (draft)", ""),
        ("2024-23", ""),  # backwards: not a range
        ("2024-2040", ""),  # too long for a plan's period
        ("", ""),
        ("Ongoing", ""),
    ],
)
def test_next_period(period, after):
    assert next_period(period) == after


def test_new_numbers_without_priorities():
    assert new_numbers([(False, [2, 1, 3])]) == [
        ("", [("1", ["1.1", "1.2"]), ("2", ["2.1"]), ("3", ["3.1", "3.2", "3.3"])])
    ]


def test_new_numbers_with_priorities():
    assert new_numbers([(True, [1, 2]), (True, [1])]) == [
        ("1", [("1.1", ["1.1.1"]), ("1.2", ["1.2.1", "1.2.2"])]),
        ("2", [("2.1", ["2.1.1"])]),
    ]


def test_new_numbers_of_nothing():
    assert new_numbers([]) == []


# --- The service, on the demo plans ---------------------------------------------------------


def ess():
    return Plan.objects.get(title__startswith="Effective Safeguarding", carried_from=None)


def medway():
    return Plan.objects.get(title__startswith="Medway", carried_from=None)


def action(number, plan=None):
    return Action.objects.get(outcome__plan=plan or ess(), number=number)


def merton(label):
    return RagRating.objects.get(partnership__slug="merton", label=label)


@pytest.fixture
def progress(personas):
    """ESS 1.4 (September 2024) and 2.2 (March 2025) complete; 1.1 (Ongoing) complete too;
    2.1 on track, with evidence on its step a."""
    for number, label in [("1.4", "Complete"), ("2.2", "Complete"), ("1.1", "Complete"),
                          ("2.1", "On track")]:  # fmt: skip
        ProgressUpdateFactory(
            action=action(number),
            rating=merton(label),
            reported_on=D("2025-03-01"),
            commentary=f"Action {number}: reported at year end",
            author=personas["chair"],
        )
    Step.objects.filter(action=action("2.1"), label="a.").update(evidence="Training register")
    return ess()


DEFAULT_NUMBERS = ["1.1", "1.2", "1.3", "1.5", "1.6", "1.7", "2.1", "2.3", "2.4", "2.5", "2.6"]


def ids(*numbers, plan=None):
    return [action(number, plan).pk for number in numbers]


def new_actions(plan):
    return list(
        Action.objects.filter(outcome__plan=plan)
        .select_related("outcome", "carried_from")
        .order_by("outcome__position", "position")
    )


def into_next_year(plan, action_ids, *, renumber, user):
    """The plan rolled forward into "Next year" 2025-26, carrying those actions."""
    return roll_forward(
        plan=plan,
        title="Next year",
        period="2025-26",
        action_ids=action_ids,
        renumber=renumber,
        user=user,
    )


def test_the_form_ticks_what_is_not_complete_and_what_recurs(client_for, progress):
    response = client_for("staff").get(reverse("plans:roll_forward", args=["merton", progress.pk]))
    assert response.status_code == 200
    ticked = [
        choice.action.number
        for section in response.context["grouped"]
        for outcome in section.outcomes
        for choice in outcome.choices
        if choice.checked
    ]
    assert ticked == DEFAULT_NUMBERS  # 1.4 and 2.2 are complete; 1.1 is complete but ongoing
    html = response.content.decode()
    assert 'value="2025-26"' in html  # the period after 2024-25
    assert f'value="{progress.title}"' in html
    assert html.count('name="actions"') == 13
    assert html.count(" checked") == len(DEFAULT_NUMBERS)
    assert "not ticked at first: complete" in html
    assert 'id="id_actions_0"' in html  # where the error summary links


def test_roll_forward_keeps_numbers_as_written(progress, personas):
    plan = progress
    new = roll_forward(
        plan=plan,
        title=plan.title,
        period="2025-26",
        action_ids=ids(*DEFAULT_NUMBERS),
        renumber=False,
        user=personas["staff"],
    )
    new.refresh_from_db()
    assert (new.status, new.carried_from, new.group, new.agreed_on) == (
        Plan.Status.DRAFT,
        plan,
        plan.group,
        None,
    )
    assert (new.outcome_label, new.action_label, new.introduction) == (
        plan.outcome_label,
        plan.action_label,
        plan.introduction,
    )
    actions = new_actions(new)
    assert [a.number for a in actions] == DEFAULT_NUMBERS
    # 2.4 sits under impact 3 in the source, and still does.
    assert action("2.4", new).outcome.number == "3"
    assert [o.number for o in new.outcomes.order_by("position")] == ["1", "2", "3"]
    assert all(a.carried_from.number == a.number for a in actions)
    assert [a.position for a in actions if a.outcome.number == "2"] == [1, 2]


def test_roll_forward_renumbers_on_request(progress, personas):
    new = into_next_year(progress, ids(*DEFAULT_NUMBERS), renumber=True, user=personas["staff"])
    pairs = [(a.carried_from.number, a.number) for a in new_actions(new)]
    assert pairs == [
        ("1.1", "1.1"), ("1.2", "1.2"), ("1.3", "1.3"), ("1.5", "1.4"), ("1.6", "1.5"),
        ("1.7", "1.6"), ("2.1", "2.1"), ("2.3", "2.2"), ("2.4", "3.1"), ("2.5", "3.2"),
        ("2.6", "3.3"),
    ]  # fmt: skip


def test_outcomes_without_a_carried_action_are_left_out(progress, personas):
    new = into_next_year(progress, ids("2.5", "2.1"), renumber=True, user=personas["staff"])
    outcomes = list(new.outcomes.order_by("position"))
    assert [(o.number, o.text) for o in outcomes] == [
        ("1", action("2.1").outcome.text),
        ("2", action("2.5").outcome.text),
    ]
    assert [(a.carried_from.number, a.number) for a in new_actions(new)] == [
        ("2.1", "1.1"),
        ("2.5", "2.1"),
    ]


def test_what_an_action_carries_and_what_stays(progress, personas):
    old = action("2.1")
    new_plan = into_next_year(progress, [old.pk], renumber=False, user=personas["staff"])
    new = Action.objects.get(outcome__plan=new_plan)
    fields = ["number", "text", "lead", "timeframe", "outcome_measures", "note", "due_date"]
    assert [getattr(new, f) for f in fields] == [getattr(old, f) for f in fields]
    assert set(new.themes.all()) == set(old.themes.all())
    assert set(new.lead_people.all()) == set(old.lead_people.all())
    assert set(new.lead_groups.all()) == set(old.lead_groups.all())
    old_steps = list(old.steps.order_by("position"))
    new_steps = list(new.steps.order_by("position"))
    assert [(s.label, s.text, s.lead, s.timeframe) for s in new_steps] == [
        (s.label, s.text, s.lead, s.timeframe) for s in old_steps
    ]
    # Evidence and progress are last year's: they stay on the old action and steps.
    assert old_steps[0].evidence == "Training register" and new_steps[0].evidence == ""
    assert not ProgressUpdate.objects.filter(action=new).exists()
    assert ProgressUpdate.objects.filter(action=old).count() == 1
    # Linked both ways.
    assert new.carried_from == old
    assert list(old.carried_to.all()) == [new]


def test_every_step_carries_with_its_lead_links(personas, demo):
    plan = medway()
    old = Action.objects.filter(outcome__plan=plan, steps__lead__gt="").distinct().first()
    new_plan = roll_forward(
        plan=plan,
        title="Next",
        period=next_period(plan.period),
        action_ids=[old.pk],
        renumber=False,
        user=personas["outsider"],
    )
    new = Action.objects.get(outcome__plan=new_plan)
    for old_step, new_step in zip(
        old.steps.order_by("position"), new.steps.order_by("position"), strict=True
    ):
        assert set(new_step.lead_groups.all()) == set(old_step.lead_groups.all())
        assert set(new_step.lead_people.all()) == set(old_step.lead_people.all())


def test_priorities_hold_their_carried_outcomes(personas, demo):
    plan = medway()
    # One action in each of priorities 1 and 3; priorities 2, 4 and 5 are left out.
    first = Action.objects.filter(outcome__plan=plan, outcome__priority__number="1").first()
    third = Action.objects.filter(outcome__plan=plan, outcome__priority__number="3").first()
    carry = partial(
        roll_forward,
        plan=plan,
        title="Next",
        action_ids=[third.pk, first.pk],
        user=personas["outsider"],
    )
    kept = carry(period="2023-25", renumber=False)
    assert [p.number for p in kept.priorities.order_by("position")] == ["1", "3"]
    assert [a.number for a in new_actions(kept)] == [first.number, third.number]
    renumbered = carry(period="2025-27", renumber=True)
    assert [p.number for p in renumbered.priorities.order_by("position")] == ["1", "2"]
    assert [o.number for o in renumbered.outcomes.order_by("position")] == ["1.1", "2.1"]
    assert [a.number for a in new_actions(renumbered)] == ["1.1.1", "2.1.1"]
    priority = renumbered.priorities.get(number="2")
    assert priority.title == third.outcome.priority.title
    assert renumbered.outcomes.get(number="2.1").priority == priority


def test_history_is_recorded_with_the_user(progress, personas):
    staff = personas["staff"]
    new = into_next_year(progress, ids("1.1", "2.4"), renumber=False, user=staff)
    records = [
        *new.history.all(),
        *Action.history.filter(outcome__plan=new),
        *Step.history.filter(action__outcome__plan=new),
    ]
    outcome_records = new.outcomes.model.history.filter(plan_id=new.pk)
    assert records and outcome_records.exists()
    assert {r.history_user for r in [*records, *outcome_records]} == {staff}
    assert "+" in {r.history_type for r in Action.history.filter(outcome__plan=new)}


def test_nothing_to_carry_is_refused(progress, personas):
    other = Action.objects.filter(outcome__plan__title__startswith="Promote").first()
    before = Plan.objects.count()
    with pytest.raises(NothingToCarry):
        roll_forward(
            plan=progress,
            title="Next",
            period="2025-26",
            action_ids=[other.pk],  # not an action of this plan
            renumber=False,
            user=personas["staff"],
        )
    assert Plan.objects.count() == before


def test_deleted_actions_do_not_carry(progress):
    deleted = action("1.2")
    Action.objects.filter(pk=deleted.pk).update(deleted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    layout = carried_layout(progress, [deleted.pk, action("1.3").pk], renumber=False)
    assert [item.action.number for s in layout for o in s.outcomes for item in o.actions] == ["1.3"]


# --- The pages ------------------------------------------------------------------------------


def roll_url(plan, slug="merton"):
    return reverse("plans:roll_forward", args=[slug, plan.pk])


def test_create_goes_to_the_new_plan(client_for, progress, personas):
    plan = progress
    client = client_for("staff")
    response = client.post(
        roll_url(plan),
        {"title": "ESS work plan", "period": "2025-26", "actions": ids("1.4", "2.4")},
    )
    new = Plan.objects.get(carried_from=plan)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan", args=["merton", new.pk])
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "with 2 actions carried forward from 2024-25" in html
    link = '<a class="govuk-link" href="{}">'
    assert "Carried forward from " + link.format(plan.get_absolute_url()) in html
    assert (new.title, new.period) == ("ESS work plan", "2025-26")
    # Both action pages link to each other.
    old, carried = action("1.4"), action("1.4", new)
    html = client.get(carried.get_absolute_url()).content.decode()
    assert f"Carried from {link.format(old.get_absolute_url())}2024-25 action 1.4</a>" in html
    html = client.get(old.get_absolute_url()).content.decode()
    assert f"Carried forward to {link.format(carried.get_absolute_url())}2025-26 action 1.4" in html
    # Boards read the links too.
    html = client_for("board").get(old.get_absolute_url()).content.decode()
    assert "Carried forward to" in html


def test_preview_writes_nothing_and_keeps_the_input(client_for, progress):
    before = Plan.objects.count()
    response = client_for("staff").post(
        roll_url(progress),
        {
            "title": "Next year",
            "period": "2025-26",
            "actions": ids("2.5", "2.4"),
            "renumber": "on",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    assert Plan.objects.count() == before
    html = response.content.decode()
    assert "Preview: Next year 2025-26" in html
    assert "The new plan will hold 2 actions, renumbered" in html
    assert [
        (item.action.number, item.number)
        for s in response.context["preview"]
        for o in s.outcomes
        for item in o.actions
    ] == [("2.4", "1.1"), ("2.5", "1.2")]
    assert html.count(" checked") == 3  # the two actions and renumber


def test_missing_title_keeps_the_input(client_for, progress):
    response = client_for("staff").post(
        roll_url(progress), {"title": "", "period": "2025-26", "actions": ids("2.5")}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "Enter the new plan&#x27;s title" in html
    assert 'value="2025-26"' in html
    assert html.count(" checked") == 1
    assert f'value="{action("2.5").pk}" checked' in html
    assert not Plan.objects.filter(carried_from=progress).exists()


def test_nothing_ticked_keeps_the_input(client_for, progress):
    response = client_for("staff").post(
        roll_url(progress), {"title": "Kept title", "period": "2025-26", "renumber": "on"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose at least one action to carry forward" in html
    assert 'href="#id_actions_0"' in html
    assert 'value="Kept title"' in html
    assert html.count(" checked") == 1  # renumber, as it was sent; no action
    assert not Plan.objects.filter(carried_from=progress).exists()


def test_a_second_plan_with_the_same_title_and_period_is_refused(client_for, progress):
    client = client_for("staff")
    data = {"title": "Next year", "period": "2025-26", "actions": ids("2.5")}
    assert client.post(roll_url(progress), data).status_code == 302
    response = client.post(roll_url(progress), data)
    assert response.status_code == 200
    assert "already has a plan with this title for 2025-26" in response.content.decode()
    assert Plan.objects.filter(carried_from=progress).count() == 1


def test_another_plans_action_is_an_invalid_choice(client_for, progress):
    other = Action.objects.filter(outcome__plan__title__startswith="Promote").first()
    response = client_for("staff").post(
        roll_url(progress), {"title": "Next", "period": "2025-26", "actions": [other.pk]}
    )
    assert response.status_code == 200
    assert "Choose actions of this plan" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_roll_forward_page_for_each_persona(client_for, persona, progress):
    client = client_for(persona)
    for plan, expected in [(progress, STAFF_ONLY), (medway(), NOWHERE)]:
        response = client.get(roll_url(plan))
        assert response.status_code == expected[persona], (persona, plan)
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("login"))
    # A refused POST writes nothing.
    data = {"title": "Sneaky", "period": "2025-26", "actions": ids("2.5")}
    response = client.post(roll_url(progress), data)
    assert response.status_code == {**STAFF_ONLY, "staff": 302}[persona]
    assert Plan.objects.filter(title="Sneaky").exists() is (persona == "staff")
    assert client.put(roll_url(progress)).status_code in (405, 302)


def test_only_staff_see_the_link(client_for, progress):
    for persona, shown in [("staff", True), ("chair", False), ("board", False)]:
        html = client_for(persona).get(progress.get_absolute_url()).content.decode()
        assert ("Roll forward into a new plan" in html) is shown, persona


def test_the_form_runs_a_bounded_number_of_queries(
    client_for, progress, django_assert_max_num_queries
):
    client = client_for("staff")
    with django_assert_max_num_queries(20):
        assert client.get(roll_url(progress)).status_code == 200
