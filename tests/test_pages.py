"""What each kind of user sees on the read pages and the update form."""

import datetime

import pytest
from django.urls import reverse

from actions.models import Action, ProgressUpdate
from plans.models import Plan, RagRating
from reporting.models import Meeting
from tests.factories import ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def rating(label, slug="merton"):
    return RagRating.objects.get(partnership__slug=slug, label=label)


def ess():
    return Plan.objects.get(title__startswith="Effective Safeguarding")


def action(number, plan=None):
    return Action.objects.get(outcome__plan=plan or ess(), number=number)


def page(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


def test_plan_page_lays_out_the_word_table(client_for):
    html = page(client_for("board"), "plans:plan", "merton", ess().pk)
    assert "Impact – what will success look like?" in html
    assert "Action – what we will do to achieve this" in html
    assert "Zoe Gallen, MSCP BSU" in html and "June 2023 (session) TBC (follow-up work)" in html
    assert html.index("1.7") < html.index("2.1") < html.index("2.4")
    assert "Deliver neglect training" in html  # a step under 2.1
    assert "No update yet" in html  # rating shown in words without any update
    assert "/update/" not in html  # a board member reads; no update links


def test_chair_of_the_owning_group_gets_update_links(client_for):
    html = page(client_for("chair"), "plans:plan", "merton", ess().pk)
    assert html.count("/update/?from=plan") == 13


def test_medway_plan_is_grouped_by_priority(client_for):
    medway = Plan.objects.get(title__startswith="Medway")
    html = page(client_for("outsider"), "plans:plan", "medway", medway.pk)
    assert "Priority objective 1: Effective Partnerships" in html
    assert html.index("Priority objective 4: Neglect") < html.index("MSCT to establish")
    assert "Launch event planned for 13 June 2022" in html  # evidence of a step


def test_the_update_form_explains_each_rating_with_its_definition(client_for):
    medway_action = Action.objects.get(outcome__plan__title__startswith="Medway", number="1.1.1")
    url = reverse("actions:update", args=["medway", medway_action.pk])
    html = client_for("outsider").get(url).content.decode()  # Medway's own staff
    assert "Work has not yet commenced but will be commenced within timescale" in html
    assert "Not yet commenced" in html


def test_transcription_notes_are_shown(client_for):
    ppyp = Plan.objects.get(title__startswith="Promote")
    html = page(client_for("chair"), "plans:plan", "merton", ppyp.pk)
    assert "not recoverable" in html


def test_a_chair_updates_an_action_and_it_shows_everywhere(client_for):
    client = client_for("chair")
    target = action("2.1")
    url = reverse("actions:update", args=["merton", target.pk])
    form = client.get(url).content.decode()
    assert "At risk" in form and "Overdue" in form
    response = client.post(
        url,
        {
            "rating": rating("At risk").pk,
            "commentary": "Training dates slipped to January.",
            "evidence": "Training calendar v3",
            "reported_on": datetime.date.today().isoformat(),
            "next_page": "plan",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#action-{target.pk}")
    update = ProgressUpdate.objects.get(action=target)
    assert update.author.username == "chair-persona"
    html = page(client, "plans:plan", "merton", ess().pk)
    assert "Training dates slipped to January." in html
    assert f'app-rag--r{rating("At risk").pk}">At risk' in html
    detail = page(client, "actions:detail", "merton", target.pk)
    assert "Training calendar v3" in detail and "Chair" in detail


def test_an_invalid_update_keeps_what_was_typed(client_for):
    client = client_for("chair")
    url = reverse("actions:update", args=["merton", action("2.1").pk])
    response = client.post(url, {"evidence": "Minutes of 3 March", "reported_on": "2999-01-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "<title>Error:" in html
    assert "Choose a rating" in html and "Enter a line of commentary" in html
    assert "cannot be in the future" in html
    assert "Minutes of 3 March" in html
    assert not ProgressUpdate.objects.exists()


def test_history_is_never_overwritten(client_for):
    target = action("1.1")
    ProgressUpdateFactory(action=target, rating=rating("On track"), commentary="First",
                          reported_on=datetime.date(2024, 6, 1))  # fmt: skip
    ProgressUpdateFactory(action=target, rating=rating("Complete"), commentary="Second",
                          reported_on=datetime.date(2024, 9, 1))  # fmt: skip
    html = page(client_for("board"), "actions:detail", "merton", target.pk)
    assert html.index("Second") < html.index("First")  # newest first
    assert target.progress_updates.count() == 2


@pytest.mark.both_databases  # text search (LIKE), whatever the case
def test_filters_live_in_the_url(client_for):
    client = client_for("staff")
    ProgressUpdateFactory(action=action("1.3"), rating=rating("Overdue"))
    html = page(client, "plans:plan", "merton", ess().pk, rating="off_track")
    assert "1.3" in html and "Hub Manager" in html
    assert "Zoe Gallen, MSCP BSU" not in html  # 1.1, 1.2 are not off track
    html = page(client, "plans:plan", "merton", ess().pk, q="FGM")
    assert "2.4" in html and "Clare" not in html
    html = page(client, "actions:list", "merton", theme=action("1.5").themes.first().pk)
    assert "VAWG" in html


@pytest.mark.both_databases  # text search (LIKE), whatever the case
def test_filter_by_lead_and_overdue(client_for):
    from plans.models import Person

    client = client_for("staff")
    keith = Person.objects.get(name="Keith Shipman")
    html = page(client, "actions:list", "merton", lead=keith.pk)
    assert "Annual CME report" in html or "4.2" in html
    assert "2.1" in html  # 2.1 of the P&P plan is led by Keith Shipman
    # Every seed action with a past due date and no update is overdue (the seeds are old).
    html = page(client, "actions:list", "merton", overdue="on")
    assert "Past due date" in html


def test_dashboard_counts_overdue_stale_and_themes(client_for):
    client = client_for("board")
    Meeting.objects.create(group=ess().group, held_on=datetime.date(2024, 10, 1))
    ProgressUpdateFactory(action=action("2.1"), rating=rating("Complete"),
                          reported_on=datetime.date(2024, 11, 1))  # fmt: skip
    html = page(client, "plans:dashboard", "merton")
    assert "Effective Safeguarding and Support Subgroup Work Plan" in html
    assert "1 complete" in html and "12 no update yet" in html
    assert "Past their due date" in html
    assert "Think Family" in html
    assert "Not updated since" in html


def test_home_lists_the_chairs_actions(client_for):
    html = page(client_for("chair"), "home")
    assert "Effective Safeguarding and Support Subgroup" in html
    assert "Actions you update or lead" in html
    assert "Promotion of Neglect Toolkit" in html  # 2.1 of the chair's group's plan
    assert "Promote and Protect" not in html.split("Actions you update or lead")[1]


def test_ratings_css_carries_the_partnerships_colours(client_for):
    response = client_for("board").get(reverse("plans:ratings_css", args=["merton"]))
    css = response.content.decode()
    assert response["Content-Type"].startswith("text/css")
    assert f".app-rag--r{rating('Overdue').pk}{{background:#d4351c;color:#ffffff}}" in css


@pytest.mark.parametrize("name", ["plans:dashboard", "actions:list"])
def test_header_names_the_partnership_not_govuk(client_for, name):
    html = page(client_for("staff"), name, "merton")
    assert "Merton Safeguarding Children Partnership" in html
    assert "GOV.UK" not in html and "crown" not in html.lower()


def test_ratings_css_is_revalidated_so_colour_changes_show_at_once(client_for):
    client = client_for("board")
    url = reverse("plans:ratings_css", args=["merton"])
    first = client.get(url)
    assert "no-cache" in first["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    RagRating.objects.filter(partnership__slug="merton", label="At risk").update(colour="#ffdd00")
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "#ffdd00" in changed.content.decode()


def test_a_deleted_step_no_longer_makes_its_lead_a_lead(client_for, personas):
    from plans.models import Person
    from plans.staff_writes import soft_delete

    ppyp_42 = Action.objects.get(outcome__plan__title__startswith="Promote", number="4.2")
    sarah = Person.objects.get(name="Sarah Bell")  # leads one report (a step) of 4.2
    sarah.user = personas["chair"]
    sarah.save()
    url = reverse("actions:update", args=["merton", ppyp_42.pk])
    client = client_for("chair")
    assert client.get(url).status_code == 200
    soft_delete(ppyp_42.steps.get(lead="Sarah Bell"))
    assert client.get(url).status_code == 403
    html = page(client, "actions:list", "merton", lead=sarah.pk)
    assert "4.2" not in html


def test_plan_page_escapes_every_text_users_wrote(client_for):
    """The plan table is built in Python (front.plan_table): nothing in it may run as markup."""
    attack = '<script>alert(1)</script>"'
    outcome = ess().outcomes.get(number="2")
    outcome.note = attack
    outcome.save()
    target = action("2.1")
    Action.objects.filter(pk=target.pk).update(
        text=attack, note=attack, lead=attack, timeframe=attack, number='2.1"><b>'
    )
    step = target.steps.first()
    type(step).objects.filter(pk=step.pk).update(
        label="<i>", text=attack, lead=attack, evidence=attack, timeframe=attack
    )
    theme = target.themes.first()
    type(theme).objects.filter(pk=theme.pk).update(short_name=attack)
    ProgressUpdateFactory(action=target, rating=rating("At risk"), commentary=attack)
    html = page(client_for("staff"), "plans:plan", "merton", ess().pk)
    assert "<script>" not in html and "<i>" not in html and '"><b>' not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;&quot;") >= 10


def test_a_plans_status_has_a_colour_of_its_own(client_for):
    """Agreed and Draft no longer share one grey (the dashboard and the plan page)."""
    html = client_for("board").get(reverse("plans:dashboard", args=["merton"])).content.decode()
    assert 'govuk-tag--green">Agreed</strong>' in html
    assert 'govuk-tag--yellow">Draft</strong>' in html


def test_a_version_that_only_repeats_the_status_is_not_shown_twice(client_for):
    """PPYP is a draft whose version label is "DRAFT": "Draft", not "Draft DRAFT"."""
    ppyp = Plan.objects.get(title__startswith="Promote and Protect")
    assert (ppyp.status, ppyp.version_label) == ("draft", "DRAFT")
    html = client_for("board").get(reverse("plans:dashboard", args=["merton"])).content.decode()
    assert "Draft</strong><br>DRAFT" not in html
    assert ppyp.version_shown == ""
