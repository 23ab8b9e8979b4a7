"""The three seed plans load completely and faithfully (fixtures/README.md has the rules)."""

import datetime
import io
import re
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command

from actions.models import Action, ProgressUpdate, Step
from actions.progress import record_progress
from ops.demo import create_demo_users
from ops.demo_activity import MARK, TITLE, add_demo_activity
from plans.models import Group, Membership, Outcome, Person, Plan, Priority, RagRating
from reporting.models import Meeting
from reporting.packs import pack_for_meeting

# On both databases (scripts/test): load_demo in one transaction, as scripts/serve runs it on
# SQLite.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def squash(text: str) -> str:
    """Text without HTML tags, bullet glyphs, quotes styles and runs of white space."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("•", " ").replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


def plan(title_start: str) -> Plan:
    return Plan.objects.get(title__startswith=title_start)


def test_counts_match_the_sources(demo):
    ess = plan("Effective Safeguarding")
    assert ess.outcomes.count() == 3
    assert Action.objects.filter(outcome__plan=ess).count() == 13

    ppyp = plan("Promote and Protect")
    assert ppyp.outcomes.count() == 6

    medway = plan("Medway")
    assert medway.priorities.count() == 5
    assert medway.outcomes.count() == 13
    assert Action.objects.filter(outcome__plan=medway).count() == 29


def test_numbering_is_kept_as_written(demo):
    ess_numbers = list(
        Action.objects.filter(outcome__plan=plan("Effective Safeguarding"))
        .in_plan_order()
        .values_list("outcome__number", "number")
    )
    assert [n for _, n in ess_numbers] == [
        *(f"1.{i}" for i in range(1, 8)),
        *(f"2.{i}" for i in range(1, 7)),
    ]
    # Actions 2.4–2.6 sit under impact 3 in the source.
    assert ("3", "2.4") in ess_numbers and ("3", "2.6") in ess_numbers

    medway = plan("Medway")
    assert list(medway.outcomes.values_list("number", flat=True)) == [
        "1.1", "1.2", "1.4", "2.1", "2.2", "3.1", "3.2", "3.3", "4.1", "4.2", "5.1", "5.2", "5.3",
    ]  # fmt: skip
    assert list(medway.priorities.values_list("title", flat=True)) == [
        "Effective Partnerships",
        "Contextual Safeguarding and trauma informed practice",
        "Domestic Abuse",
        "Neglect",
        "Effective Early Help",
    ]
    assert Action.objects.get(outcome__plan=medway, number="4.1.2").text.startswith("MSCT to")


def test_plan_details(demo):
    medway = plan("Medway")
    assert medway.version_label == "DRAFT V.7 – APRIL 2022"
    assert medway.status == Plan.Status.DRAFT
    assert medway.period == "2021 – 2023"
    assert medway.group.kind == Group.Kind.BOARD
    ess = plan("Effective Safeguarding")
    assert ess.period == "2024-25" and ess.group.short_name == "ESS"


def test_spot_checks_against_the_seed_text(demo):
    ess = plan("Effective Safeguarding")
    a15 = Action.objects.get(outcome__plan=ess, number="1.5")
    assert a15.lead == "Zoe Gallen / ESS Sub-Group"
    assert a15.timeframe == "June 2023 (session) TBC (follow-up work)"
    assert a15.timeframe_tbc and a15.due_date.isoformat() == "2023-06-30"
    assert [t.code for t in a15.themes.all()] == ["B"]
    a21 = Action.objects.get(outcome__plan=ess, number="2.1")
    assert [s.label for s in a21.steps.all()] == ["a.", "b.", "c."]
    assert Action.objects.get(outcome__plan=ess, number="1.4").due_date.isoformat() == "2024-09-30"

    medway = plan("Medway")
    a111 = Action.objects.get(outcome__plan=medway, number="1.1.1")
    first = a111.steps.first()
    assert first.timeframe == "May 2022 – In progress"
    assert first.evidence == "Launch event planned for 13 June 2022"
    assert Priority.objects.get(plan=medway, number="3").outcomes.count() == 3


def test_corrupted_source_is_cleaned_and_noted_never_invented(demo):
    ppyp = plan("Promote and Protect")
    impact3 = ppyp.outcomes.get(number="3")
    assert impact3.text == (
        "MSCP is assured on the effectiveness and quality of the work being done to "
        "safeguard adolescents at risk of neglect."
    )
    assert "not recoverable" in impact3.note
    for number in ("3.1", "3.2"):
        action = Action.objects.get(outcome=impact3, number=number)
        assert action.text == ""
        assert "not recoverable" in action.note


def test_every_transcribed_string_stands_in_its_seed():
    """Each text, lead, timeframe and evidence value occurs in the source (after removing
    extraction debris), unless its note says it was joined across a page break or cleaned."""
    checked = 0
    for path in sorted((FIXTURES / "plans").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        seed = squash((FIXTURES / "seeds" / data["source"]).read_text())
        outcomes = list(data.get("outcomes", []))
        for priority in data.get("priorities", []):
            assert squash(priority["title"]) in seed
            outcomes += priority["outcomes"]
        for outcome in outcomes:
            items = [(outcome, ["text"], "")]
            for action in outcome.get("actions", []):
                note = action.get("note") or ""
                items.append((action, ["text", "lead", "timeframe", "outcome_measures"], ""))
                step_keys = ["text", "lead", "timeframe", "evidence"]
                items += [(step, step_keys, note) for step in action.get("steps", [])]
            for item, keys, parent_note in items:
                note = f"{item.get('note') or ''} {parent_note}".casefold()
                if "page" in note or "join" in note:
                    continue
                for key in keys:
                    for line in (item.get(key) or "").splitlines():
                        assert squash(line) in seed, f"{path.name}: {key} {line!r}"
                        checked += 1
    assert checked > 300


@pytest.mark.parametrize(
    "name, organisation",
    [("Keith Shipman", "LB Merton"), ("Margaret Mansfield", "NHS"), ("Zoe Gallen", "MSCP BSU")],
)
def test_leads_link_to_people_and_their_organisations(demo, name, organisation):
    person = Person.objects.get(partnership__slug="merton", name=name)
    assert person.organisation.name == organisation


def test_leads_link_to_groups_even_when_run_together(demo):
    medway = plan("Medway")
    action = Action.objects.get(outcome__plan=medway, number="1.1.8")
    assert {g.short_name for g in action.lead_groups.all()} == {"Executive", "PMQA"}
    # "Full Sub-Group" is the plan's owning group.
    ess_action = Action.objects.get(outcome__plan=plan("Effective"), number="2.5")
    assert list(ess_action.lead_groups.values_list("short_name", flat=True)) == ["ESS"]
    # People leading a step are found through the step.
    assert Step.objects.filter(lead_people__name="Keith Shipman").exists()


def test_loading_twice_replaces_rather_than_duplicates(demo):
    from ops.demo import load_demo

    load_demo()
    assert Plan.objects.count() == 3
    assert Outcome.objects.count() == 3 + 6 + 13
    assert Group.objects.filter(partnership__slug="medway", short_name="PMQA").count() == 1


def test_the_demo_sign_ins_have_their_roles_and_the_lead_is_named_in_the_plans(demo):
    out = io.StringIO()
    call_command("load_demo", "--with-users", "--password", "demo-password-long", stdout=out)
    printed = out.getvalue()
    for username in ["staff", "chair", "lead", "board", "medway", "admin"]:
        assert f"  {username} " in printed
        user = get_user_model().objects.get(username=username)
        assert user.check_password("demo-password-long"), username
    assert "Lead named in the plans as Zoe Gallen" in printed
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {
        "staff": "staff", "chair": "chair", "lead": "chair", "board": "board", "medway": "staff"
    }  # fmt: skip
    zoe = Person.objects.get(partnership__slug="merton", name="Zoe Gallen")
    assert zoe.user.username == "lead" and zoe.user.email == "lead@example.org"
    # The lead's update waits for the ESS chair, who can accept it.
    action = Action.objects.get(outcome__plan__group__short_name="ESS", number="1.1")
    update = record_progress(
        action=action,
        rating=RagRating.objects.get(partnership__slug="merton", label="On track"),
        commentary="Relaunched",
        author=zoe.user,
    )
    assert update.status == ProgressUpdate.Status.SUBMITTED


def test_illustrative_activity_shows_the_cycle_and_says_it_is_made_up(demo, db):
    """load_demo --with-activity: past and coming meetings, updates before each (some worse,
    one returned by the chair), all marked, the plans' own text untouched; run again, no more."""
    create_demo_users("not-a-real-password")
    today = datetime.date(2026, 12, 7)
    added = add_demo_activity(today)
    assert added > 20
    meetings = list(Meeting.objects.filter(title=TITLE).order_by("held_on"))
    assert [m.held_on < today for m in meetings] == [True, True, False]
    updates = ProgressUpdate.objects.filter(commentary__startswith=MARK)
    assert updates.count() == added
    assert updates.filter(status=ProgressUpdate.Status.RETURNED).count() == 1
    assert not Action.objects.filter(text__contains=MARK).exists()
    pack = pack_for_meeting(meetings[1])
    assert any("down" in change for line in pack.lines for change in line.changes)
    # And since the last meeting: the coming meeting's pack, and the dashboard, show changes.
    coming = pack_for_meeting(meetings[2])
    changed = [set(line.changes) for line in coming.changed]
    assert any("down" in c for c in changed) and any("up" in c for c in changed)
    assert add_demo_activity(today) == 0
