"""Packs rendered in the background and stored: queued on the first click, served when ready,
reused while they still say what the pack says, made again when they do not, and a failure
shown in plain words. (Who may see which stored pack: tests/test_meetings.py.)

The tests run each task as it is queued (settings_test); `queue` holds them instead, as the
database queue does until a worker takes them, and `run_queued` is that worker.
"""

import datetime as dt
import io
import logging
import signal
import time

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from actions.models import Action
from plans.models import AuditEvent, Plan, RagRating
from reporting.fingerprints import pack_fingerprint
from reporting.models import RENDER_TIME_LIMIT, Meeting, StoredPack
from reporting.pack_files import Subject
from reporting.packs import pack_for_meeting
from reporting.stored_packs import KEEP_RENDERS, render_stored_pack, request_stored_pack
from tests.helpers import entered, ess_action, ess_plan, new_meeting, rated, url

# On both databases (scripts/test): renders claimed under a lock (select_for_update),
# database constraints, query counts.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

D = dt.date.fromisoformat
Status = StoredPack.Status


@pytest.fixture
def meeting(personas):
    """ESS met on 10 September 2024; action 2.1 was rated Overdue on the 1st."""
    rated(ess_action(), "Overdue", "2024-09-01", commentary="The trainer left")
    return new_meeting("ESS", "2024-09-10", title="ESS – September")


