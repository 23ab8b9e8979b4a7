"""By agency: which actions each agency leads or shares (actions.agencies), the pages, and
the agency's Excel and PDF report (reporting.agency_reports)."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from actions.agencies import (
    AgencyRole,
    agency_actions,
    agency_role,
    agency_roles,
    agency_summaries,
)
from actions.models import Action, Step
from plans.audit_models import AuditEvent
from plans.models import Organisation, Person, RagRating
from reporting.models import StoredPack
from tests.factories import (
    ActionFactory,
    GroupFactory,
    OutcomeFactory,
    PartnershipFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RagRatingFactory,
    StepFactory,
)
from tests.helpers import NOWHERE, PERSONAS, READ, url

D = dt.date.fromisoformat
LEADS, SHARES = AgencyRole.LEADS, AgencyRole.SHARES


# --- The rule, on plain data ----------------------------------------------------------------


@pytest.mark.parametrize(
    "own, in_steps, role",
    [
        ({1}, set(), LEADS),  # named alone
        ({1}, {1}, LEADS),
        ({1}, {2}, LEADS),  # another agency leads a part: the action is still its own
        ({1, 2}, set(), SHARES),  # named among other agencies
        ({2}, {1}, SHARES),  # leads a step of another agency's action
        (set(), {1}, SHARES),  # leads a step of an action with no agency of its own
        (set(), {1, 2}, SHARES),
        ({2}, set(), None),
        ({2}, {3}, None),
        (set(), set(), None),
    ],
)
def test_agency_role(own, in_steps, role):
    assert agency_role(1, own, in_steps) == role


def test_agency_roles_names_every_agency_once():
    assert agency_roles({1}, {1, 2}) == {1: LEADS, 2: SHARES}
    assert agency_roles({1, 2}, {3}) == {1: SHARES, 2: SHARES, 3: SHARES}
    assert agency_roles(set(), set()) == {}


# --- On the demo data -----------------------------------------------------------------------


def agency(name, slug="merton"):
    return Organisation.objects.get(partnership__slug=slug, name=name)


def roles_of(agency):
    return {
        (row.plan.group.short_name, row.action.number, row.role) for row in agency_actions(agency)
    }


def test_demo_agencies(personas):
    assert roles_of(agency("LB Merton")) == {
        # "Keith Shipman (LB Merton)/Young Inspectors": the Young Inspectors are no agency.
        ("PPYP", "1.1", LEADS),
        ("PPYP", "1.2", LEADS),
        ("PPYP", "", LEADS),  # unnumbered in the source
        ("PPYP", "2.1", LEADS),
        ("PPYP", "2.2", LEADS),
        ("PPYP", "2.3", LEADS),
        # "John Walsh/James Dickson Leach": John Walsh is LB Merton's; the other, no agency's.
        ("PPYP", "4.1", LEADS),
        # Led by the subgroup; Keith Shipman (LB Merton) leads one of its reports.
        ("PPYP", "4.2", SHARES),
    }
    assert roles_of(agency("NHS")) == {
        ("PPYP", "1.5", LEADS),
        ("PPYP", "3.1", LEADS),
        ("PPYP", "3.2", LEADS),
        ("PPYP", "4.2", SHARES),
    }
    # "Zoe Gallen, MSCP BSU" and "Zoe Gallen / ESS Sub-Group": the subgroup is no agency.
    assert roles_of(agency("MSCP BSU")) == {
        ("ESS", "1.1", LEADS),
        ("ESS", "1.2", LEADS),
        ("ESS", "1.3", LEADS),
        ("ESS", "1.5", LEADS),
    }
    assert roles_of(agency("police")) == {("PPYP", "4.2", SHARES)}


def test_demo_summaries(personas):
    summaries = {s.agency.name: s for s in agency_summaries(agency("NHS").partnership)}
    assert {name: (s.leads, s.shares) for name, s in summaries.items()} == {
        "LB Merton": (7, 1),
        "MSCP BSU": (4, 0),
        "NHS": (3, 1),
        "police": (0, 1),
    }
    assert summaries["NHS"].counts == {None: 4}  # no update yet


def test_steps_it_leads_are_named(personas):
    row = next(r for r in agency_actions(agency("police")))
    assert [step.lead for step in row.steps] == ["John/police"]


# --- On factories ---------------------------------------------------------------------------


@pytest.fixture
def small(db):
    """Agencies A and B of one partnership, and actions naming them in each way."""
    partnership = PartnershipFactory()
    group = GroupFactory(partnership=partnership)
    plan = PlanFactory(group=group)
    outcome = OutcomeFactory(plan=plan)
    a = Organisation.objects.create(partnership=partnership, name="Agency A")
    b = Organisation.objects.create(partnership=partnership, name="Agency B")
    person_a = Person.objects.create(partnership=partnership, name="Ann", organisation=a)
    nobody = Person.objects.create(partnership=partnership, name="Nobody")
    actions = {}

    def make(number, *, orgs=(), people=(), groups=(), **fields):
        action = ActionFactory(outcome=outcome, number=number, **fields)
        action.lead_organisations.set(orgs)
        action.lead_people.set(people)
        action.lead_groups.set(groups)
        actions[number] = action
        return action

    make("1", orgs=[a])  # A alone
    make("2", people=[person_a])  # A, through its person
    make("3", people=[person_a, nobody], groups=[group])  # still A alone: no other agency
    make("4", people=[person_a], orgs=[b])  # A and B
    step_led = make("5", orgs=[b])  # B's, with a step of A's
    StepFactory(action=step_led).lead_organisations.set([a])
    no_agency = make("6", groups=[group])  # no agency; A leads a step
    StepFactory(action=no_agency).lead_people.set([person_a])
    deleted = make("7", orgs=[a])
    deleted.deleted_at = timezone.now()
    deleted.save()
    old_step = make("8", orgs=[b])  # A led a step since deleted
    step = StepFactory(action=old_step, deleted_at=timezone.now())
    step.lead_organisations.set([a])
    gone = PlanFactory(group=group, deleted_at=timezone.now())
    ActionFactory(outcome=OutcomeFactory(plan=gone)).lead_organisations.set([a])
    return {"a": a, "b": b, "actions": actions, "partnership": partnership, "group": group}


def numbers(agency):
    return {row.action.number: row.role for row in agency_actions(agency)}


def test_classification_on_factories(small):
    assert numbers(small["a"]) == {
        "1": LEADS,
        "2": LEADS,
        "3": LEADS,
        "4": SHARES,
        "5": SHARES,
        "6": SHARES,
    }
    assert numbers(small["b"]) == {"4": SHARES, "5": LEADS, "8": LEADS}
    summaries = {s.agency.name: (s.leads, s.shares) for s in agency_summaries(small["partnership"])}
    assert summaries == {"Agency A": (3, 3), "Agency B": (2, 1)}


def test_a_person_given_an_agency_later_counts(small):
    latecomer = Person.objects.create(partnership=small["partnership"], name="Late")
    action = ActionFactory(outcome=small["actions"]["1"].outcome, number="9")
    action.lead_people.set([latecomer])
    assert "9" not in numbers(small["b"])
    latecomer.organisation = small["b"]
    latecomer.save()
    assert numbers(small["b"])["9"] == LEADS


def test_ratings_and_commentary_are_current(small):
    partnership = small["partnership"]
    on_track = RagRatingFactory(partnership=partnership, scale="on_track", label="Amber")
    done = RagRatingFactory(partnership=partnership, scale="complete", label="Green")
    action = small["actions"]["1"]
    ProgressUpdateFactory(action=action, rating=on_track, reported_on=D("2024-06-01"))
    ProgressUpdateFactory(
        action=action, rating=done, reported_on=D("2024-09-01"), commentary="All done"
    )
    row = next(r for r in agency_actions(small["a"]) if r.action.number == "1")
    assert (row.action.current_rating, row.action.current_commentary) == (done, "All done")
    summary = next(s for s in agency_summaries(partnership) if s.agency == small["a"])
    assert summary.counts == {"complete": 1, None: 5}


@pytest.mark.both_databases  # query counts
def test_query_counts_do_not_grow(small):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(function, *args):
        with CaptureQueriesContext(connection) as captured:
            function(*args)
        return len(captured)

    before = (count(agency_actions, small["a"]), count(agency_summaries, small["partnership"]))
    outcome = small["actions"]["1"].outcome
    for i in range(20):
        action = ActionFactory(outcome=outcome, number=f"10.{i}")
        action.lead_organisations.set([small["a"], small["b"]])
        StepFactory(action=action).lead_organisations.set([small["b"]])
        action.themes.set([])
    after = (count(agency_actions, small["a"]), count(agency_summaries, small["partnership"]))
    assert before == after
    assert before[0] <= 8 and before[1] <= 6


# --- The pages ------------------------------------------------------------------------------


def report_url(agency, fmt, slug="merton", **query):
    address = url("actions:agency_report", agency.pk, fmt, slug=slug)
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.usefixtures("stub_pdf_render")  # who may have the PDF; test_pdf_report reads one
def test_agency_pages_for_each_persona(client_for, persona):
    client = client_for(persona)
    medway = agency("Medway Children's Services", "medway")
    lbm = agency("LB Merton")
    for address, expected in [
        (url("actions:agencies"), READ),
        (url("actions:agency", lbm.pk), READ),
        (report_url(lbm, "xlsx"), READ),
        # The PDF is made by the worker: members are sent to the page that waits for it.
        (report_url(lbm, "pdf"), {**READ, "staff": 302, "chair": 302, "board": 302}),
        # Another partnership's agency through this partnership's address: never found.
        (url("actions:agency", medway.pk), NOWHERE),
        (report_url(medway, "xlsx"), NOWHERE),
        (report_url(medway, "pdf"), NOWHERE),
        (url("actions:agencies", slug="medway"), {**NOWHERE, "outsider": 200}),
    ]:
        response = client.get(address)
        assert response.status_code == expected[persona], (persona, address)
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("login"))
        elif response.status_code == 302:
            assert response["Location"].startswith("/merton/packs/")
    if persona != "anonymous":
        assert client.post(url("actions:agencies")).status_code == 405


def test_the_list_page(client_for):
    response = client_for("board").get(url("actions:agencies"))
    html = response.content.decode()
    lbm = agency("LB Merton")
    assert f'href="{url("actions:agency", lbm.pk)}">LB Merton</a>' in html
    assert [(s.agency.name, s.leads, s.shares) for s in response.context["summaries"]] == [
        ("LB Merton", 7, 1),
        ("MSCP BSU", 4, 0),
        ("NHS", 3, 1),
        ("police", 0, 1),
    ]
    assert "No update yet" in html and "Off track" in html
    # The dashboard links here.
    dashboard = client_for("chair").get(url("plans:dashboard")).content.decode()
    assert f'href="{url("actions:agencies")}">By agency</a>' in dashboard


def rate(number, label, day, *, plan="Promote", commentary="", created=None):
    action = Action.objects.get(outcome__plan__title__startswith=plan, number=number)
    return ProgressUpdateFactory(
        action=action,
        rating=RagRating.objects.get(partnership__slug="merton", label=label),
        reported_on=D(day),
        created_at=created or timezone.make_aware(dt.datetime.fromisoformat(day)),
        commentary=commentary or f"{number} is {label.lower()}",
    )


@pytest.fixture
def rated(personas):
    """LB Merton's 1.1 on track in September 2024, then complete in April 2025 (after the
    year end); 2.1 at risk, with commentary a spreadsheet would take for a formula."""
    rate("1.1", "On track", "2024-09-01", commentary="Young Inspectors recruited")
    rate("1.1", "Complete", "2025-04-10", commentary="Visits done")
    rate("2.1", "At risk", "2024-10-01", commentary='=HYPERLINK("http://evil.example","x")')
    return agency("LB Merton")


def test_the_agency_page(client_for, rated):
    response = client_for("chair").get(url("actions:agency", rated.pk))
    html = response.content.decode()
    assert "LB Merton leads 7 actions and shares 1 across MSCP’s plans" in html
    assert [plan.title[:8] for plan, rows in response.context["plans"]] == ["Promote "]
    ratings = {r.label: r for r in RagRating.objects.filter(partnership__slug="merton")}
    assert f'<strong class="app-rag app-rag--r{ratings["Complete"].pk}">Complete</strong>' in html
    assert f'<strong class="app-rag app-rag--r{ratings["At risk"].pk}">At risk</strong>' in html
    assert "Visits done" in html and "No update yet" in html
    assert "leads step" in html  # 4.2: it shares through a step
    assert report_url(rated, "xlsx") in html and report_url(rated, "pdf") in html


def test_page_queries_are_bounded(client_for, rated, django_assert_max_num_queries):
    client = client_for("staff")
    with django_assert_max_num_queries(16):
        assert client.get(url("actions:agency", rated.pk)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("actions:agencies")).status_code == 200


def xlsx(client, agency, **query):
    response = client.get(report_url(agency, "xlsx", **query))
    assert response.status_code == 200, response.content[:500]
    return response, load_workbook(io.BytesIO(response.content))


def test_excel_report(client_for, rated):
    response, book = xlsx(client_for("board"), rated, as_at="2025-03-31")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="mscp-lb-merton-actions-2025-03-31.xlsx"'
    )
    assert book.sheetnames == ["Summary", "Actions"]
    summary = book["Summary"]
    assert summary["A1"].value == "LB Merton: actions led and shared, as at 31 March 2025"
    sheet = book["Actions"]
    headings = [cell.value for cell in sheet[1]]
    assert headings[:6] == ["Plan", "Outcome", "Action number", "Action", "Role", "Steps it leads"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:M{sheet.max_row}"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    rows = {row[2].value: row for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == 8
    # As at 31 March 2025, 1.1 is on track: April's Complete does not count yet.
    rating = rows["1.1"][9]
    assert rating.value == "On track" and rating.fill.fgColor.rgb == "FF00703C"
    assert rows["1.1"][11].value == "Young Inspectors recruited"
    assert rows["2.1"][9].value == "At risk" and rows["2.1"][9].fill.fgColor.rgb == "FFF47738"
    # Text that looks like a formula stays text.
    commentary = rows["2.1"][11]
    assert commentary.value.startswith("=HYPERLINK") and commentary.data_type == "s"
    assert commentary.quotePrefix
    assert rows["4.2"][4].value == "Shares" and rows["4.2"][5].value
    assert rows["1.2"][9].value == "No update"
    assert all(cell.alignment.wrap_text for cell in rows["1.1"])
    # The counts, by role.
    values = [[cell.value for cell in row] for row in summary.iter_rows()]
    assert ["All", 8, 0, 1, 1, 0, 0, 6] in values


def test_excel_report_as_at_today(client_for, rated):
    _, book = xlsx(client_for("staff"), rated)
    rows = {row[2].value: row for row in book["Actions"].iter_rows(min_row=2)}
    assert rows["1.1"][9].value == "Complete"


def test_pdf_report(client_for, rated):
    client = client_for("chair")
    response = client.get(report_url(rated, "pdf", as_at="2025-03-31"))
    # Stored and made by the worker (here as it is queued), as packs are: never in the request.
    stored = StoredPack.objects.get(agency=rated, format="pdf")
    assert response["Location"] == url("reporting:stored_pack", stored.pk) + "?download=1"
    response = client.get(url("reporting:stored_pack_file", stored.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith(
        'filename="mscp-lb-merton-actions-2025-03-31.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "LB Merton: actions led and shared, as at 31 March 2025" in text
    assert "Young Inspectors recruited" in text and "Visits done" not in text
    assert "On track" in text and "At risk" in text
    assert "Promote and Protect" in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape


def test_the_pdf_fetches_nothing_but_static_files(rated, monkeypatch):
    from reporting import agency_reports, pdf

    fetchers = []

    class Recording(pdf.StaticOnlyURLFetcher):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            fetchers.append(self)

    monkeypatch.setattr(pdf, "StaticOnlyURLFetcher", Recording)
    sneaky = '<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd">'
    monkeypatch.setattr(
        agency_reports,
        "agency_html",
        lambda report, html=agency_reports.agency_html: html(report).replace(
            "</body>", sneaky + "</body>"
        ),
    )
    report = agency_reports.build_agency_report(rated, D("2025-03-31"))
    assert agency_reports.render_agency_pdf(report).startswith(b"%PDF")
    refused = [url for fetcher in fetchers for url in fetcher.refused]
    assert refused == ["http://127.0.0.1:9/x.png", "file:///etc/passwd"]


def test_downloads_are_audited(client_for, rated, personas):
    client_for("board").get(report_url(rated, "xlsx", as_at="2024-12-31"))
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.PACK_DOWNLOADED).latest("at")
    assert event.user == personas["board"]
    assert event.summary == "Downloaded mscp-lb-merton-actions-2024-12-31.xlsx"
    assert event.object_id == str(rated.pk) and event.partnership == rated.partnership


@pytest.mark.parametrize(
    "as_at, message",
    [
        ("31/03/2025", "Enter a real date"),
        ("2025-02-30", "Enter a real date"),
        ("2999-01-01", "Enter today or a day in the past"),
    ],
)
def test_a_bad_date_is_refused(client_for, rated, as_at, message):
    response = client_for("staff").get(report_url(rated, "xlsx", as_at=as_at))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    year = as_at.split("/")[-1].split("-")[0]
    assert f'value="{year}"' in html  # the input is kept, in the date's boxes
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.PACK_DOWNLOADED).exists()


def test_an_agency_with_nothing(client_for, personas):
    empty = Organisation.objects.create(partnership=agency("NHS").partnership, name="Schools")
    client = client_for("staff")
    assert (
        "No live action’s lead names Schools"
        in client.get(url("actions:agency", empty.pk)).content.decode()
    )
    _, book = xlsx(client, empty)
    assert book["Actions"].max_row == 1


def test_a_deleted_step_does_not_share(small):
    assert Step.objects.filter(action=small["actions"]["8"]).count() == 1
    assert "8" not in numbers(small["a"])
