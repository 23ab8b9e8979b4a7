"""Plans of every shape, as written: actions straight under their priorities (no outcome
level), an overarching priority, core activities, outcome measures, commentary without a
rating, and a plan whose period has ended. The test plan is made up for these tests.

Each is imported as a new user would (upload, preview, confirm), then seen on the plan page,
in the PDF (its text read back with pypdf) and in the Excel pack."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.utils import timezone
from pypdf import PdfReader

from actions.models import Action, ProgressUpdate
from plans.levels import level_name, with_article
from plans.models import Outcome, Plan, Priority
from reporting.excel import render_pack_xlsx
from reporting.pack_files import plan_pack
from reporting.pack_pdf import render_pack_pdf
from reporting.plan_sheet import COLUMNS
from tests.helpers import form_data, rating, url
from tests.test_imports import HEADER, new_plan_fields, preview_and_confirm, upload, xlsx

pytestmark = pytest.mark.django_db

PACK_SHEETS = ["Summary", "Exceptions", "Changes", "Themes", "Ratings"]


def row(**cells) -> list[str]:
    """A row of the import template with its optional Rating and Commentary columns."""
    keys = [column.key for column in COLUMNS] + ["rating", "commentary"]
    return [cells.get(key, "") for key in keys]


# A made-up plan in the shape of one of the real ones: an overarching priority above two
# strategic priorities, whose actions sit straight under them, measures in their own column,
# and progress given as commentary only (an older plan's way).
SHAPED_PLAN = [
    row(priority_number="Overarching", priority="Every child in Riverton grows up safe",
        action_number="0.1", action="Publish the annual report", lead="Partnership manager",
        timeframe="September 2026"),
    row(priority_number="1", priority="Early help reaches families sooner",
        action_number="1.1", action="Map the early help offer", lead="Early Help Lead",
        timeframe="June 2026",
        outcome_measures="• More families offered early help\n• Fewer repeat referrals",
        commentary="Mapping started with schools."),
    row(priority_number="1", action_number="1.2", action="Train the school nurses",
        lead="Designated Nurse", timeframe="Ongoing", rating="On track",
        commentary="Two sessions held."),
    row(priority_number="2", priority="Children's voices shape services",
        action_number="2.1", action="Run the young inspectors scheme", lead="Youth Council",
        timeframe="March 2027", outcome_measures="Ten services inspected by young people"),
]  # fmt: skip


def import_shaped_plan(client, **fields) -> Plan:
    fields = {"mode": "new", "title": "Riverton Children's Plan", "period": "2026-27", **fields}
    content = xlsx(SHAPED_PLAN, header=[*HEADER, "Rating", "Commentary"])
    preview_and_confirm(client, upload(client, content, **new_plan_fields(**fields)))
    plan = Plan.objects.get(title="Riverton Children's Plan")
    plan.priority_label = "Strategic priority"
    plan.save()
    return plan


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def shaped(client_for):
    client = client_for("staff")
    return client, import_shaped_plan(client)


def test_a_plan_without_outcomes_imports_with_nothing_invented(shaped):
    _, plan = shaped
    assert (plan.has_priorities, plan.has_outcomes) == (True, False)
    priorities = list(plan.priorities.live())
    assert [(p.number, p.overarching) for p in priorities] == [("", True), ("1", False),
                                                               ("2", False)]  # fmt: skip
    # One unstated outcome per priority holds its actions: no number, no words.
    outcomes = list(plan.outcomes.live())
    assert len(outcomes) == 3
    assert all(not o.number and not o.text for o in outcomes)
    actions = Action.objects.filter(outcome__plan=plan).order_by("number")
    assert [a.number for a in actions] == ["0.1", "1.1", "1.2", "2.1"]
    assert actions.get(number="1.1").outcome.priority.number == "1"


def test_commentary_without_a_rating_imports_and_keeps_the_rating(shaped):
    _, plan = shaped
    only = ProgressUpdate.objects.get(action__outcome__plan=plan, action__number="1.1")
    assert (only.rating, only.rating_kept, only.commentary) == (
        None,
        True,
        "Mapping started with schools.",
    )
    rated = ProgressUpdate.objects.get(action__outcome__plan=plan, action__number="1.2")
    assert (rated.rating.label, rated.rating_kept) == ("On track", False)


def test_the_plan_page_uses_the_plans_own_levels(shaped):
    client, plan = shaped
    html = client.get(url("plans:plan", plan.pk)).content.decode()
    assert "Overarching strategic priority: Every child in Riverton grows up safe" in html
    assert "Add a strategic priority" in html
    assert "Add a priority<" not in html and "Add an outcome" not in html
    # No outcome column, and no "(continued)": the actions sit under their priorities.
    assert "Outcome – what will success look like?" not in html
    assert "(continued)" not in html
    # Each priority offers to add an action straight under it.
    priority = plan.priorities.get(number="2")
    assert url("actions:create_in_priority", priority.pk) in html
    # Measures are a column, one line per measure.
    assert "How we will know" in html
    assert "More families offered early help<br>Fewer repeat referrals" in html


def test_an_action_added_under_a_priority_shares_its_unstated_outcome(shaped):
    client, plan = shaped
    priority = plan.priorities.get(number="2")
    holder = Outcome.objects.get(priority=priority)
    for number in ["2.2", "2.3"]:
        response = client.post(
            url("actions:create_in_priority", priority.pk),
            {"number": number, "text": f"Action {number}", "timeframe": "May 2026"},
        )
        assert response.status_code == 302
    assert Outcome.objects.filter(priority=priority).count() == 1
    assert holder.actions.filter(number__in=["2.2", "2.3"]).count() == 2


def test_a_priority_added_to_a_plan_without_outcomes_gets_actions_under_it(shaped):
    client, plan = shaped
    client.post(url("plans:priority_create", plan.pk), {"number": "3", "title": "New"})
    priority = plan.priorities.get(number="3")
    html = client.get(url("plans:plan", plan.pk)).content.decode()
    assert "No actions yet." in html
    response = client.post(
        url("actions:create_in_priority", priority.pk), {"number": "3.1", "text": "First"}
    )
    assert response.status_code == 302
    assert Action.objects.get(outcome__plan=plan, number="3.1").outcome.priority == priority


def test_core_activities_are_listed_before_the_priorities(shaped):
    client, plan = shaped
    response = client.post(
        url("actions:core_create", plan.pk),
        {"text": "Quarterly multi-agency audit", "lead": "Audit subgroup", "timeframe": "Ongoing"},
    )
    assert response.status_code == 302
    core = Action.objects.get(text="Quarterly multi-agency audit")
    assert core.kind == Action.Kind.CORE_ACTIVITY
    html = client.get(url("plans:plan", plan.pk)).content.decode()
    assert html.index("Core activities") < html.index("Overarching strategic priority")
    # An import of the plan's sheet (which holds no core activities) leaves them be.
    from reporting.plan_export import plan_workbook

    content = plan_workbook(plan)
    preview_and_confirm(
        client, upload(client, content, mode="replace", plan=plan.pk)
    )  # fmt: skip
    core.refresh_from_db()
    assert core.deleted_at is None


def test_a_level_with_something_in_it_cannot_be_switched_off(client_for):
    client = client_for("staff")
    plan = Plan.objects.get(title__startswith="Effective Safeguarding")
    data = form_data(client.get(url("plans:plan_edit", plan.pk)))
    data.pop("has_outcomes")
    response = client.post(url("plans:plan_edit", plan.pk), data)
    assert response.status_code == 200
    assert "with words or numbers: delete them first, or keep this ticked" in (
        response.content.decode()
    )
    plan.refresh_from_db()
    assert plan.has_outcomes


def test_the_pdf_reads_like_the_plan(shaped):
    client, plan = shaped
    client.post(
        url("actions:core_create", plan.pk),
        {"text": "Quarterly multi-agency audit", "lead": "Audit subgroup"},
    )
    plan.introduction = "This plan sets out how partners will keep Riverton's children safe."
    plan.notes = "Reviewed by the board each quarter."
    plan.issued_under = "Riverton Local Safeguarding Children Board"
    plan.note = "Transcribed from the 2026 Word file."
    plan.save()
    pack, _ = plan_pack(plan, timezone.localdate())
    text = squeeze(pdf_text(render_pack_pdf(pack)))
    for words in [
        "Overarching strategic priority: Every child in Riverton grows up safe",
        "Strategic priority 1: Early help reaches families sooner",
        "This plan sets out how partners will keep Riverton's children safe.",
        "Reviewed by the board each quarter.",
        "Core activities",
        "Quarterly multi-agency audit",
        "How we will know",
        "More families offered early help",
        "Mapping started with schools.",
        "Issued by Riverton Local Safeguarding Children Board",
    ]:
        assert squeeze(words) in text, words
    assert "(continued)" not in text
    # Ratings by priority add up: the core activities have their own row.
    assert squeeze("Core activities Riverton Children's Plan 2026-27") in text
    assert squeeze("Transcribed from the 2026 Word file.") not in text  # for staff only
    assert squeeze("Riverton Children's Plan 2026-27 2026-27") not in text


def test_the_excel_pack_has_a_sheet_named_after_the_plan_with_its_measures(shaped):
    _, plan = shaped
    pack, _ = plan_pack(plan, dt.date(2026, 12, 1))
    book = openpyxl.load_workbook(io.BytesIO(render_pack_xlsx(pack)))
    # A sheet's name holds 31 characters: the title is cut at a word, the period kept.
    assert book.sheetnames == [*PACK_SHEETS, "Riverton Children's 2026-27"]
    sheet = book["Riverton Children's 2026-27"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][-1] == "How we will know (outcome measures)"
    by_number = {r[2]: r for r in rows[1:]}
    assert by_number["1.1"][-1] == "More families offered early help\nFewer repeat referrals"
    assert by_number["0.1"][0] == "Overarching: Every child in Riverton grows up safe"
    assert by_number["1.1"][1] in (None, "")  # no invented outcome


def test_a_plan_whose_period_ended_is_rated_as_at_its_end(demo, db):
    """PPYP 2021-22 ended on 31 March 2022. Rated "as at" today with nothing since, it is
    closed: rated as at its end, so nothing is "newly overdue" years later."""
    ppyp = Plan.objects.get(title__startswith="Promote and Protect")
    action = Action.objects.filter(outcome__plan=ppyp).exclude(due_date=None).first()
    ProgressUpdate.objects.create(
        action=action,
        rating=rating("On track"),
        commentary="Going well",
        reported_on=dt.date(2022, 3, 1),
    )
    pack, _ = plan_pack(ppyp, dt.date(2026, 12, 1))
    part = pack.plans[0]
    assert (part.closed, part.as_at) == (True, dt.date(2022, 3, 31))
    text = squeeze(pdf_text(render_pack_pdf(pack)))
    assert squeeze("rated as at 31 March 2022 (closed: its period ended)") in text
    # An update given after the end (the plan ran on) opens it again: rated as at the day.
    ProgressUpdate.objects.create(
        action=action,
        rating=rating("On track"),
        commentary="Still going",
        reported_on=timezone.localdate(),
    )
    today = timezone.localdate()
    pack, _ = plan_pack(ppyp, today)
    assert (pack.plans[0].closed, pack.plans[0].as_at) == (False, today)


def test_a_commentary_only_update_keeps_the_rating_and_says_so(client_for):
    client = client_for("staff")
    action = Action.objects.get(
        outcome__plan__title__startswith="Effective Safeguarding", number="2.1"
    )
    ProgressUpdate.objects.create(action=action, rating=rating("Overdue"), commentary="Late")
    response = client.post(
        url("actions:update", action.pk),
        {
            "rating": "keep",
            "commentary": "Waiting for the new manager.",
            "reported_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    update = ProgressUpdate.objects.filter(action=action).latest("pk")
    assert (update.rating.label, update.rating_kept) == ("Overdue", True)
    html = client.get(url("actions:detail", action.pk)).content.decode()
    assert "Kept: commentary only" in html
    # A form without a choice asks for one, in words.
    response = client.post(url("actions:update", action.pk), {"commentary": "Hmm"})
    assert "Choose a rating, or keep the rating as it is" in response.content.decode()


@pytest.mark.parametrize(
    "label, default, name",
    [
        ("Impact – what will success look like?", "outcome", "impact"),
        (
            "Identified improvement area / desired outcome: What do we intend to achieve?",
            "outcome",
            "identified improvement area / desired outcome",
        ),
        ("Priority objective", "priority", "priority objective"),
        ("Strategic priority", "priority", "strategic priority"),
        ("", "priority", "priority"),
        ("MSCP objective", "priority", "MSCP objective"),
        ("Action – what we will do to achieve this", "action", "action"),
    ],
)
def test_level_names_from_the_plans_headings(label, default, name):
    assert level_name(label, default) == name


def test_articles():
    assert with_article("impact") == "an impact"
    assert with_article("strategic priority") == "a strategic priority"
    assert Priority(title="x").overarching is False


# The Narrative sheet ----------------------------------------------------------------------

NARRATIVE_HEADER = ["Part", "Text", "Lead", "Timeframe", "Rating", "Commentary"]
NARRATIVE = [
    ["Introduction", "How partners keep Riverton's children safe.", "", "", "", ""],
    ["Notes", "Reviewed quarterly.", "", "", "", ""],
    ["Appendices", "A. Glossary", "", "", "", ""],
    ["Core activity", "Multi-agency case audit", "Audit subgroup", "Quarterly", "On track",
     "Two audits done."],
    ["Core activity", "Learning from reviews", "Learning subgroup", "Ongoing", "",
     "Briefing being written."],
]  # fmt: skip


def with_narrative(rows, narrative=NARRATIVE) -> bytes:
    header = [*HEADER, "Rating", "Commentary"]
    return xlsx(rows, header=header, more_sheets={"Narrative": [NARRATIVE_HEADER, *narrative]})


def test_the_narrative_sheet_brings_the_plans_texts_and_core_activities(client_for):
    client = client_for("staff")
    fields = new_plan_fields(title="Riverton Children's Plan", period="2026-27")
    preview, _ = preview_and_confirm(client, upload(client, with_narrative(SHAPED_PLAN), **fields))
    summary = " ".join(preview.context["summary"])
    assert "3 new parts of the narrative" in summary and "2 new core activities" in summary
    plan = Plan.objects.get(title="Riverton Children's Plan")
    assert (plan.introduction, plan.notes, plan.appendices) == (
        "How partners keep Riverton's children safe.",
        "Reviewed quarterly.",
        "A. Glossary",
    )
    core = Action.objects.filter(outcome__plan=plan, kind=Action.Kind.CORE_ACTIVITY)
    assert [(a.text, a.lead, a.timeframe) for a in core.order_by("position")] == [
        ("Multi-agency case audit", "Audit subgroup", "Quarterly"),
        ("Learning from reviews", "Learning subgroup", "Ongoing"),
    ]
    updates = ProgressUpdate.objects.filter(action__in=core).order_by("action__position")
    assert [(u.rating and u.rating.label, u.rating_kept) for u in updates] == [
        ("On track", False),
        (None, True),
    ]
    # Its own export, imported again, changes nothing: narrative, core activities, and the
    # actions straight under their priorities (their unstated outcomes matched, not remade).
    from reporting.plan_export import plan_workbook

    response = upload(client, plan_workbook(plan), mode="replace", plan=plan.pk)
    preview = client.get(response["Location"])
    assert preview.context["changes"] == []
    # A core activity left out of the sheet is deleted, after the preview says so.
    narrative = [row for row in NARRATIVE if row[1] != "Learning from reviews"]
    response = upload(client, with_narrative(SHAPED_PLAN, narrative), mode="replace", plan=plan.pk)
    preview, _ = preview_and_confirm(client, response)
    assert "1 deleted core activity" in " ".join(preview.context["summary"])
    assert core.live().count() == 1


def test_a_narrative_sheets_mistakes_are_named_with_their_sheet(client_for):
    client = client_for("staff")
    narrative = [
        ["Foreword", "Hello", "", "", "", ""],
        ["Core activity", "Audit", "", "", "Purple", "x"],
        ["Core activity", "", "Someone", "", "", ""],
        ["Notes", "One", "", "", "", ""],
        ["Notes", "Two", "", "", "", ""],
    ]
    response = upload(client, with_narrative(SHAPED_PLAN, narrative), **new_plan_fields())
    assert response.status_code == 200
    found = list(response.context["form"].problems)
    assert "Row 2, Part (Narrative sheet): 'Foreword' is not a part of a plan's narrative: " \
           "write Introduction, Notes, Appendices or Core activity" in found  # fmt: skip
    assert any(line.startswith("Row 3, Rating (Narrative sheet): there is no rating 'Purple'")
               for line in found)  # fmt: skip
    assert "Row 4, Text (Narrative sheet): write what the core activity is" in found
    assert "Row 6, Part (Narrative sheet): Notes appears twice: write it once" in found
    assert not Plan.objects.filter(title="Imported plan").exists()


def test_no_list_in_the_pack_cuts_an_actions_words(shaped):
    """The exception report and the not-updated list print an action's whole text: a
    board member reads it there, not "…"."""
    _, plan = shaped
    action = Action.objects.get(outcome__plan=plan, number="1.2")
    action.text = " ".join(["Train every school nurse in the borough in the new pathway"] * 6)
    action.save()
    ProgressUpdate.objects.create(action=action, rating=rating("Overdue"), commentary="Late")
    pack, _ = plan_pack(plan, timezone.localdate())
    text = squeeze(pdf_text(render_pack_pdf(pack)))
    assert text.count(squeeze(action.text)) >= 2  # the plan's table and the exception report
    assert "…" not in text


# A measure's latest figure or evidence ------------------------------------------------------

UPDATE_OWN_GROUP = {"staff": 200, "chair": 200, "board": 403, "outsider": 404, "anonymous": 302}


def measured_action(client_for):
    plan = import_shaped_plan(client_for("staff"))
    return Action.objects.get(outcome__plan=plan, number="1.1")


@pytest.mark.parametrize("persona", ["staff", "chair", "board", "outsider", "anonymous"])
def test_those_who_update_an_action_give_its_measures_values(client_for, persona):
    action = measured_action(client_for)
    response = client_for(persona).get(url("actions:measure_value", action.pk))
    assert response.status_code == UPDATE_OWN_GROUP[persona]


def test_a_measures_latest_value_shows_on_the_pages_and_in_the_packs(client_for):
    action = measured_action(client_for)
    chair = client_for("chair")
    today = timezone.localdate()
    response = chair.post(
        url("actions:measure_value", action.pk),
        {"measure": "Fewer repeat referrals", "value": "Down 12% on last year",
         "given_on": today.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    detail = chair.get(url("actions:detail", action.pk)).content.decode()
    assert 'Fewer repeat referrals<br><span class="app-meta">Latest: Down 12% on last year' in (
        detail
    )
    page = chair.get(url("plans:plan", action.outcome.plan_id)).content.decode()
    assert "Latest: Down 12% on last year" in page
    pack, _ = plan_pack(action.outcome.plan, today)
    text = squeeze(pdf_text(render_pack_pdf(pack)))
    assert squeeze("Fewer repeat referrals Latest: Down 12% on last year") in text
    # A pack as at an earlier day does not show a value given since.
    earlier, _ = plan_pack(action.outcome.plan, today - dt.timedelta(days=1))
    assert "Down 12%" not in pdf_text(render_pack_pdf(earlier))
    # The form asks for each part in words, and keeps what was typed.
    response = chair.post(url("actions:measure_value", action.pk), {"value": "Kept"})
    html = response.content.decode()
    assert "Choose the measure" in html and "Kept" in html


def test_rolling_forward_keeps_the_plans_shape(client_for):
    """A plan without outcomes, with an overarching priority and a core activity, rolled
    forward: the new plan has the same levels, and the core activity stays one."""
    from django.contrib.auth import get_user_model

    from actions.roll_forward import roll_forward
    from tests.shaped_plan import make_shaped_plan

    plan = make_shaped_plan(Plan.objects.get(title__startswith="Effective").group)
    ids = list(Action.objects.filter(outcome__plan=plan).values_list("pk", flat=True))
    user = get_user_model().objects.first()
    new = roll_forward(
        plan=plan, title="Riverton 2027-28", period="2027-28", action_ids=ids, renumber=False,
        user=user,
    )  # fmt: skip
    assert (new.has_priorities, new.has_outcomes, new.priority_label) == (
        True,
        False,
        "Strategic priority",
    )
    assert new.priorities.get(overarching=True).title == "Every child in Riverton grows up safe"
    core = Action.objects.get(outcome__plan=new, kind=Action.Kind.CORE_ACTIVITY)
    assert core.text == "Quarterly multi-agency case audit"
    assert new.notes == "Reviewed by the board each quarter."


def test_the_preview_of_a_plan_without_outcomes_lists_no_outcomes(client_for):
    """The unstated outcomes that hold actions under their priorities are no line of the
    preview: its lines are the priorities and actions the file holds."""
    client = client_for("staff")
    content = xlsx(SHAPED_PLAN, header=[*HEADER, "Rating", "Commentary"])
    response = upload(client, content, **new_plan_fields(title="Riverton", period="2026-27"))
    preview = client.get(response["Location"])
    assert not [c for c in preview.context["changes"] if "outcome" in c["what"]]
    assert preview.context["summary"][:2] == ["3 new priorities", "4 new actions"]
