"""Staff editing of plans, priorities, outcomes, actions and steps: who may, and what it does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from actions.models import Action, ProgressUpdate, Step
from plans.models import Group, Outcome, Person, Plan, Priority, RagRating, Theme
from plans.staff_writes import StaleEdit, move, restore, save_if_current, soft_delete
from tests.factories import ActionFactory, OutcomeFactory, StepFactory
from tests.helpers import PERSONAS, STAFF_ONLY, check_personas, form_data, url

# On both databases (scripts/test): stale saves refused, moves that lock their siblings
# (select_for_update), deletes and undo in transactions, query counts.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


STAFF_POST = {**STAFF_ONLY, "staff": 302}


def ess():
    return Plan.objects.get(title__startswith="Effective Safeguarding")


def medway():
    return Plan.objects.get(title__startswith="Medway")


def action(number, plan=None):
    return Action.objects.get(outcome__plan=plan or ess(), number=number)


def assert_error_page(response, *messages):
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "govuk-error-summary" in html
    for message in messages:
        assert message in html, message
    return html


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_editing_page_is_for_staff_only(client_for, persona):
    plan = ess()
    outcome = plan.outcomes.get(number="2")
    act = action("2.1")
    step = act.steps.first()
    priority = Priority.objects.create(plan=plan, number="1", title="Safer children")
    check_personas(
        client_for,
        persona,
        [
            ("get", url("plans:plan_create"), STAFF_ONLY),
            ("get", url("plans:plan_edit", plan.pk), STAFF_ONLY),
            ("get", url("plans:plan_delete", plan.pk), STAFF_ONLY),
            ("get", url("plans:priority_create", plan.pk), STAFF_ONLY),
            ("get", url("plans:priority_edit", priority.pk), STAFF_ONLY),
            ("get", url("plans:priority_delete", priority.pk), STAFF_ONLY),
            ("post", url("plans:priority_move", priority.pk), STAFF_POST),
            ("get", url("plans:outcome_create", plan.pk), STAFF_ONLY),
            ("get", url("plans:outcome_edit", outcome.pk), STAFF_ONLY),
            ("get", url("plans:outcome_delete", outcome.pk), STAFF_ONLY),
            ("post", url("plans:outcome_move", outcome.pk), STAFF_POST),
            ("get", url("actions:create", outcome.pk), STAFF_ONLY),
            ("get", url("actions:create_in_priority", priority.pk), STAFF_ONLY),
            ("get", url("actions:create_in_plan", plan.pk), STAFF_ONLY),
            ("get", url("actions:core_create", plan.pk), STAFF_ONLY),
            ("get", url("actions:edit", act.pk), STAFF_ONLY),
            ("get", url("actions:delete", act.pk), STAFF_ONLY),
            ("post", url("actions:move", act.pk), STAFF_POST),
            ("get", url("actions:move", act.pk), STAFF_ONLY),
            ("post", url("actions:renumber", act.pk), STAFF_POST),
            ("post", url("plans:outcome_renumber", outcome.pk), STAFF_POST),
            ("post", url("plans:priority_renumber", priority.pk), STAFF_POST),
            ("get", url("actions:step_create", act.pk), STAFF_ONLY),
            ("get", url("actions:step_edit", step.pk), STAFF_ONLY),
            ("get", url("actions:step_delete", step.pk), STAFF_ONLY),
            ("post", url("actions:step_move", step.pk), STAFF_POST),
        ],
    )


def test_moves_renumbers_and_forms_refuse_other_methods(client_for):
    client = client_for("staff")
    act = action("2.1")
    step = act.steps.first()
    for name, pk in [
        ("actions:move", act.pk),
        ("actions:step_move", step.pk),
        ("plans:outcome_move", act.outcome_id),
    ]:
        assert client.put(url(name, pk)).status_code == 405
    assert client.get(url("actions:renumber", act.pk)).status_code == 405
    assert client.put(url("actions:edit", act.pk)).status_code == 405
    assert client.delete(url("actions:delete", act.pk)).status_code == 405


def test_another_partnerships_objects_are_not_found_even_for_its_staff(client_for):
    """Medway staff asking for Merton's objects through Medway's own address get 404."""
    client = client_for("outsider")
    act = action("2.1")
    for name, pk in [
        ("plans:plan_edit", ess().pk),
        ("plans:outcome_edit", act.outcome_id),
        ("actions:edit", act.pk),
        ("actions:step_edit", act.steps.first().pk),
        ("actions:delete", act.pk),
    ]:
        assert client.get(url(name, pk, slug="medway")).status_code == 404, name
    response = client.post(url("actions:edit", act.pk, slug="medway"), {"text": "Hacked"})
    assert response.status_code == 404
    assert action("2.1").text != "Hacked"


@pytest.mark.parametrize("persona", ["chair", "board"])
def test_refused_writes_change_nothing(client_for, persona):
    client = client_for(persona)
    act = action("2.1")
    assert client.post(url("actions:edit", act.pk), {"text": "Changed"}).status_code == 403
    assert client.post(url("actions:delete", act.pk)).status_code == 403
    assert client.post(url("plans:plan_create"), {"title": "Mine"}).status_code == 403
    act.refresh_from_db()
    assert act.deleted_at is None and act.text != "Changed"
    assert not Plan.objects.filter(title="Mine").exists()


def test_staff_see_edit_links_and_others_do_not(client_for):
    plan = ess()
    for persona in ["chair", "board"]:
        html = client_for(persona).get(url("plans:plan", plan.pk)).content.decode()
        assert "/edit/" not in html and "Move down" not in html, persona
        assert (
            "Create a plan" not in client_for(persona).get(url("plans:dashboard")).content.decode()
        )
        assert (
            "Edit action"
            not in client_for(persona).get(url("actions:detail", action("2.1").pk)).content.decode()
        )
    staff = client_for("staff")
    html = staff.get(url("plans:plan", plan.pk)).content.decode()
    assert "Edit plan" in html and html.count("Add an action") == 3
    assert url("actions:edit", action("2.1").pk) in html
    assert "Create a plan" in staff.get(url("plans:dashboard")).content.decode()
    html = staff.get(url("actions:detail", action("2.1").pk)).content.decode()
    assert "Edit action" in html and "Add a step" in html


def test_staff_plan_page_costs_no_more_queries_than_a_board_members(client_for):
    """The edit links come from what the page has loaded already: staff pay only the menu's
    count of updates waiting for their review, which a board member has no part in."""
    address = url("plans:plan", ess().pk)
    counts = {}
    for persona in ["board", "staff"]:
        client = client_for(persona)
        client.get(address)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        counts[persona] = len(queries)
    assert counts["staff"] <= counts["board"] + 1


# Plans


def test_staff_create_a_plan(client_for):
    client = client_for("staff")
    response = client.get(url("plans:plan_create"))
    groups = list(response.context["form"].fields["group"].queryset)
    assert groups and all(g.kind != Group.Kind.PARTNER_BODY for g in groups)
    assert all(g.partnership.slug == "merton" for g in groups)
    ess_group = Group.objects.get(partnership__slug="merton", short_name="ESS")
    response = client.post(
        url("plans:plan_create"),
        {
            "group": ess_group.pk,
            "title": "ESS work plan",
            "period": "2025-26",
            "status": "agreed",
            "agreed_on": "2025-04-01",
            "introduction": "What we will do this year.",
            "outcome_label": "Impact statement",
        },
    )
    plan = Plan.objects.get(title="ESS work plan")
    assert response.status_code == 302 and response["Location"] == url("plans:plan", plan.pk)
    assert plan.group == ess_group and plan.status == "agreed" and plan.version == 1
    assert str(plan.agreed_on) == "2025-04-01"
    html = client.get(url("plans:dashboard")).content.decode()
    assert "ESS work plan 2025-26" in html
    assert plan.history.first().history_user.username == "staff-persona"


def test_plan_form_errors_keep_the_input(client_for):
    client = client_for("staff")
    partner = Group.objects.create(
        partnership=ess().group.partnership,
        name="Police",
        short_name="Pol",
        kind=Group.Kind.PARTNER_BODY,
    )
    response = client.post(
        url("plans:plan_create"),
        {
            "group": partner.pk,
            "title": "",
            "period": "2025-26",
            "status": "draft",
            "agreed_on": "2025-04-01",
            "introduction": "Kept after the error",
        },
    )
    assert_error_page(
        response,
        "Enter the plan&#x27;s title",
        "Choose one of the partnership&#x27;s groups",
        "A draft plan has no agreed date",
        "Kept after the error",
        'value="2025-26"',
    )
    assert not Plan.objects.filter(period="2025-26").exists()


def test_staff_edit_a_plans_details(client_for):
    client = client_for("staff")
    plan = ess()
    response = client.get(url("plans:plan_edit", plan.pk))
    data = form_data(response, version_label="V2 – MAY 2025", priority_label="Objective")
    response = client.post(url("plans:plan_edit", plan.pk), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.version_label == "V2 – MAY 2025" and plan.version == 2
    assert plan.history.first().history_user.username == "staff-persona"
    assert "V2 – MAY 2025" in client.get(url("plans:plan", plan.pk)).content.decode()


# Lost updates


def test_a_stale_save_is_refused_and_keeps_the_input(client_for):
    client = client_for("staff")
    act = action("2.1")
    address = url("actions:edit", act.pk)
    first = form_data(client.get(address), text="First editor's text")
    second = form_data(client.get(address), text="Second editor's text", timeframe="May 2026")
    assert client.post(address, first).status_code == 302

    response = client.post(address, second)
    html = assert_error_page(
        response, "Someone else changed this action after you opened it, so nothing was saved"
    )
    assert "Second editor&#x27;s text" in html  # the user's input is kept...
    assert "What is saved now" in html and "First editor&#x27;s text" in html  # ...beside it
    act.refresh_from_db()
    assert act.text == "First editor's text" and act.version == 2
    assert response.context["form"]["version"].value() == 2

    # Having seen both, saving again keeps the second editor's version.
    assert client.post(address, form_data(response)).status_code == 302
    act.refresh_from_db()
    assert act.text == "Second editor's text" and act.version == 3 and act.timeframe == "May 2026"


def test_a_save_after_a_delete_is_refused(client_for):
    client = client_for("staff")
    outcome = ess().outcomes.get(number="2")
    address = url("plans:outcome_edit", outcome.pk)
    data = form_data(client.get(address), text="Too late")
    soft_delete(outcome)
    # The page itself is gone...
    assert client.post(address, data).status_code == 404
    # ...and the service refuses too.
    outcome.refresh_from_db()
    with pytest.raises(StaleEdit):
        save_if_current(outcome, data["version"])


def test_save_if_current_claims_the_next_version_once(db, personas):
    act = action("2.1")
    a, b = Action.objects.get(pk=act.pk), Action.objects.get(pk=act.pk)
    a.text = "A"
    save_if_current(a, 1)
    b.text = "B"
    with pytest.raises(StaleEdit) as refused:
        save_if_current(b, 1)
    assert refused.value.current.text == "A" and refused.value.current.version == 2
    assert Action.objects.get(pk=act.pk).text == "A"


def test_a_missing_version_is_an_error_not_a_blind_save(client_for):
    client = client_for("staff")
    act = action("2.1")
    data = form_data(client.get(url("actions:edit", act.pk)), text="Blind")
    del data["version"]
    assert_error_page(client.post(url("actions:edit", act.pk), data), "open the page again")
    act.refresh_from_db()
    assert act.text != "Blind"


# Priorities and outcomes


def test_priorities_and_outcomes_under_them(client_for):
    client = client_for("outsider")  # Medway's staff, on Medway's plan with priorities
    plan = medway()
    response = client.post(
        url("plans:priority_create", plan.pk, slug="medway"),
        {"number": "6", "title": "Exploitation"},
    )
    priority = plan.priorities.get(number="6")
    assert response.status_code == 302
    assert priority.position == plan.priorities.count()
    outcome_form = client.get(url("plans:outcome_create", plan.pk, slug="medway"))
    assert outcome_form.context["form"].fields["priority"].required
    assert_error_page(
        client.post(url("plans:outcome_create", plan.pk, slug="medway"), {"text": "Safer"}),
        "Choose the priority this outcome comes under",
    )
    response = client.post(
        url("plans:outcome_create", plan.pk, slug="medway"),
        {"priority": priority.pk, "number": "6.1", "text": "Children are safer from exploitation"},
    )
    outcome = plan.outcomes.get(number="6.1")
    assert outcome.priority == priority
    # Outcome positions stay in plan order across priorities.
    last_before = plan.outcomes.exclude(pk=outcome.pk).order_by("position").last()
    assert outcome.position > last_before.position
    html = client.get(url("plans:plan", plan.pk, slug="medway")).content.decode()
    assert html.index("Priority objective 6: Exploitation") < html.index("Children are safer from")


def test_an_outcome_moved_to_another_priority_goes_to_its_end(client_for):
    client = client_for("outsider")
    plan = medway()
    first, second = plan.priorities.order_by("position")[:2]
    outcome = first.outcomes.order_by("position").first()
    address = url("plans:outcome_edit", outcome.pk, slug="medway")
    assert (
        client.post(address, form_data(client.get(address), priority=second.pk)).status_code == 302
    )
    outcome.refresh_from_db()
    assert outcome.priority == second and outcome.version == 2
    in_plan_order = list(plan.outcomes.order_by("position", "pk"))
    under_second = [o for o in in_plan_order if o.priority_id == second.pk]
    assert under_second[-1] == outcome
    assert len({o.position for o in in_plan_order}) == len(in_plan_order)
    html = client.get(url("plans:plan", plan.pk, slug="medway")).content.decode()
    assert html.index(f'id="priority-{second.pk}"') < html.index(f'id="outcome-{outcome.pk}"')


def test_an_outcome_in_a_plan_without_priorities(client_for):
    client = client_for("staff")
    plan = ess()
    form = client.get(url("plans:outcome_create", plan.pk)).context["form"]
    assert "priority" not in form.fields
    assert form.fields["text"].label == "Impact – what will success look like?"
    assert_error_page(
        client.post(url("plans:outcome_create", plan.pk), {"number": "", "text": ""}),
        "Enter what success will look like",
    )
    client.post(url("plans:outcome_create", plan.pk), {"number": "4", "text": "New impact"})
    outcome = plan.outcomes.get(number="4")
    assert outcome.position == 4
    html = client.get(url("plans:plan", plan.pk)).content.decode()
    assert "New impact" in html and "No actions yet." in html
    assert url("actions:create", outcome.pk) in html


def test_move_outcomes_and_priorities(client_for):
    client = client_for("staff")
    plan = ess()
    first, second = plan.outcomes.order_by("position")[:2]
    response = client.post(url("plans:outcome_move", second.pk), {"direction": "up"})
    assert response["Location"] == url("plans:plan", plan.pk) + f"#outcome-{second.pk}"
    order = list(plan.outcomes.order_by("position", "pk").values_list("pk", flat=True))
    assert order[:2] == [second.pk, first.pk]
    html = client.get(url("plans:plan", plan.pk)).content.decode()
    assert html.index("The Partnership has assurance") < html.index("helps co-ordinate")
    # Already first: nothing moves.
    client.post(url("plans:outcome_move", second.pk), {"direction": "up"})
    assert list(plan.outcomes.order_by("position", "pk").values_list("pk", flat=True)) == order

    medway_client = client_for("outsider")
    one, two = medway().priorities.order_by("position")[:2]
    medway_client.post(url("plans:priority_move", one.pk, slug="medway"), {"direction": "down"})
    assert list(medway().priorities.order_by("position")[:2]) == [two, one]


# Actions and steps


def test_add_an_action_with_themes_and_a_linked_lead(client_for):
    client = client_for("staff")
    outcome = ess().outcomes.get(number="2")
    think_family = Theme.objects.get(partnership__slug="merton", code="B")
    response = client.post(
        url("actions:create", outcome.pk),
        {
            "number": "2.7",
            "text": "Audit neglect referrals",
            "themes": [think_family.pk],
            "lead": "Zoe Gallen, MSCP BSU",
            "timeframe": "September 2025",
            "outcome_measures": "Fewer repeat referrals",
        },
    )
    new = Action.objects.get(outcome=outcome, number="2.7")
    assert response["Location"] == url("actions:detail", new.pk)
    assert list(new.themes.all()) == [think_family]
    assert list(new.lead_people.values_list("name", flat=True)) == ["Zoe Gallen"]
    assert str(new.due_date) == "2025-09-30"
    assert new.position == outcome.actions.count()
    html = client.get(url("plans:plan", ess().pk)).content.decode()
    at = html.index("Audit neglect referrals")
    assert (
        html.index(f'id="action-{action("2.3").pk}"')
        < at
        < html.index(f'id="action-{action("2.4").pk}"')
    )
    assert "Think Family" in client.get(url("actions:detail", new.pk)).content.decode()


def test_editing_the_lead_relinks_it(client_for):
    client = client_for("staff")
    act = action("2.1")
    data = form_data(client.get(url("actions:edit", act.pk)), lead="Keith Shipman (LB Merton)")
    assert client.post(url("actions:edit", act.pk), data).status_code == 302
    act.refresh_from_db()
    assert list(act.lead_people.values_list("name", flat=True)) == ["Keith Shipman"]
    assert act.lead_organisations.filter(name="LB Merton").exists()
    # The new lead's "my actions" finds it.
    person = Person.objects.get(partnership__slug="merton", name="Keith Shipman")
    assert person.led_actions.filter(pk=act.pk).exists()


def test_action_needs_text_or_number_and_keeps_theme_choices(client_for):
    client = client_for("staff")
    outcome = ess().outcomes.get(number="1")
    theme = Theme.objects.get(partnership__slug="merton", code="A")
    response = client.post(
        url("actions:create", outcome.pk), {"lead": "Kept lead", "themes": [theme.pk]}
    )
    html = assert_error_page(
        response, "Enter what we will do, or at least the action&#x27;s number"
    )
    assert "Kept lead" in html
    assert f'value="{theme.pk}" checked' in html


def test_steps_add_edit_relink_and_move(client_for):
    client = client_for("staff")
    act = action("2.1")
    assert_error_page(
        client.post(url("actions:step_create", act.pk), {"label": "D."}), "Enter what will be done"
    )
    response = client.post(
        url("actions:step_create", act.pk),
        {
            "label": "D.",
            "text": "Evaluate the toolkit",
            "lead": "Zoe Gallen",
            "timeframe": "March 2027",
        },
    )
    step = act.steps.get(label="D.")
    assert response["Location"] == url("actions:detail", act.pk) + f"#step-{step.pk}"
    assert list(step.lead_people.values_list("name", flat=True)) == ["Zoe Gallen"]
    assert step.position == act.steps.count()

    data = form_data(client.get(url("actions:step_edit", step.pk)), evidence="Report to board")
    assert client.post(url("actions:step_edit", step.pk), data).status_code == 302
    step.refresh_from_db()
    assert step.evidence == "Report to board" and step.version == 2

    steps = list(act.steps.order_by("position", "pk"))
    client.post(url("actions:step_move", step.pk), {"direction": "up"})
    moved = list(act.steps.order_by("position", "pk"))
    assert moved == [*steps[:-2], steps[-1], steps[-2]]
    html = client.get(url("actions:detail", act.pk)).content.decode()
    assert html.index("Evaluate the toolkit") < html.index(steps[-2].text[:30])


def test_move_actions_within_their_outcome(client_for):
    client = client_for("staff")
    one, two = action("1.1"), action("1.2")
    response = client.post(url("actions:move", two.pk), {"direction": "up"})
    assert response["Location"] == url("plans:plan", ess().pk) + f"#action-{two.pk}"
    one.refresh_from_db()
    two.refresh_from_db()
    assert two.position < one.position
    last = action("1.7")
    client.post(url("actions:move", last.pk), {"direction": "down"})  # already last
    assert Action.objects.get(pk=last.pk).position == last.position
    assert client.post(url("actions:move", one.pk), {"direction": "sideways"}).status_code == 302


def test_move_makes_tied_positions_distinct(db):
    outcome = OutcomeFactory()
    first, second, third = (ActionFactory(outcome=outcome, position=0) for _ in range(3))
    assert move(third, "up")
    assert list(outcome.actions.order_by("position", "pk")) == [first, third, second]
    assert len(set(outcome.actions.values_list("position", flat=True))) == 3
    assert not move(first, "up")


def numbers(outcome):
    return list(outcome.actions.live().order_by("position", "pk").values_list("number", flat=True))


def test_move_an_action_to_a_chosen_place_then_renumber_as_offered(client_for):
    """The move page offers every place in the outcome (its own chosen); the move says where
    it went and, with the numbers out of order, offers to renumber them, which is a new
    version of each action renumbered (so a form loaded before is refused, not lost)."""
    client = client_for("staff")
    one, outcome = action("1.1"), action("1.1").outcome
    html = client.get(url("actions:move", one.pk)).content.decode()
    assert "<title>Move action 1.1" in html
    assert "First, before action 1.2" in html and "After action 1.7" in html
    assert "After action 1.4: Hold focus groups for children and young people…" in html
    assert 'value="1" checked' in html

    response = client.post(url("actions:move", one.pk), {"place": "3"}, follow=True)
    assert numbers(outcome) == ["1.2", "1.3", "1.1", "1.4", "1.5", "1.6", "1.7"]
    html = response.content.decode()
    assert "Moved action 1.1 to after action 1.3." in html
    assert "renumber them 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7?" in html
    renumber = url("actions:renumber", one.pk)
    assert f'action="{renumber}"' in html

    version = Action.objects.get(pk=one.pk).version
    html = client.post(renumber, follow=True).content.decode()
    assert numbers(outcome) == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]
    assert "Renumbered: 1.2 is now 1.1, 1.3 is now 1.2, 1.1 is now 1.3." in html
    assert Action.objects.get(pk=one.pk).version == version + 1
    assert Action.objects.get(pk=one.pk).history.first().number == "1.3"

    html = client.post(renumber, follow=True).content.decode()
    assert "The numbers are in order already." in html


def test_a_move_that_keeps_the_numbers_in_order_offers_nothing(client_for):
    client = client_for("staff")
    four = action("1.4")
    html = client.post(url("actions:move", four.pk), {"place": "7"}, follow=True).content
    assert b"Moved action 1.4 to after action 1.7." in html  # 1.5, 1.6, 1.7, 1.4
    assert b"renumber them" in html
    html = client.post(url("actions:move", four.pk), {"place": "4"}, follow=True).content
    assert b"Moved action 1.4 to after action 1.3." in html and b"renumber" not in html
    two = action("2.2")
    html = client.post(url("actions:move", two.pk), {"place": "1"}, follow=True).content
    assert b"Moved action 2.2 to the top." in html
    html = client.post(url("actions:move", two.pk), {"place": "1"}, follow=True).content
    assert b"is already there" in html
    html = client.post(url("actions:move", two.pk), {"place": "99"}, follow=True).content
    assert b"is already there" in html
    assert numbers(two.outcome)[0] == "2.2"


# Deleting, undoing and restoring


def test_confirmation_says_what_goes_with_it(client_for):
    client = client_for("staff")
    outcome = ess().outcomes.get(number="1")
    html = client.get(url("plans:outcome_delete", outcome.pk)).content.decode()
    actions = outcome.actions.count()
    steps = Step.objects.filter(action__outcome=outcome).count()
    assert f"and its {actions} actions and {steps} steps" in html
    assert "<title>Delete outcome 1?" in html
    assert Outcome.objects.get(pk=outcome.pk).deleted_at is None  # GET deletes nothing


def test_deleting_a_plan_takes_everything_in_it_and_undo_brings_it_back(client_for):
    client = client_for("outsider")  # Medway: priorities, outcomes, actions, steps
    plan = medway()
    counts = {
        "priorities": plan.priorities.count(),
        "outcomes": plan.outcomes.count(),
        "actions": Action.objects.filter(outcome__plan=plan).count(),
        "steps": Step.objects.filter(action__outcome__plan=plan).count(),
    }
    response = client.post(url("plans:plan_delete", plan.pk, slug="medway"), follow=True)
    html = response.content.decode()
    assert "Deleted the plan" in html and "5 priorities" in html
    undo = reverse("plans:restore", args=["medway", "plan", plan.pk])
    assert f'action="{undo}"' in html and "Undo" in html
    plan.refresh_from_db()
    when = plan.deleted_at
    assert when is not None
    assert set(plan.priorities.values_list("deleted_at", flat=True)) == {when}
    assert set(plan.outcomes.values_list("deleted_at", flat=True)) == {when}
    assert set(
        Step.objects.filter(action__outcome__plan=plan).values_list("deleted_at", flat=True)
    ) == {when}
    assert client.get(url("plans:plan", plan.pk, slug="medway")).status_code == 404
    assert (
        "Medway"
        not in client.get(url("plans:dashboard", slug="medway")).content.decode().split("<h2")[1]
    )
    an_action = Action.objects.filter(outcome__plan=plan).first()
    assert client.get(url("actions:detail", an_action.pk, slug="medway")).status_code == 404
    assert plan.history.first().history_user.username == "outsider-persona"

    response = client.post(undo)
    assert response["Location"] == url("plans:plan", plan.pk, slug="medway")
    plan.refresh_from_db()
    assert plan.deleted_at is None
    assert counts == {
        "priorities": plan.priorities.filter(deleted_at=None).count(),
        "outcomes": plan.outcomes.filter(deleted_at=None).count(),
        "actions": Action.objects.live().filter(outcome__plan=plan).count(),
        "steps": Step.objects.filter(action__outcome__plan=plan, deleted_at=None).count(),
    }
    assert client.get(url("plans:plan", plan.pk, slug="medway")).status_code == 200


def test_restore_brings_back_only_what_went_together(client_for):
    client = client_for("staff")
    outcome = ess().outcomes.get(number="1")
    earlier = action("1.1")
    client.post(url("actions:delete", earlier.pk))
    client.post(url("plans:outcome_delete", outcome.pk))
    assert not Action.objects.live().filter(outcome=outcome).exists()

    client.post(reverse("plans:restore", args=["merton", "outcome", outcome.pk]))
    live = Action.objects.live().filter(outcome=outcome)
    assert live.count() == 6 and not live.filter(pk=earlier.pk).exists()
    assert earlier.steps.filter(deleted_at__isnull=False).count() == earlier.steps.count()


def test_restoring_inside_something_still_deleted_is_refused(client_for):
    client = client_for("staff")
    act = action("2.1")
    outcome = act.outcome
    client.post(url("actions:delete", act.pk))
    client.post(url("plans:outcome_delete", outcome.pk))
    html = client.get(url("plans:deleted")).content.decode()
    assert "Restore the outcome 2 first" in html
    response = client.post(
        reverse("plans:restore", args=["merton", "action", act.pk]),
        {"next": "deleted"},
        follow=True,
    )
    assert (
        "cannot be restored while the outcome 2 it belongs to is deleted"
        in response.content.decode()
    )
    assert Action.objects.get(pk=act.pk).deleted_at is not None


def test_deleted_steps_and_priorities_show_nowhere(client_for):
    staff = client_for("outsider")
    plan = medway()
    priority = plan.priorities.order_by("position").first()
    step = Step.objects.filter(action__outcome__plan=plan).first()
    soft_delete(step)
    soft_delete(priority)
    html = staff.get(url("plans:plan", plan.pk, slug="medway")).content.decode()
    assert priority.title not in html
    assert (
        step.text
        not in staff.get(url("actions:detail", step.action_id, slug="medway")).content.decode()
    )
    filters = staff.get(url("actions:list", slug="medway")).context["filter"]
    assert priority not in filters.filters["priority"].queryset


def test_an_action_due_by_its_steps_follows_their_deletion(db):
    act = ActionFactory(timeframe="")
    StepFactory(action=act, timeframe="June 2025")
    last = StepFactory(action=act, timeframe="December 2025")
    act.refresh_from_db()
    assert str(act.due_date) == "2025-12-31"
    soft_delete(last)
    act.refresh_from_db()
    assert str(act.due_date) == "2025-06-30"
    restore(Step.objects.get(pk=last.pk))
    act.refresh_from_db()
    assert str(act.due_date) == "2025-12-31"


def test_history_records_who_made_each_change(client_for):
    client = client_for("staff")
    act = action("2.1")
    data = form_data(client.get(url("actions:edit", act.pk)), note="Checked against source")
    client.post(url("actions:edit", act.pk), data)
    client.post(url("actions:delete", act.pk))
    records = list(act.history.order_by("-history_date")[:2])
    assert [r.history_user.username for r in records] == ["staff-persona", "staff-persona"]
    assert records[0].deleted_at is not None and records[1].note == "Checked against source"
    restore(Action.objects.get(pk=act.pk))
    html = client.get(url("actions:detail", act.pk)).content.decode()
    assert "Deleted the action" in html and "Restored the action" in html


def test_progress_updates_of_a_deleted_action_are_kept(client_for, personas):
    act = action("2.1")
    rating = RagRating.objects.get(partnership__slug="merton", label="On track")
    ProgressUpdate.objects.create(action=act, rating=rating, commentary="Going well")
    client_for("staff").post(url("actions:delete", act.pk))
    assert ProgressUpdate.objects.filter(action=act).count() == 1


def test_the_change_history_says_themes_and_outcomes_in_words(client_for):
    """Themes by code and name and an outcome by its number and words, never ids."""
    client = client_for("staff")
    act = action("2.1")
    other = ess().outcomes.get(number="3")
    theme = Theme.objects.get(partnership__slug="merton", code="C")
    data = form_data(client.get(url("actions:edit", act.pk)), themes=[str(theme.pk)])
    client.post(url("actions:edit", act.pk), data)
    act.refresh_from_db()
    act.outcome = other
    act.save()
    html = client.get(url("actions:detail", act.pk)).content.decode()
    assert "→ “C) Addressing disproportionality”</li>" in html
    assert f"“{escape(str(other))[:20]}" in html
    assert f"“{theme.pk}”" not in html and f"“{other.pk}”" not in html
