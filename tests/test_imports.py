"""Plan export and import (reporting.plan_sheet, uploads, imports and their views): who may,
the layout, round trips of the demo plans, preview then confirm, and every bad file refused
with its reason and nothing written. Every test file is made here, in memory."""

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate, Step
from plans.models import Group, Outcome, Plan, Priority, Theme
from reporting.imports import PlanImport
from reporting.pending_imports import PendingImport
from reporting.plan_export import plan_workbook
from reporting.plan_reading import read_plan
from reporting.plan_sheet import COLUMNS, plan_data
from reporting.uploads import MAX_UPLOAD_BYTES, read_upload
from tests.helpers import NOWHERE, PERSONAS, STAFF_ONLY, url

# On both databases (scripts/test): an import writes in one transaction, locking the plan
# (select_for_update), and only if the plan has not changed since the preview.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

HEADER = [column.title for column in COLUMNS]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "plans"
MODELS = [Plan, Priority, Outcome, Action, Step, ProgressUpdate, Group]


def ess():
    return Plan.objects.get(title__startswith="Effective Safeguarding")


def medway():
    return Plan.objects.get(title__startswith="Medway")


def row(**cells) -> list[str]:
    return [cells.get(column.key, "") for column in COLUMNS]


def xlsx(rows, header=HEADER, sheet="Plan", more_sheets=None) -> bytes:
    """A workbook as a user would save it (openpyxl takes a cell starting with = for a
    formula); more_sheets: {name: its rows, header first}."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(header)
    for cells in rows:
        worksheet.append(cells)
    for name, more in (more_sheets or {}).items():
        extra = workbook.create_sheet(name)
        for cells in more:
            extra.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def sheet_rows(content: bytes) -> list[list[str]]:
    worksheet = openpyxl.load_workbook(io.BytesIO(content))["Plan"]
    return [["" if c is None else c for c in r] for r in worksheet.iter_rows(values_only=True)]


SMALL_PLAN = [
    row(outcome_number="1", outcome="Children are heard", action_number="1.1",
        action="Run a survey", themes="A, B", lead="Zoe Gallen, MSCP BSU",
        timeframe="September 2024"),
    row(outcome_number="1", action_number="1.1", step_label="A.", step="Design it",
        lead="ESS Sub-Group", timeframe="June 2024"),
    row(outcome_number="1", action_number="1.2", action="Report back", timeframe="Ongoing"),
]  # fmt: skip


def new_plan_fields(**changes) -> dict:
    group = Group.objects.get(partnership__slug="merton", short_name="ESS")
    return {"mode": "new", "group": group.pk, "title": "Imported plan", "period": "2025-26",
            **changes}  # fmt: skip


def upload(client, content: bytes, name="plan.xlsx", slug="merton", **fields):
    data = fields or new_plan_fields()
    data = {**data, "file": io.BytesIO(content)}
    data["file"].name = name
    return client.post(url("imports:start", slug=slug), data)


def snapshot() -> dict:
    """Row counts of everything an import could write, history included."""
    counts = {model.__name__: model.objects.count() for model in MODELS}
    for model in [Plan, Priority, Outcome, Action, Step]:
        counts[f"history of {model.__name__}"] = model.history.count()
    return counts


def problems(response) -> list[str]:
    """Every error the upload page shows: the form's, and the file's listed problems."""
    form = response.context["form"]
    found = [str(e) for errors in form.errors.values() for e in errors] + list(form.problems)
    if response.context.get("too_big"):
        found.append(response.context["too_big"])
    return found


def preview_and_confirm(client, response, slug="merton"):
    """Follow an upload to its preview, then confirm it; returns (preview, confirmation)."""
    assert response.status_code == 302, problems(response)
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    confirmation = client.post(
        url("imports:confirm", token, slug=slug), {"fingerprint": preview.context["fingerprint"]}
    )
    return preview, confirmation


# Who may -------------------------------------------------------------------------------------


def pending_token(client) -> str:
    """A pending import in the session of the (staff) client."""
    response = upload(client, xlsx(SMALL_PLAN))
    assert response.status_code == 302, problems(response)
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_import_and_export_page_is_for_staff_only(client_for, persona):
    client = client_for(persona)
    # Others are refused before any pending import is looked for.
    token = pending_token(client) if persona == "staff" else "a-pending-import"
    requests = [
        ("get", url("imports:export", ess().pk), STAFF_ONLY),
        ("get", url("imports:template"), STAFF_ONLY),
        ("get", url("imports:start"), STAFF_ONLY),
        ("get", url("imports:start_for_plan", ess().pk), STAFF_ONLY),
        ("get", url("imports:preview", token), STAFF_ONLY),
        # Another partnership's plan through this partnership's address: never found.
        ("get", url("imports:export", medway().pk), NOWHERE),
        ("get", url("imports:start_for_plan", medway().pk), NOWHERE),
    ]
    for method, address, expected in requests:
        response = getattr(client, method)(address)
        assert response.status_code == expected[persona], (persona, address)
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("login")), address


@pytest.mark.parametrize("persona", ["chair", "board", "outsider", "anonymous"])
def test_others_cannot_upload_or_confirm(client_for, persona):
    token = pending_token(client_for("staff"))
    before = snapshot()
    client = client_for(persona)
    expected = STAFF_ONLY[persona]
    response = upload(client, xlsx(SMALL_PLAN))
    assert response.status_code == expected
    response = client.post(url("imports:confirm", token), {"fingerprint": "x"})
    assert response.status_code == expected
    assert snapshot() == before
    assert not Plan.objects.filter(title="Imported plan").exists()


def test_staff_confirm_a_pending_import(client_for):
    client = client_for("staff")
    token = pending_token(client)
    preview = client.get(url("imports:preview", token))
    response = client.post(
        url("imports:confirm", token), {"fingerprint": preview.context["fingerprint"]}
    )
    assert response.status_code == 302
    plan = Plan.objects.get(title="Imported plan")
    assert response["Location"] == plan.get_absolute_url()


def test_confirm_refuses_get(client_for):
    client = client_for("staff")
    assert client.get(url("imports:confirm", pending_token(client))).status_code == 405


def test_a_pending_import_belongs_to_its_partnership_and_session(client_for, personas):
    from plans.models import Membership, Partnership

    client = client_for("staff")
    token = pending_token(client)
    # The same user, also staff at Medway: the token is not Medway's import.
    Membership.objects.create(
        user=personas["staff"], partnership=Partnership.objects.get(slug="medway"), role="staff"
    )
    response = client.get(url("imports:preview", token, slug="medway"))
    assert response["Location"] == url("imports:start", slug="medway")
    # Another session (signing in again) has no such import: back to upload it again.
    client = client_for("staff")
    response = client.get(url("imports:preview", token))
    assert response.status_code == 302 and response["Location"] == url("imports:start")


def test_links_are_for_staff_only(client_for):
    plan = ess()
    export = url("imports:export", plan.pk)
    page = client_for("staff").get(url("plans:plan", plan.pk)).content.decode()
    assert export in page and "Spreadsheet to edit and import again" in page
    assert "Import a plan" in page
    dashboard = client_for("staff").get(url("plans:dashboard")).content.decode()
    assert url("imports:start") in dashboard and url("imports:template") in dashboard
    for persona in ["chair", "board"]:
        page = client_for(persona).get(url("plans:plan", plan.pk)).content.decode()
        assert export not in page and "Import a plan" not in page
        dashboard = client_for(persona).get(url("plans:dashboard")).content.decode()
        assert url("imports:start") not in dashboard


# The layout: export and template ---------------------------------------------------------------


def test_export_writes_the_layout(client_for):
    plan = medway()
    response = client_for("outsider").get(url("imports:export", plan.pk, slug="medway"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="medway-')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    worksheet = workbook["Plan"]
    # The layout's columns, the levels under the plan's own names (import reads them back).
    header = [c.value for c in worksheet[1]]
    assert header[:6] == [
        "Priority objective number",
        "Priority objective",
        "Identified improvement area / desired outcome number",
        "Identified improvement area / desired outcome: What do we intend to achieve?",
        "Specific action number",
        "Specific action",
    ]
    assert header[6:] == HEADER[6:]
    assert worksheet.freeze_panes == "A2"
    assert worksheet.column_dimensions["F"].width == 50
    assert worksheet["F2"].alignment.wrap_text
    rows = sheet_rows(response.content)[1:]
    # The first rows: priority 1 and outcome 1.1 named once, then action 1.1.1 and its steps.
    first = dict(zip([c.key for c in COLUMNS], rows[0], strict=True))
    assert first["priority_number"] == "1" and first["priority"] == "Effective Partnerships"
    assert first["outcome_number"] == "1.1" and first["outcome"].startswith("Ensure the MSCP")
    assert first["action_number"] == "1.1.1" and first["step"] == ""
    step = dict(zip([c.key for c in COLUMNS], rows[1], strict=True))
    assert step["action_number"] == "1.1.1" and step["action"] == "" and step["priority"] == ""
    assert step["step"].startswith("Section 11 audit process")
    assert step["evidence"] == "Launch event planned for 13 June 2022"
    actions = [r for r in rows if r[4] and not r[7]]
    assert len(actions) == Action.objects.filter(outcome__plan=plan).count() == 29


def test_export_escapes_every_cell_that_could_be_a_formula(client_for):
    action = Action.objects.get(outcome__plan=ess(), number="2.1")
    risky = {
        "text": '=HYPERLINK("http://evil.example", "Click")',
        "lead": "+44 20 7946 0000",
        "timeframe": "-1 month",
        "outcome_measures": "@SUM(A1:A2)",
        "note": "\tTabbed",
    }
    Action.objects.filter(pk=action.pk).update(**risky)
    Step.objects.create(action=action, text="=1+1", lead="\r=cmd", position=99)
    response = client_for("staff").get(url("imports:export", ess().pk))
    worksheet = openpyxl.load_workbook(io.BytesIO(response.content))["Plan"]
    cells = [cell for r in worksheet.iter_rows() for cell in r if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value: c for c in cells}
    # Verbatim, as strings with Excel's quote prefix (reporting.cells), never formulas.
    for text in [risky["text"], "+44 20 7946 0000", "-1 month", "@SUM(A1:A2)", "=1+1"]:
        assert values[text].data_type == "s" and values[text].quotePrefix, text
    # Imported back, the texts are as they were.
    data, errors = read_plan(read_upload(response.content), ess().group.partnership)
    assert errors == []
    imported = next(a for o in data["outcomes"] for a in o["actions"] if a["number"] == "2.1")
    assert imported["text"] == risky["text"] and imported["lead"] == risky["lead"]
    assert imported["steps"][-1]["text"] == "=1+1"


def test_template_downloads_and_opens(client_for):
    response = client_for("staff").get(url("imports:template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="merton-plan-template.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Instructions", "Plan", "Narrative", "Example"]
    assert [c.value for c in workbook["Narrative"][1]] == [
        "Part", "Text", "Lead", "Timeframe", "Rating", "Commentary"
    ]  # fmt: skip
    assert [c.value for c in workbook["Plan"][1]] == HEADER
    assert workbook["Plan"].max_row == 1 and workbook["Plan"].freeze_panes == "A2"
    instructions = " ".join(
        str(c) for r in workbook["Instructions"].iter_rows(values_only=True) for c in r if c
    )
    assert "A = Voice of children" in instructions and "On track" in instructions
    example = [r for r in workbook["Example"].iter_rows(values_only=True)]
    assert [c for c in example[0]] == HEADER
    cells = {c for r in example[1:] for c in r if c}
    assert {"Effective Partnerships", "1.1.1", "1.2"} <= cells
    assert any(str(c).startswith("Section 11 audit process") for c in cells)


def test_the_template_filled_in_imports(client_for):
    """The template's Example sheet, copied into its Plan sheet, is a valid plan."""
    template = client_for("outsider").get(url("imports:template", slug="medway")).content
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    for values in list(workbook["Example"].iter_rows(values_only=True))[1:]:
        workbook["Plan"].append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    partnership = medway().group.partnership
    data, errors = read_plan(read_upload(buffer.getvalue()), partnership)
    assert errors == []
    assert [p["title"] for p in data["priorities"]] == ["Effective Partnerships"]
    assert len(data["priorities"][0]["outcomes"]) == 2