@pytest.fixture
def queue(settings):
    """Tasks wait until run_queued runs them, as in the database queue until a worker comes."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    return default_task_backend


def run_queued(queue) -> int:
    """Run every queued task as the worker does (task.call), then empty the queue."""
    results = list(queue.results)
    for result in results:
        result.task.call(*result.args, **result.kwargs)
    queue.clear()
    return len(results)


@pytest.fixture
def logged():
    """The records logged by reporting.stored_packs (the tests run with pytest's logging plugin
    off, so there is no caplog)."""
    records = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append
    logger = logging.getLogger("reporting.stored_packs")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def page_of(stored) -> str:
    return url("reporting:stored_pack", stored.pk)


# The first click, the wait, the file ---------------------------------------------------------


def test_the_first_click_queues_a_render_and_shows_that_it_is_being_prepared(
    client_for, meeting, queue
):
    client = client_for("board")
    response = client.get(url("reporting:meeting_pack", meeting.pk, "pdf"))
    stored = StoredPack.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_of(stored) + "?download=1"
    assert (stored.status, stored.meeting, stored.format) == (Status.QUEUED, meeting, "pdf")
    assert stored.as_at == D("2024-09-10")
    assert stored.requested_by.username == "board-persona"
    assert stored.filename == "mscp-ess-meeting-2024-09-10.pdf"
    assert len(queue.results) == 1
    assert queue.results[0].args == [stored.pk]

    response = client.get(response["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preparing the PDF pack…" in html
    assert "ESS – September – 10 September 2024" in html  # what it covers
    assert "waiting its turn" in html
    assert response["Refresh"] == "2"  # the page checks again by itself
    assert "no-store" in response["Cache-Control"]
    assert url("reporting:stored_pack_file", stored.pk) not in html
    # Nothing downloaded yet.
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.PACK_DOWNLOADED).exists()

    # A second click while it waits reuses it: no second render.
    response = client_for("chair").get(url("reporting:meeting_pack", meeting.pk, "pdf"))
    assert response["Location"] == page_of(stored) + "?download=1"
    assert StoredPack.objects.count() == 1 and len(queue.results) == 1


def test_when_the_task_has_run_the_page_offers_the_file(client_for, meeting, queue):
    client = client_for("board")
    page = client.get(url("reporting:meeting_pack", meeting.pk, "pdf"))["Location"]
    assert run_queued(queue) == 1
    stored = StoredPack.objects.get()
    assert stored.status == Status.READY
    assert stored.started_at <= stored.finished_at
    assert stored.size == len(stored.content) > 1000
    assert len(stored.fingerprint) == 64

    response = client.get(page)
    html = response.content.decode()
    file_url = url("reporting:stored_pack_file", stored.pk)
    assert "The PDF pack is ready" in html
    assert f'href="{file_url}">Download mscp-ess-meeting-2024-09-10.pdf</a> (PDF, ' in html
    assert "Your download should start by itself" in html
    # Sent after a click: the browser goes on to the file by itself (the link stays).
    assert response["Refresh"] == f"0; url={file_url}"
    # Come back to the page later (no ?download): the link only.
    response = client.get(page_of(stored))
    assert "Refresh" not in response and file_url in response.content.decode()

    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="mscp-ess-meeting-2024-09-10.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "ESS – September" in text and "10 September 2024" in text
    assert "The trainer left" in text
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PACK_DOWNLOADED)
    assert event.summary == "Downloaded mscp-ess-meeting-2024-09-10.pdf"
    assert (event.object_id, event.path) == (str(meeting.pk), file_url)


@pytest.mark.usefixtures("stub_pdf_render")  # which file is served, not what it says
def test_a_second_click_is_served_the_stored_file_at_once(client_for, meeting, queue):
    client = client_for("board")
    client.get(url("reporting:meeting_pack", meeting.pk, "pdf"))
    run_queued(queue)
    stored = StoredPack.objects.get()

    response = client_for("staff").get(url("reporting:meeting_pack", meeting.pk, "pdf"))
    assert response.status_code == 200
    assert response.content == bytes(stored.content)
    assert response["Content-Disposition"] == (
        'attachment; filename="mscp-ess-meeting-2024-09-10.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert StoredPack.objects.count() == 1 and not queue.results  # nothing made again
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PACK_DOWNLOADED)
    assert event.path == url("reporting:meeting_pack", meeting.pk, "pdf")


# When a stored file is stale ----------------------------------------------------------------


def ready_meeting_pack(meeting, fmt="xlsx") -> StoredPack:
    stored, created, _ = request_stored_pack(
        subject=Subject(meeting.group.partnership, meeting=meeting), fmt=fmt, as_at=D("2024-10-01")
    )
    assert created
    render_stored_pack(stored.pk)
    stored.refresh_from_db()
    assert stored.status == Status.READY
    return stored


def click(client, meeting, fmt="pdf"):
    return client.get(url("reporting:meeting_pack", meeting.pk, fmt))


def test_a_progress_update_the_pack_covers_makes_it_stale(client_for, meeting, queue):
    first = ready_meeting_pack(meeting, "pdf")
    client = client_for("board")
    assert click(client, meeting).status_code == 200  # fresh: served

    # Entered on the day of the meeting: the meeting's pack says something new.
    rated(ess_action("2.2"), "On track", "2024-09-10", created_at=entered("2024-09-10", 9),
          commentary="Dates agreed with the new trainer")  # fmt: skip
    response = click(client, meeting)
    assert response.status_code == 302
    second = StoredPack.objects.exclude(pk=first.pk).get()
    assert response["Location"] == page_of(second) + "?download=1"
    assert second.status == Status.QUEUED
    run_queued(queue)
    second.refresh_from_db()
    assert second.fingerprint != first.fingerprint
    assert "Dates agreed with the new trainer" in pdf_text(bytes(second.content))
    assert click(client, meeting).status_code == 200
    assert StoredPack.objects.count() == 2


def test_what_a_past_meetings_pack_does_not_show_does_not_make_it_stale(client_for, meeting):
    stored = ready_meeting_pack(meeting)
    client = client_for("board")
    # Entered after the meeting (about a day before it, or after): not in its pack.
    rated(ess_action("2.2"), "On track", "2024-09-09", created_at=entered("2024-09-11"),
          commentary="Typed in late")  # fmt: skip
    # Nor is another partnership's plan.
    Action.objects.filter(outcome__plan__title__startswith="Medway").update(text="Changed")
    response = click(client, meeting, "xlsx")
    assert response.status_code == 200
    assert response.content == bytes(stored.content)
    assert StoredPack.objects.count() == 1

    # An edit to an action of the plan does show, even in a past meeting's pack.
    action = ess_action("2.2")
    action.lead = "Sarah Brewster, MSCP BSU"
    action.save()
    assert click(client, meeting, "xlsx").status_code == 200
    assert StoredPack.objects.count() == 2


def test_a_pack_as_at_today_is_made_again_the_next_day(client_for, personas):
    plan = ess_plan()
    subject = Subject(plan.group.partnership, plan=plan)
    stored, _, _ = request_stored_pack(subject=subject, fmt="xlsx", as_at=D("2024-10-01"))
    render_stored_pack(stored.pk)
    again, created, _ = request_stored_pack(subject=subject, fmt="xlsx", as_at=D("2024-10-01"))
    assert (again.pk, created) == (stored.pk, False)
    tomorrow, created, _ = request_stored_pack(subject=subject, fmt="xlsx", as_at=D("2024-10-02"))
    assert created and tomorrow.pk != stored.pk
    # The view asks for today's.
    response = client_for("board").get(url("reporting:plan_pack", plan.pk, "xlsx"))
    today = timezone.localdate()
    assert response["Content-Disposition"].endswith(f'-{today:%Y-%m-%d}.xlsx"')
    assert StoredPack.objects.filter(as_at=today, status=Status.READY).count() == 1


def test_the_fingerprint_follows_what_the_pack_says(meeting, personas):
    pack = pack_for_meeting(meeting)
    fingerprint = pack_fingerprint(pack, "pdf")
    assert pack_fingerprint(pack_for_meeting(meeting), "pdf") == fingerprint  # built anew
    assert pack_fingerprint(pack, "xlsx") != fingerprint
    # The author of an update signing in changes nothing the pack shows.
    update = ess_action().progress_updates.get()
    update.author = personas["chair"]
    update.save()
    fingerprint = pack_fingerprint(pack_for_meeting(meeting), "pdf")
    personas["chair"].last_login = timezone.now()
    personas["chair"].save()
    assert pack_fingerprint(pack_for_meeting(meeting), "pdf") == fingerprint
    # Their name does.
    personas["chair"].last_name = "Okafor"
    personas["chair"].save()
    assert pack_fingerprint(pack_for_meeting(meeting), "pdf") != fingerprint
    # So does the meeting's title, and a rating's words.
    fingerprint = pack_fingerprint(pack_for_meeting(meeting), "pdf")
    Meeting.objects.filter(pk=meeting.pk).update(title="ESS – September (rearranged)")
    meeting.refresh_from_db()
    assert pack_fingerprint(pack_for_meeting(meeting), "pdf") != fingerprint
    fingerprint = pack_fingerprint(pack_for_meeting(meeting), "pdf")
    RagRating.objects.filter(partnership__slug="merton", label="Overdue").update(label="Late")
    assert pack_fingerprint(pack_for_meeting(meeting), "pdf") != fingerprint


# Excel: made while the browser waits, stored the same way ------------------------------------


def test_an_excel_report_is_made_at_once_and_stored(client_for, meeting, queue):
    client = client_for("board")
    response = click(client, meeting, "xlsx")
    assert response.status_code == 200  # no waiting page, no task
    assert not queue.results
    stored = StoredPack.objects.get()
    assert (stored.status, stored.format, stored.requested_by) == (
        Status.READY, "xlsx", response.wsgi_request.user
    )  # fmt: skip
    assert response.content == bytes(stored.content)
    assert click(client, meeting, "xlsx").content == response.content
    assert StoredPack.objects.count() == 1


# Failures ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("stub_pdf_render")  # the retry's render: made, not read
def test_a_render_that_fails_says_so_in_plain_words(client_for, meeting, monkeypatch, logged):
    def broken(pack, fmt):
        raise RuntimeError("cairo: surface finished (internal detail)")

    monkeypatch.setattr("reporting.stored_packs.render_pack", broken)
    client = client_for("chair")
    response = click(client, meeting)
    stored = StoredPack.objects.get()
    assert stored.status == Status.FAILED and stored.content is None
    assert stored.error.startswith("something went wrong while laying it out")

    response = client.get(response["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "The PDF pack could not be made" in html
    assert "The pack could not be made: something went wrong while laying it out" in html
    assert "Try again, or tell your business support team." in html
    assert url("reporting:stored_pack_retry", stored.pk) in html
    assert "cairo" not in html and "Traceback" not in html and "RuntimeError" not in html
    assert "Refresh" not in response
    assert client.get(url("reporting:stored_pack_file", stored.pk))["Location"] == page_of(stored)
    # The traceback is in the log, for whoever looks after the server.
    [record] = [r for r in logged if r.levelno == logging.ERROR]
    assert record.getMessage() == f"Could not make stored pack {stored.pk} ({stored.filename})"
    assert record.exc_info[0] is RuntimeError

    # Fixed; try again: a new render, made (at once, in the tests), and its page.
    monkeypatch.undo()
    response = client.post(url("reporting:stored_pack_retry", stored.pk))
    again = StoredPack.objects.exclude(pk=stored.pk).get()
    assert response["Location"] == page_of(again) + "?download=1"
    assert again.status == Status.READY and again.as_at == stored.as_at
    # Trying a pack that did not fail does nothing but show it.
    response = client.post(url("reporting:stored_pack_retry", again.pk))
    assert response["Location"] == page_of(again) and StoredPack.objects.count() == 2


def test_a_failed_excel_report_shows_its_page_not_an_error(client_for, meeting, monkeypatch):
    monkeypatch.setattr("reporting.stored_packs.render_pack", lambda pack, fmt: 1 / 0)
    client = client_for("board")
    response = click(client, meeting, "xlsx")
    stored = StoredPack.objects.get()
    assert response["Location"] == page_of(stored) + "?download=1"
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "The Excel report could not be made" in response.content.decode()


def test_a_render_past_the_time_limit_has_failed_and_may_be_tried_again(client_for, meeting, queue):
    client = client_for("board")
    click(client, meeting)
    stuck = StoredPack.objects.get()
    # Its worker took it, then died: the row says "rendering" for ever.
    long_ago = timezone.now() - RENDER_TIME_LIMIT - dt.timedelta(seconds=1)
    StoredPack.objects.filter(pk=stuck.pk).update(status=Status.RENDERING, started_at=long_ago)
    queue.clear()

    response = client.get(page_of(stuck))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The pack could not be made: it was not ready within 10 minutes." in html
    assert "Refresh" not in response

    # A click on the download link does not wait for it: a new render is queued.
    response = click(client, meeting)
    fresh = StoredPack.objects.exclude(pk=stuck.pk).get()
    assert response["Location"] == page_of(fresh) + "?download=1"
    assert fresh.status == Status.QUEUED and len(queue.results) == 1

    # Trying the stuck one again records that it failed (a late finish cannot undo that)
    # and joins the render on its way rather than queueing a third.
    response = client.post(url("reporting:stored_pack_retry", stuck.pk))
    assert response["Location"] == page_of(fresh) + "?download=1"
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == (Status.FAILED, "it was not ready within 10 minutes")
    assert StoredPack.objects.count() == 2 and len(queue.results) == 1


def test_a_pack_queued_while_no_worker_runs_has_failed_after_the_limit(client_for, meeting, queue):
    client = client_for("board")
    click(client, meeting)
    stored = StoredPack.objects.get()
    assert client.get(page_of(stored))["Refresh"] == "2"
    StoredPack.objects.update(created_at=timezone.now() - dt.timedelta(seconds=30))
    assert client.get(page_of(stored))["Refresh"] == "5"  # checks less often as it waits
    StoredPack.objects.update(created_at=timezone.now() - RENDER_TIME_LIMIT)
    html = client.get(page_of(stored)).content.decode()
    assert "it was not ready within 10 minutes" in html and "Try again" in html


def test_a_render_given_up_on_while_it_ran_is_not_overwritten(meeting, monkeypatch):
    """The worker finishes after the person was told it failed and tried again."""
    from reporting import stored_packs

    stored = StoredPack.objects.create(
        partnership=meeting.group.partnership, meeting=meeting, format="xlsx",
        as_at=meeting.held_on, filename="x.xlsx", content_type="application/x",
    )  # fmt: skip
    real = stored_packs.render_pack

    def slow(pack, fmt):
        stored_packs.give_up(StoredPack.objects.get(pk=stored.pk))  # meanwhile, in a request
        return real(pack, fmt)

    monkeypatch.setattr("reporting.stored_packs.render_pack", slow)
    render_stored_pack(stored.pk)
    stored.refresh_from_db()
    assert (stored.status, stored.content) == (Status.FAILED, None)
    render_stored_pack(stored.pk)  # and a task run twice does nothing the second time
    stored.refresh_from_db()
    assert stored.status == Status.FAILED


def test_the_worker_stops_a_render_that_runs_too_long(meeting, monkeypatch, logged):
    finished = []

    def endless(pack, fmt):
        time.sleep(60)
        finished.append(fmt)

    monkeypatch.setattr("reporting.stored_packs.render_pack", endless)
    stored = StoredPack.objects.create(
        partnership=meeting.group.partnership, meeting=meeting, format="pdf",
        as_at=meeting.held_on, filename="x.pdf", content_type="application/pdf",
    )  # fmt: skip
    render_stored_pack(stored.pk, limit=0.2)
    assert not finished, "stopped in its sleep, not after it"  # no clock read: load-proof
    stored.refresh_from_db()
    assert stored.status == Status.FAILED
    assert stored.error == "it took longer than 10 minutes to lay out, and was stopped"
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL  # put back as it was


# What is kept ------------------------------------------------------------------------------


def test_only_the_newest_renders_of_a_pack_are_kept(meeting):
    made = []
    for day in range(1, KEEP_RENDERS + 3):
        subject = Subject(meeting.group.partnership)
        stored, _, _ = request_stored_pack(
            subject=subject, fmt="xlsx", as_at=D(f"2024-10-{day:02}")
        )
        render_stored_pack(stored.pk)
        made.append(stored.pk)
    kept = StoredPack.objects.filter(meeting=None, plan=None).values_list("pk", flat=True)
    assert sorted(kept) == made[-KEEP_RENDERS:]
    # Another subject's renders are not counted with them.
    ready_meeting_pack(meeting)
    assert StoredPack.objects.count() == KEEP_RENDERS + 1


def test_the_database_refuses_a_pack_that_does_not_add_up(meeting):
    fields = dict(partnership=meeting.group.partnership, format="pdf", as_at=meeting.held_on,
                  filename="x.pdf", content_type="application/pdf")  # fmt: skip
    for bad in [
        {"status": Status.READY},  # no file
        {"status": Status.QUEUED, "content": b"%PDF-"},
        {"status": Status.FAILED},  # no reason
        {"status": Status.QUEUED, "error": "oops"},
        {"status": Status.RENDERING},  # not started
        {"meeting": meeting, "plan": ess_plan()},
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            StoredPack.objects.create(**fields, **bad)


def test_a_pack_of_a_deleted_plan_is_not_found(client_for, personas):
    plan = ess_plan()
    stored, _, _ = request_stored_pack(
        subject=Subject(plan.group.partnership, plan=plan), fmt="xlsx", as_at=D("2024-10-01")
    )
    client = client_for("staff")
    assert client.get(page_of(stored)).status_code == 200
    Plan.objects.filter(pk=plan.pk).update(deleted_at=timezone.now())
    assert client.get(page_of(stored)).status_code == 404


# The page's cost ----------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["queued", "ready", "failed"])
def test_the_page_of_a_stored_pack_costs_a_fixed_number_of_queries(
    client_for, meeting, state, django_assert_max_num_queries
):
    stored = ready_meeting_pack(meeting)
    if state != "ready":
        StoredPack.objects.filter(pk=stored.pk).update(
            status=state, content=None, error="it broke" if state == "failed" else ""
        )
    client = client_for("board")
    client.get(page_of(stored))  # the session's first request
    # Session, user, membership, the stored pack and its subject (one query, joined).
    with django_assert_max_num_queries(4):
        response = client.get(page_of(stored))
    assert response.status_code == 200


# make_pack --store ------------------------------------------------------------------------


def test_make_pack_can_store_the_pack_for_the_downloads(client_for, meeting, tmp_path):
    out = io.StringIO()
    call_command(
        "make_pack", "--partnership", "merton", "--meeting", str(meeting.pk), "--format", "xlsx",
        "--store", "--output", str(tmp_path), stdout=out,
    )  # fmt: skip
    stored = StoredPack.objects.get()
    assert out.getvalue() == f"mscp-ess-meeting-2024-09-10.xlsx: stored pack {stored.pk}, made\n"
    assert stored.status == Status.READY and stored.requested_by is None
    assert not list(tmp_path.iterdir())
    # The next download is served the stored file.
    response = click(client_for("board"), meeting, "xlsx")
    assert response.content == bytes(stored.content)
    out = io.StringIO()
    call_command("make_pack", "--partnership", "merton", "--meeting", str(meeting.pk),
                 "--format", "xlsx", "--store", stdout=out)  # fmt: skip
    assert out.getvalue().endswith(f"stored pack {stored.pk}, already stored\n")
    assert StoredPack.objects.count() == 1
