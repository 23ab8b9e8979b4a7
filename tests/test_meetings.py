"""Meetings, their pages and the pack downloads: who may, and what they get."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from plans.models import Group, Partnership, Plan
from reporting.models import Meeting, StoredPack
from reporting.pack_files import Subject
from reporting.stored_packs import render_stored_pack, request_stored_pack
from tests.helpers import (
    NOWHERE,
    PERSONAS,
    READ,
    STAFF_ONLY,
    check_personas,
    ess_action,
    ess_and_medway_meetings,
    ess_plan,
    group,
    new_meeting,
    post_form,
    rated,
    url,
)

# Who may download which pack and how it is named and kept: no test here reads a PDF, so
# WeasyPrint is stubbed (tests/test_pdf.py and tests/test_stored_packs.py render for real).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stub_pdf_render")]

D = dt.date.fromisoformat
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PACK_SHEETS = ["Summary", "Exceptions", "Changes", "Themes", "Ratings"]


@pytest.fixture
def meetings(personas):
    """Merton's board met in June and September 2024; ESS in September; Medway in 2022. ESS
    action 2.1 was rated Overdue (off track) before the September meetings."""
    rated(ess_action(), "Overdue", "2024-09-01", commentary="The trainer left")
    return {
        "june": new_meeting("Partnership", "2024-06-15"),
        "board": new_meeting("Partnership", "2024-09-15", title="Full Partnership – September"),
        **ess_and_medway_meetings(),
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_meeting_pages_for_each_persona(client_for, persona, meetings):
    """The meetings' pages and the update cycle's (the year's meetings, the live board of
    updates, the cycle's settings)."""
    board, ess, medway = meetings["board"], meetings["ess"], meetings["medway"]
    check_personas(
        client_for,
        persona,
        [
            ("get", url("reporting:meetings"), READ),
            ("get", url("reporting:meeting", board.pk), READ),
            ("get", url("reporting:meeting_create"), STAFF_ONLY),
            ("get", url("reporting:meeting_edit", board.pk), STAFF_ONLY),
            ("get", url("reporting:meeting_calendar"), STAFF_ONLY),
            # The board of a meeting's updates: staff, and the chairs of its group, may read it.
            ("get", url("reporting:meeting_updates", ess.pk), {**STAFF_ONLY, "chair": 200}),
            ("get", url("reporting:meeting_updates", board.pk), STAFF_ONLY),
            ("get", url("reporting:my_updates"), READ),
            ("get", url("reporting:cover_report", board.pk), STAFF_ONLY),
            ("get", url("reporting:cover_report_docx", board.pk), READ),
            ("get", url("reporting:cover_report_docx", medway.pk), NOWHERE),
            ("get", url("plans:cycle"), STAFF_ONLY),
            # Another partnership's meeting through this partnership's address: never found.
            ("get", url("reporting:meeting", medway.pk), NOWHERE),
            ("get", url("reporting:meeting_edit", medway.pk), NOWHERE),
            ("get", url("reporting:meeting_updates", medway.pk), NOWHERE),
            ("get", url("reporting:meeting_updates", ess.pk, slug="medway"), NOWHERE),
            ("get", url("reporting:meetings", slug="no-such-partnership"), NOWHERE),
        ],
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_excel_downloads_for_each_persona(client_for, persona, meetings):
    medway_plan = Plan.objects.get(title__startswith="Medway")
    check_personas(
        client_for,
        persona,
        [
            ("get", url("reporting:meeting_pack", meetings["board"].pk, "xlsx"), READ),
            ("get", url("reporting:plan_pack", ess_plan().pk, "xlsx"), READ),
            ("get", url("reporting:partnership_pack", "xlsx"), READ),
            ("get", url("reporting:meeting_pack", meetings["medway"].pk, "xlsx"), NOWHERE),
            ("get", url("reporting:plan_pack", medway_plan.pk, "xlsx"), NOWHERE),
        ],
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_pdf_downloads_for_each_persona(client_for, persona, meetings):
    """Every member may download the PDF pack (slow to render: one meeting, not every route).
    It is made by the background task (at once, in the tests) and offered on its page."""
    address = url("reporting:meeting_pack", meetings["ess"].pk, "pdf")
    if READ[persona] != 200:
        check_personas(client_for, persona, [("get", address, READ)])
    else:
        client = client_for(persona)
        response = follow_to_file(client, client.get(address))
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="mscp-ess-meeting-2024-09-10.pdf"'
        )
        assert response.content.startswith(b"%PDF-")


def follow_to_file(client, response):
    """From a download link's redirect to its pack's page, as a browser does: the page (the
    pack ready: the tests run each task as it is queued) sends it on to the file."""
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "is ready" in page.content.decode()
    refresh, _, file_url = page["Refresh"].partition("; url=")
    assert refresh == "0", page["Refresh"]
    return client.get(file_url)


@pytest.fixture
def stored(meetings):
    """Stored packs: Merton's ESS meeting report, made; a Merton one that failed; Medway's."""
    merton = Partnership.objects.get(slug="merton")
    medway = Partnership.objects.get(slug="medway")
    made = {}
    for name, subject in [
        ("ready", Subject(merton, meeting=meetings["ess"])),
        ("medway", Subject(medway, meeting=meetings["medway"])),
    ]:
        made[name], _, _ = request_stored_pack(subject=subject, fmt="xlsx", as_at=D("2024-10-01"))
        render_stored_pack(made[name].pk)
    made["failed"] = StoredPack.objects.create(
        partnership=merton, meeting=meetings["board"], format="pdf", as_at=D("2024-09-15"),
        filename="mscp-partnership-meeting-2024-09-15.pdf", content_type="application/pdf",
        status=StoredPack.Status.FAILED, error="it needed more memory than the server has",
    )  # fmt: skip
    return made


@pytest.mark.parametrize("persona", PERSONAS)
def test_stored_pack_pages_for_each_persona(client_for, persona, stored):
    """Any member may see a stored pack's page and have its file, as any member may download
    the pack; another partnership's stored pack is never found, whatever its id."""
    response = check_personas(
        client_for,
        persona,
        [
            ("get", url("reporting:stored_pack", stored["ready"].pk), READ),
            ("get", url("reporting:stored_pack", stored["failed"].pk), READ),
            ("get", url("reporting:stored_pack", stored["medway"].pk), NOWHERE),
            ("get", url("reporting:stored_pack_file", stored["medway"].pk), NOWHERE),
            ("get", url("reporting:stored_pack", stored["ready"].pk, slug="medway"), NOWHERE),
            ("get", url("reporting:stored_pack_file", stored["ready"].pk), READ),
        ],
    )
    if READ[persona] == 200:
        assert response["Content-Type"] == XLSX
        assert response["Content-Disposition"] == (
            'attachment; filename="mscp-ess-meeting-2024-09-10.xlsx"'
        )


@pytest.mark.parametrize("persona", PERSONAS)
def test_trying_a_failed_pack_again_for_each_persona(client_for, persona, stored):
    client = client_for(persona)
    address = url("reporting:stored_pack_retry", stored["failed"].pk)
    assert client.get(address).status_code == (302 if persona == "anonymous" else 405)
    response = client.post(address)
    assert response.status_code == {**READ, "staff": 302, "chair": 302, "board": 302}[persona]
    again = StoredPack.objects.exclude(pk__in=[p.pk for p in stored.values()])
    if READ[persona] == 200:
        # A new render of the same pack (made already: the tests run tasks as they are queued).
        assert response["Location"] == url("reporting:stored_pack", again.get().pk) + "?download=1"
        assert again.get().status == StoredPack.Status.READY
    else:
        assert not again.exists()
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("login"))
    response = client.post(url("reporting:stored_pack_retry", stored["medway"].pk))
    assert response.status_code == NOWHERE[persona]


def test_unknown_formats_and_other_methods_are_refused(client_for, meetings):
    client = client_for("staff")
    board = meetings["board"]
    assert client.get(f"/merton/meetings/{board.pk}/pack.docx").status_code == 404
    assert client.post(url("reporting:meeting_pack", board.pk, "xlsx")).status_code == 405
    assert client.post(url("reporting:partnership_pack", "xlsx")).status_code == 405
    assert client.post(url("reporting:meetings")).status_code == 405


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def test_a_board_meetings_excel_report_covers_every_plan(client_for, meetings):
    response = client_for("chair").get(url("reporting:meeting_pack", meetings["board"].pk, "xlsx"))
    assert response["Content-Disposition"] == (
        'attachment; filename="mscp-partnership-meeting-2024-09-15.xlsx"'
    )
    assert "no-store" in response["Cache-Control"]
    book = workbook(response)
    assert book.sheetnames == [
        *PACK_SHEETS,
        "Effective Safeguarding 2024-25",
        "Promote and Protect 2021-22",
    ]
    assert book["Summary"]["A1"].value == "Full Partnership – September – 15 September 2024"


def test_a_subgroup_meetings_report_covers_its_own_plans(client_for, meetings):
    book = workbook(
        client_for("board").get(url("reporting:meeting_pack", meetings["ess"].pk, "xlsx"))
    )
    assert book.sheetnames == [*PACK_SHEETS, "Effective Safeguarding 2024-25"]


def test_plan_and_partnership_reports_are_as_at_today(client_for, meetings):
    client = client_for("board")
    today = timezone.localdate()
    response = client.get(url("reporting:plan_pack", ess_plan().pk, "xlsx"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="mscp-ess-2024-25-{today:%Y-%m-%d}.xlsx"'
    )
    book = workbook(response)
    assert book.sheetnames == [*PACK_SHEETS, "Effective Safeguarding 2024-25"]
    facts = {row[0]: row[1] for row in book["Summary"].iter_rows(max_row=10, values_only=True)}
    assert facts["Ratings as at"].date() == today
    assert facts["Changes since"].date() == D("2024-09-15")  # the board's last meeting
    response = client.get(url("reporting:partnership_pack", "xlsx"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="mscp-all-plans-{today:%Y-%m-%d}.xlsx"'
    )
    assert workbook(response).sheetnames == [
        *PACK_SHEETS,
        "Effective Safeguarding 2024-25",
        "Promote and Protect 2021-22",
    ]


def test_file_names_are_built_from_slugified_parts(client_for, meetings):
    Partnership.objects.filter(slug="merton").update(short_name='M"S\r\nCP/..\\')
    Group.objects.filter(pk=meetings["ess"].group_id).update(short_name="Évaluation & «QA»")
    response = client_for("staff").get(url("reporting:meeting_pack", meetings["ess"].pk, "xlsx"))
    assert response["Content-Disposition"] == (
        'attachment; filename="ms-cp-evaluation-qa-meeting-2024-09-10.xlsx"'
    )


def test_the_meetings_list(client_for, meetings):
    html = client_for("board").get(url("reporting:meetings")).content.decode()
    assert "Full Partnership – September" in html
    assert url("reporting:meeting", meetings["ess"].pk) in html
    assert url("reporting:partnership_pack", "pdf") in html
    assert url("reporting:partnership_pack", "xlsx") in html
    assert "Add a meeting" not in html
    assert url("reporting:meeting_edit", meetings["ess"].pk) not in html
    assert 'aria-current="page"' in html and ">Meetings<" in html
    assert "1 May 2022" not in html  # Medway's meeting

    html = client_for("staff").get(url("reporting:meetings")).content.decode()
    assert "Add a meeting" in html
    assert url("reporting:meeting_edit", meetings["ess"].pk) in html


@pytest.mark.both_databases  # query counts
def test_the_meeting_page_says_what_its_pack_covers(
    client_for, meetings, django_assert_max_num_queries
):
    client = client_for("chair")
    # 16: and the chair's groups, for whether they may read the board of updates, and the
    # menu's count of updates waiting for their review.
    with django_assert_max_num_queries(16):
        response = client.get(url("reporting:meeting", meetings["board"].pk))
    html = response.content.decode()
    assert "Effective Safeguarding and Support Subgroup Work Plan 2024-25" in html
    assert "Promote and Protect Young People Sub-Group Workplan 2021-22" in html
    assert "2 plans, 33 actions" in html
    assert "1 off track" in html
    assert "15 June 2024" in html  # the previous meeting: changes since
    assert "Download PDF pack" in html and "Download Excel report" in html
    assert url("reporting:meeting_pack", meetings["board"].pk, "pdf") in html
    assert url("reporting:meeting_pack", meetings["board"].pk, "xlsx") in html
    assert url("reporting:meeting_edit", meetings["board"].pk) not in html

    html = client.get(url("reporting:meeting", meetings["ess"].pk)).content.decode()
    assert "1 plan, 13 actions" in html
    assert "Promote and Protect" not in html


def test_the_plan_page_offers_its_pack_as_at_today(client_for, personas):
    plan = ess_plan()
    html = client_for("board").get(url("plans:plan", plan.pk)).content.decode()
    assert url("reporting:plan_pack", plan.pk, "pdf") in html
    assert url("reporting:plan_pack", plan.pk, "xlsx") in html


def test_staff_add_a_meeting(client_for, personas):
    client = client_for("staff")
    response = client.get(url("reporting:meeting_create"))
    choices = [str(group) for group in response.context["form"].fields["group"].queryset]
    assert "Effective Safeguarding and Support Subgroup" in choices
    assert "Youth Crime Executive Board" not in choices  # a partner body does not meet here
    assert "MSCP Executive" not in choices  # Medway's board
    response = client.post(
        url("reporting:meeting_create"),
        {"group": group("ESS").pk, "held_on": "2024-12-03", "title": "ESS – December",
         "reporting_period": "Quarter 3, 2024-25"},
    )  # fmt: skip
    meeting = Meeting.objects.get(group=group("ESS"), held_on=D("2024-12-03"))
    assert response.status_code == 302
    assert response["Location"] == url("reporting:meeting", meeting.pk)
    assert meeting.title == "ESS – December"
    assert meeting.reporting_period == "Quarter 3, 2024-25"


def test_adding_a_meeting_explains_what_is_wrong(client_for, meetings):
    client = client_for("staff")
    response = client.post(
        url("reporting:meeting_create"), {"group": group("ESS").pk, "held_on": "2024-09-10"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "This group already has a meeting on this date" in html
    response = client.post(
        url("reporting:meeting_create"),
        {"group": group("Executive", "medway").pk, "held_on": "2024-31-12"},
    )
    html = response.content.decode()
    assert "Choose one of the partnership&#x27;s groups" in html
    assert "Enter a real date" in html
    assert Meeting.objects.count() == 4


def test_staff_change_a_meeting(client_for, meetings):
    meeting = meetings["ess"]
    response = post_form(
        client_for("staff"),
        url("reporting:meeting_edit", meeting.pk),
        held_on="2024-09-11",
        title="Moved",
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.title) == (D("2024-09-11"), "Moved")


@pytest.mark.parametrize("persona", ["chair", "board", "outsider"])
def test_only_staff_may_add_or_change_meetings(client_for, persona, meetings):
    client = client_for(persona)
    data = {"group": group("ESS").pk, "held_on": "2024-12-03", "title": "Sneaky"}
    assert client.post(url("reporting:meeting_create"), data).status_code in (403, 404)
    assert client.post(url("reporting:meeting_edit", meetings["ess"].pk), data).status_code in (
        403,
        404,
    )
    assert not Meeting.objects.filter(title="Sneaky").exists()


# The make_pack command.


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("make_pack", *args, stdout=out)
    return out.getvalue().split()


def test_make_pack_writes_a_meetings_files(meetings, tmp_path):
    """Both formats by default, into a directory it creates."""
    paths = run("--partnership", "merton", "--meeting", str(meetings["ess"].pk),
                "--output", str(tmp_path / "packs"))  # fmt: skip
    assert paths == [
        str(tmp_path / "packs" / "mscp-ess-meeting-2024-09-10.pdf"),
        str(tmp_path / "packs" / "mscp-ess-meeting-2024-09-10.xlsx"),
    ]
    assert open(paths[0], "rb").read(5) == b"%PDF-"
    book = load_workbook(paths[1])
    assert book.sheetnames == [*PACK_SHEETS, "Effective Safeguarding 2024-25"]
    assert book["Summary"]["A1"].value.endswith("Subgroup – 10 September 2024")


def test_make_pack_of_a_plan_or_the_partnership_as_at_a_day(meetings, tmp_path):
    plan = ess_plan()
    paths = run("--partnership", "merton", "--plan", str(plan.pk), "--as-at", "2024-09-30",
                "--format", "xlsx", "--output", str(tmp_path))  # fmt: skip
    assert paths == [str(tmp_path / "mscp-ess-2024-25-2024-09-30.xlsx")]
    summary = load_workbook(paths[0])["Summary"]
    facts = {row[0]: row[1] for row in summary.iter_rows(max_row=10, values_only=True)}
    assert facts["Ratings as at"] == dt.datetime(2024, 9, 30)
    assert facts["Changes since"] == dt.datetime(2024, 9, 15)

    paths = run("--partnership", "merton", "--format", "xlsx", "--output", str(tmp_path))
    assert paths == [str(tmp_path / f"mscp-all-plans-{timezone.localdate():%Y-%m-%d}.xlsx")]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--partnership", "nowhere"], "No partnership has the slug 'nowhere'"),
        (["--partnership", "merton", "--meeting", "MEDWAY"], "has no meeting"),
        (["--partnership", "merton", "--plan", "0"], "has no plan 0"),
        (["--partnership", "merton", "--meeting", "BOARD", "--as-at", "2024-01-01"], "--as-at"),
        (["--partnership", "merton", "--as-at", "30/09/2024"], "not a date"),
    ],
)
def test_make_pack_refuses_what_it_cannot_do(meetings, tmp_path, args, message):
    ids = {"MEDWAY": str(meetings["medway"].pk), "BOARD": str(meetings["board"].pk)}
    args = [ids.get(arg, arg) for arg in args]
    with pytest.raises(CommandError, match=message):
        run(*args, "--output", str(tmp_path))
    assert not list(tmp_path.iterdir())