# Round trips ------------------------------------------------------------------------------


def from_fixture(data: dict) -> dict:
    """A seed plan's YAML in the shape of plan_data (keys left out are blank; themes are a
    set, listed in the partnership's order, which for the seeds is by code)."""

    def step(s):
        return {k: s.get(k) or "" for k in ["label", "text", "lead", "timeframe", "evidence",
                                             "note"]}  # fmt: skip

    def action(a):
        fields = ["number", "text", "lead", "timeframe", "outcome_measures", "note"]
        return {**{k: a.get(k) or "" for k in fields}, "themes": sorted(a.get("themes", [])),
                "steps": [step(s) for s in a.get("steps", [])]}  # fmt: skip

    def outcome(o):
        return {**{k: o.get(k) or "" for k in ["number", "text", "note"]},
                "actions": [action(a) for a in o.get("actions", [])]}  # fmt: skip

    return {
        "priorities": [
            {"number": p.get("number") or "", "title": p["title"],
             "outcomes": [outcome(o) for o in p.get("outcomes", [])]}
            for p in data.get("priorities", [])
        ],
        "outcomes": [outcome(o) for o in data.get("outcomes", [])],
    }  # fmt: skip


def without_rows(data):
    if isinstance(data, dict):
        return {k: without_rows(v) for k, v in data.items() if k not in ("row", "existing", "rate")}
    if isinstance(data, list):
        return [without_rows(item) for item in data]
    return data


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_export_holds_each_seed_plan_completely(demo, db, path):
    seed = yaml.safe_load(path.read_text())
    plan = Plan.objects.get(title=seed["title"], period=seed["period"])
    assert plan_data(plan) == from_fixture(seed)
    data, errors = read_plan(read_upload(plan_workbook(plan)), plan.group.partnership)
    assert errors == []
    # The Narrative sheet carries the plan's introduction (the seeds have no core activities).
    narrative = {key: data.pop(key) for key in ("narrative", "core_activities")}
    assert without_rows(data) == from_fixture(seed)
    intro = seed.get("introduction") or ""
    assert narrative == {
        "narrative": {"introduction": intro, "notes": "", "appendices": ""},
        "core_activities": [],
    }


def links(obj) -> tuple:
    return (
        sorted(p.name for p in obj.lead_people.all()),
        sorted(g.name for g in obj.lead_groups.all()),
        sorted(o.name for o in obj.lead_organisations.all()),
    )


def derived(obj) -> tuple:
    return (obj.due_date, obj.starts_on, obj.recurrence, obj.timeframe_tbc)


@pytest.mark.parametrize(
    "title, slug, persona",
    [
        ("Effective Safeguarding", "merton", "staff"),
        ("Promote and Protect", "merton", "staff"),
        ("Medway", "medway", "outsider"),  # the outsider persona is Medway's staff
    ],
)
def test_each_demo_plan_exported_and_imported_as_new_is_the_same(client_for, title, slug, persona):
    plan = Plan.objects.get(title__startswith=title)
    client = client_for(persona)
    export = client.get(url("imports:export", plan.pk, slug=slug))
    fields = {"mode": "new", "group": plan.group_id, "title": "Copy", "period": plan.period}
    response = upload(client, export.content, slug=slug, **fields)
    preview, confirmation = preview_and_confirm(client, response, slug=slug)
    assert confirmation.status_code == 302
    copy = Plan.objects.get(title="Copy")
    assert confirmation["Location"] == copy.get_absolute_url()
    assert copy.group == plan.group and copy.status == Plan.Status.DRAFT
    assert plan_data(copy) == plan_data(plan)
    # Leads are linked and timeframes derived as the demo loader did.
    original = list(Action.objects.filter(outcome__plan=plan).in_plan_order())
    copied = list(Action.objects.filter(outcome__plan=copy).in_plan_order())
    assert [links(a) for a in copied] == [links(a) for a in original]
    assert [derived(a) for a in copied] == [derived(a) for a in original]
    steps = Step.objects.order_by("action__outcome__position", "action__position", "position")
    assert [(links(s), derived(s)) for s in steps.filter(action__outcome__plan=copy)] == [
        (links(s), derived(s)) for s in steps.filter(action__outcome__plan=plan)
    ]
    # Every object was saved, with the importing user in its history.
    user = copy.history.first().history_user
    assert user.username == f"{persona}-persona"
    assert Action.history.filter(outcome_id__in=copy.outcomes.values("pk"), history_type="+")
    assert not Action.history.filter(
        outcome_id__in=copy.outcomes.values("pk"), history_user__isnull=True
    ).exists()
    assert "Created the plan from the file" in str(list(confirmation.wsgi_request._messages)[0])


def test_a_csv_export_of_the_sheet_imports_the_same(client_for):
    plan = ess()
    rows = sheet_rows(plan_workbook(plan))
    content = csv_bytes(rows[1:], header=rows[0])
    client = client_for("staff")
    response = upload(client, content, name="plan.csv", **new_plan_fields(title="From CSV"))
    preview_and_confirm(client, response)
    assert plan_data(Plan.objects.get(title="From CSV")) == plan_data(plan)


def test_an_unchanged_export_imported_into_its_plan_changes_nothing(client_for):
    plan = ess()
    client = client_for("staff")
    ids = {m.__name__: sorted(m.objects.values_list("pk", flat=True)) for m in MODELS}
    export = client.get(url("imports:export", plan.pk)).content
    before = snapshot()
    response = upload(client, export, mode="replace", plan=plan.pk)
    preview, confirmation = preview_and_confirm(client, response)
    assert preview.context["changes"] == []
    assert "No changes: the file matches the plan" in preview.content.decode()
    assert b"Confirm and import" not in preview.content
    assert confirmation.status_code == 302 and confirmation["Location"] == plan.get_absolute_url()
    assert snapshot() == before
    assert {m.__name__: sorted(m.objects.values_list("pk", flat=True)) for m in MODELS} == ids
    assert "nothing was changed" in str(list(confirmation.wsgi_request._messages)[0])


def test_unchanged_demo_plans_replace_themselves_with_nothing(demo, db):
    for plan in Plan.objects.all():
        data, errors = read_plan(read_upload(plan_workbook(plan)), plan.group.partnership)
        assert errors == []
        assert PlanImport(plan.group.partnership, data, plan=plan).changes == []


# Preview, then confirm ------------------------------------------------------------------------


def edited_ess_export(client) -> bytes:
    """ESS's export with: action 1.1's lead changed, a step added to 2.1, action 2.6 left out,
    themes of 2.2 changed, and a progress update for 2.3."""
    rows = sheet_rows(client.get(url("imports:export", ess().pk)).content)
    header, body = rows[0], rows[1:]
    index = {column.key: i for i, column in enumerate(COLUMNS)}  # the layout's order
    header += ["Rating", "Commentary"]
    edited = []
    for cells in body:
        cells = [*cells, "", ""]
        number, is_step = cells[index["action_number"]], bool(cells[index["step"]])
        if number == "2.6":
            continue
        if number == "1.1" and not is_step:
            cells[index["lead"]] = "Sarah Brewster, MSCP BSU"
        if number == "2.2" and not is_step:
            cells[index["themes"]] = "A, C"
        if number == "2.3" and not is_step:
            cells[-2:] = ["on track", "Going well"]
        edited.append(cells)
        if number == "2.1" and not is_step:
            step = [""] * len(header)
            step[index["outcome_number"]] = cells[index["outcome_number"]]
            step[index["action_number"]] = "2.1"
            step[index["step"]] = "Tell the board"
            step[index["timeframe"]] = "March 2025"
            edited.append(step)
    return xlsx(edited, header=header)


def test_preview_lists_the_changes_row_by_row_and_writes_nothing(client_for):
    client = client_for("staff")
    content = edited_ess_export(client)
    before = snapshot()
    response = upload(client, content, mode="replace", plan=ess().pk)
    assert response.status_code == 302, problems(response)
    preview = client.get(response["Location"])
    assert snapshot() == before
    changes = {c["what"]: c for c in preview.context["changes"]}
    assert changes["Change action 1.1"]["fields"] == [
        ("Lead", "Zoe Gallen, MSCP BSU", "Sarah Brewster, MSCP BSU")
    ]
    assert changes["Change action 2.2"]["fields"][-1][0] == "Themes"
    assert "Add a step of action 2.1" in changes
    assert changes["Add a progress update to action 2.3"]["detail"] == "On track: Going well"
    assert changes["Delete action 2.6"]["row"] is None
    assert all(c["row"] for c in preview.context["changes"] if c["verb"] != "delete")
    page = preview.content.decode()
    assert "Confirm and import" in page and "will be deleted" in page
    # The rows wait in the session (the database), not in a file.
    assert list(client.session["plan_imports"].values())[0]["sheet"]["rows"]


def test_confirm_writes_the_previewed_changes(client_for, personas):
    client = client_for("staff")
    plan = ess()
    kept = Action.objects.get(outcome__plan=plan, number="1.1")
    ProgressUpdate.objects.create(
        action=kept, rating=plan.group.partnership.ratings.get(label="At risk"),
        commentary="Before the import",
    )  # fmt: skip
    ids = dict(Action.objects.filter(outcome__plan=plan).values_list("number", "pk"))
    gone_steps = Step.objects.filter(action__number="2.6", action__outcome__plan=plan).count()
    response = upload(client, edited_ess_export(client), mode="replace", plan=plan.pk)
    preview, confirmation = preview_and_confirm(client, response)
    assert confirmation.status_code == 302
    message = str(list(confirmation.wsgi_request._messages)[0])
    assert message.startswith("Imported the file: 1 new step, 2 changed actions, 1 deleted action")
    live = Action.objects.live().filter(outcome__plan=plan)
    assert dict(live.values_list("number", "pk")) == {k: v for k, v in ids.items() if k != "2.6"}
    action = live.get(number="1.1")
    assert action.lead == "Sarah Brewster, MSCP BSU"
    assert [p.name for p in action.lead_people.all()] == ["Sarah Brewster"]
    assert action.version == kept.version + 1
    record = action.history.first()
    assert record.history_user == personas["staff"] and record.lead == action.lead
    assert action.progress_updates.get().commentary == "Before the import"
    assert sorted(t.code for t in live.get(number="2.2").themes.all()) == ["A", "C"]
    update = live.get(number="2.3").progress_updates.get()
    assert (update.rating.label, update.commentary, update.author) == (
        "On track", "Going well", personas["staff"]
    )  # fmt: skip
    new_step = live.get(number="2.1").steps.get(text="Tell the board")
    assert new_step.due_date.isoformat() == "2025-03-31"
    deleted = Action.objects.get(pk=ids["2.6"])
    assert deleted.deleted_at is not None
    assert Step.objects.filter(action=deleted, deleted_at=deleted.deleted_at).count() == gone_steps
    # The pending import is gone once confirmed.
    assert client.session["plan_imports"] == {}


def test_confirm_refuses_when_the_plan_changed_after_the_preview(client_for):
    client = client_for("staff")
    plan = ess()
    response = upload(client, edited_ess_export(client), mode="replace", plan=plan.pk)
    preview = client.get(response["Location"])
    Action.objects.filter(outcome__plan=plan, number="1.1").update(lead="Someone else")
    before = snapshot()
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    confirmation = client.post(
        url("imports:confirm", token), {"fingerprint": preview.context["fingerprint"]}
    )
    assert confirmation["Location"] == url("imports:preview", token)
    assert snapshot() == before
    assert Action.objects.get(outcome__plan=plan, number="1.1").lead == "Someone else"
    page = client.get(confirmation["Location"]).content.decode()
    assert "changed after this preview was made, so nothing was imported" in page


def test_an_import_is_all_or_nothing(client_for, monkeypatch):
    from actions.lead_links import LeadLinker

    calls = []
    original = LeadLinker.link

    def failing_link(self, obj, **kwargs):
        calls.append(obj)
        if len(calls) == 20:
            raise RuntimeError("the database went away")
        return original(self, obj, **kwargs)

    client = client_for("staff")
    response = upload(client, plan_workbook(ess()))
    preview = client.get(response["Location"])
    before = snapshot()
    monkeypatch.setattr(LeadLinker, "link", failing_link)
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(RuntimeError):
        client.post(url("imports:confirm", token), {"fingerprint": preview.context["fingerprint"]})
    assert len(calls) == 20
    assert snapshot() == before


def test_an_action_moved_to_another_outcome_keeps_its_id(db, demo):
    plan = ess()
    rows = sheet_rows(plan_workbook(plan))
    header, body = rows[0], rows[1:]
    keys = [column.key for column in COLUMNS]  # the layout's order
    number, outcome = keys.index("action_number"), keys.index("outcome_number")
    moved = [r for r in body if r[number] == "1.7"]  # the action and its steps
    for cells in moved:
        body.remove(cells)
        cells[outcome] = "2"
    end_of_outcome_2 = max(i for i, r in enumerate(body) if r[outcome] == "2") + 1
    body[end_of_outcome_2:end_of_outcome_2] = moved
    data, errors = read_plan(read_upload(xlsx(body, header=header)), plan.group.partnership)
    assert errors == []
    plan_import = PlanImport(plan.group.partnership, data, plan=plan)
    assert [(c.verb, c.what, c.fields) for c in plan_import.changes] == [
        ("change", "action 1.7", [("Outcome", "1", "2")])
    ]
    action = Action.objects.get(outcome__plan=plan, number="1.7")
    steps = list(action.steps.values_list("pk", flat=True))
    plan_import.write(user=None)
    action.refresh_from_db()
    assert action.outcome.number == "2" and action.deleted_at is None
    assert list(action.steps.filter(deleted_at=None).values_list("pk", flat=True)) == steps
    assert list(
        Action.objects.live().filter(outcome=action.outcome).values_list("number", flat=True)
    ) == ["2.1", "2.2", "2.3", "1.7"]


# Reading the layout -----------------------------------------------------------------------------


def read(rows, partnership="merton", header=HEADER):
    from plans.models import Partnership

    return read_plan(
        read_upload(xlsx(rows, header=header)), Partnership.objects.get(slug=partnership)
    )


def test_rows_continue_the_priority_and_outcome_above(db, demo):
    data, errors = read(
        [
            row(priority_number="1", priority="Safer", outcome_number="1.1", outcome="Heard",
                action_number="1.1.1", action="Ask"),
            row(priority_number="1", outcome_number="1.1", action_number="1.1.1", step="Plan it"),
            row(action_number="1.1.2", action="Listen"),  # blank: the same as above
            row(priority_number="1", outcome="Unnumbered outcome", action="Unnumbered action"),
            row(step_label="a.", step="A step of the unnumbered action"),
            row(priority_number="2", priority="Stronger", outcome_number="2.1", note="Why"),
        ]
    )  # fmt: skip
    assert errors == []
    first, second = data["priorities"]
    assert [o["number"] for o in first["outcomes"]] == ["1.1", ""]
    assert [a["number"] for a in first["outcomes"][0]["actions"]] == ["1.1.1", "1.1.2"]
    assert first["outcomes"][0]["actions"][0]["steps"][0]["text"] == "Plan it"
    unnumbered = first["outcomes"][1]["actions"][0]
    assert unnumbered["text"] == "Unnumbered action" and unnumbered["steps"][0]["label"] == "a."
    assert second["outcomes"] == [
        {"number": "2.1", "text": "", "note": "Why", "actions": [], "row": 7}
    ]


def test_numbers_typed_as_numbers_and_dates_read_as_written(db, demo):
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.append(HEADER)
    import datetime

    worksheet.append([None, None, 1, "Outcome", 1.1, "Action", None, None, None, None,
                      datetime.datetime(2024, 9, 1), None, None, None])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    data, errors = read_plan(read_upload(buffer.getvalue()), ess().group.partnership)
    assert errors == []
    outcome = data["outcomes"][0]
    assert (outcome["number"], outcome["actions"][0]["number"]) == ("1", "1.1")
    assert outcome["actions"][0]["timeframe"] == "September 2024"


# Bad files: each refused with its reason, nothing written -----------------------------------------


def refused(client, content, name="plan.xlsx", **fields) -> list[str]:
    before = snapshot()
    response = upload(client, content, name=name, **fields)
    assert response.status_code in (200, 413), response.status_code
    assert snapshot() == before
    assert "plan_imports" not in client.session or not client.session["plan_imports"]
    return problems(response)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.mark.parametrize(
    "content, name, message",
    [
        (PNG + b"\x00" * 64, "plan.xlsx", "not an Excel workbook (.xlsx) or a CSV file"),
        (b"", "plan.xlsx", "The file is empty."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "plan.xls", "older Excel file"),
        (zip_bytes({"word/document.xml": b"<w/>"}), "plan.xlsx", "not an Excel workbook"),
        (xlsx([])[:300], "plan.xlsx", "not an Excel workbook"),  # cut short: a broken zip
        (csv_bytes([]), "plan.csv", "column names but no rows"),
        (b"\n\n", "plan.csv", "The first row is blank"),
    ],
    ids=["png-renamed", "empty", "xls", "zip-not-workbook", "truncated", "header-only", "blank"],
)
def test_files_that_are_not_a_plan_sheet_are_refused(client_for, content, name, message):
    found = refused(client_for("staff"), content, name=name)
    assert any(message in text for text in found), found


def test_a_50_mb_file_is_refused_before_it_is_read(client_for, monkeypatch):
    from front.views import imports as import_views

    def never(*args, **kwargs):
        raise AssertionError("the body must not be parsed")

    monkeypatch.setattr(import_views.LimitedUploadHandler, "receive_data_chunk", never)
    client = client_for("staff")
    response = upload(client, b"x" * (50 * 1024 * 1024))
    assert response.status_code == 413
    found = refused(client, b"x" * (50 * 1024 * 1024))
    assert found == ["The file is larger than 5 MB: a plan's spreadsheet is much smaller. "
                     "Check you chose the right file."]  # fmt: skip


def test_a_file_just_over_the_limit_is_refused(client_for):
    content = csv_bytes([row(outcome="x" * 100, action="y")] * (MAX_UPLOAD_BYTES // 100))
    assert len(content) > MAX_UPLOAD_BYTES
    found = refused(client_for("staff"), content[: MAX_UPLOAD_BYTES + 1], name="plan.csv")
    assert any("larger than 5 MB" in text for text in found), found


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(client_for, monkeypatch):
    import openpyxl as real_openpyxl

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open it")

    monkeypatch.setattr(real_openpyxl, "load_workbook", never)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(200):  # 200 MB that packs into about 200 KB
                member.write(chunk)
    content = buffer.getvalue()
    assert len(content) < 1024 * 1024
    found = refused(client_for("staff"), content)
    assert any("unpacks to more than 50 MB" in text for text in found), found

    many = zip_bytes({f"xl/part{i}.xml": b"<x/>" for i in range(600)})
    found = refused(client_for("staff"), many)
    assert any("600 parts" in text for text in found), found


def test_a_csv_with_a_missing_and_an_unknown_column_names_them(client_for):
    header = [title for title in HEADER if title not in ("Themes", "Step label")] + ["Colour"]
    content = csv_bytes([["1"] * len(header)], header=header)
    found = refused(client_for("staff"), content, name="plan.csv")
    assert "Row 1: the column 'Themes' is missing" in found
    assert "Row 1: the column 'Step label' is missing" in found
    assert "Row 1: there is no column called 'Colour' in this layout: remove or rename it" in found


def test_every_error_in_the_rows_is_listed_by_row_and_column(client_for):
    header = [*HEADER, "Rating", "Commentary"]
    rows = [
        [*row(outcome_number="1", outcome="Heard", action_number="1.1", action="Ask",
              themes="A, Z"), "", ""],
        [*row(outcome_number="1", action_number="9.9", step="Orphan step"), "", ""],
        [*row(outcome_number="1", action_number="1.2", action="=1+1"), "", ""],
        [*row(outcome_number="1", action_number="1.3", action="Rate"), "Purple", "Hmm"],
        [*row(outcome_number="1", action_number="1.4", action="Rate", lead="=A1"), "", ""],
        [*row(action_number="x" * 21, action="Too long a number"), "", ""],
    ]  # fmt: skip
    found = refused(client_for("staff"), xlsx(rows, header=header))
    listed = [
        "Row 2, Themes: there is no theme 'Z' in this partnership (its theme codes: A, B, C, D, E)",
        "Row 3, Action number: there is no action 9.9 above this step: write the action on its "
        "own row first",
        "Row 4, Action: a formula, not text",
        "Row 5, Rating: there is no rating 'Purple' in this partnership (its ratings: Complete, "
        "On track, At risk, Overdue)",
        "Row 6, Lead: a formula, not text",
        "Row 7, Action number: at most 20 characters (this has 21)",
    ]
    for message in listed:
        assert message in found, found
    assert found[0].startswith("The file has 6 problems, listed below: nothing has been imported")


def test_text_in_a_column_without_a_name_is_refused(client_for):
    found = refused(client_for("staff"), xlsx([[*SMALL_PLAN[0], "", "stray"]]))
    assert "Row 1: column P has no name but has text in it" in found


def test_a_formula_in_a_csv_is_refused(client_for):
    content = csv_bytes([row(outcome="Heard", action_number="1.1", action="=HYPERLINK(1)")])
    found = refused(client_for("staff"), content, name="plan.csv")
    assert "Row 2, Action: a formula, not text" in found


def test_a_step_row_without_an_action_and_other_row_mistakes(client_for):
    rows = [
        row(outcome="Heard", step="A step before any action"),
        row(outcome="Heard", action_number="1.1", action="Ask", evidence="Done"),
        row(outcome="Heard", action_number="1.2", action="Ask"),
        row(action_number="1.2", action="Text on a step row", step="Step"),
        row(action_number="1.2", step="Step", themes="A"),
        row(priority_number="7"),
        row(action="No outcome yet", priority_number="8", priority="New priority"),
    ]
    found = refused(client_for("staff"), xlsx(rows))
    assert "Row 2, Action number: this step has no action above it: write its action's number, " \
           "and the action on its own row first" in found  # fmt: skip
    assert "Row 3, Evidence: evidence goes with a step: write it on a step row, not an action's" \
           in found  # fmt: skip
    assert "Row 5, Action: leave the action blank on a step row: write the action on its own " \
           "row, above its steps" in found  # fmt: skip
    assert "Row 6, Themes: a step has no themes: write it on its action's row" in found
    assert "Row 7, Priority number: there is no priority 7 above this row: write the priority's " \
           "title on the row where it first appears" in found  # fmt: skip
    # An action with no outcome sits straight under its priority (a plan without outcomes).
    assert not [line for line in found if line.startswith("Row 8")]


def test_a_new_plan_needs_its_details_and_a_replaced_plan_must_be_the_partnerships(client_for):
    client = client_for("staff")
    found = refused(client, xlsx(SMALL_PLAN), mode="new", group="", title="", period="")
    assert "Choose the group that owns the new plan" in found
    assert "Enter the new plan's title" in found
    found = refused(client, xlsx(SMALL_PLAN), mode="replace", plan=medway().pk)
    assert any("Select a valid choice" in text for text in found), found
    found = refused(client, xlsx(SMALL_PLAN), mode="replace")
    assert "Choose the plan to replace" in found


def test_the_upload_form_preselects_the_plan_to_replace(client_for):
    response = client_for("staff").get(url("imports:start_for_plan", ess().pk))
    form = response.context["form"]
    assert form["mode"].value() == "replace" and form["plan"].value() == ess().pk
    assert b'enctype="multipart/form-data"' in response.content


def test_a_pending_import_is_read_again_at_confirmation(client_for):
    """A theme deleted between preview and confirmation makes the rows an error again."""
    client = client_for("staff")
    response = upload(client, xlsx(SMALL_PLAN))
    preview = client.get(response["Location"])
    Theme.objects.filter(partnership__slug="merton", code="B").update(deleted_at=timezone.now())
    before = snapshot()
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    confirmation = client.post(
        url("imports:confirm", token), {"fingerprint": preview.context["fingerprint"]}
    )
    assert snapshot() == before
    page = client.get(confirmation["Location"]).content.decode()
    assert "Row 2, Themes: there is no theme &#x27;B&#x27; in this partnership" in page


def test_pending_imports_in_a_session_are_few(client_for):
    client = client_for("staff")
    for _ in range(5):
        upload(client, xlsx(SMALL_PLAN))
    assert len(client.session["plan_imports"]) == 2
    token = next(iter(client.session["plan_imports"]))
    assert PendingImport.load(client.session, token, "merton").sheet.rows


def test_a_semicolon_separated_csv_is_read(db, demo):
    content = csv_bytes(SMALL_PLAN).decode().replace(",", ";").replace("A; B", "A, B")
    data, errors = read_plan(read_upload(content.encode("cp1252")), ess().group.partnership)
    assert errors == []
    assert data["outcomes"][0]["actions"][0]["themes"] == ["A", "B"]


def test_the_upload_checks_csrf(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["staff"])
    before = snapshot()
    data = {**new_plan_fields(), "file": io.BytesIO(xlsx(SMALL_PLAN))}
    data["file"].name = "plan.xlsx"
    assert client.post(url("imports:start"), data).status_code == 403
    assert snapshot() == before


def test_workbooks_are_parsed_with_defusedxml(client_for):
    """An entity expansion ("billion laughs") in a sheet's XML is refused, not expanded."""
    assert openpyxl.xml.DEFUSEDXML
    source = zipfile.ZipFile(io.BytesIO(xlsx(SMALL_PLAN)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                laughs = (
                    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
                    + "".join(
                        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "&lol;" * 10}">'
                        for i in range(9)
                    )
                    + "]>"
                )
                content = laughs.encode() + content
            archive.writestr(item, content)
    found = refused(client_for("staff"), buffer.getvalue())
    assert any("cannot be read" in text for text in found), found
