"""Locking a meeting's period: its pack rates as at the lock, its files are kept and served
byte for byte for ever, corrections are new updates noted on the form, and unlocking needs a
reason that the audit log keeps.

`queue` holds background tasks (the PDF render) instead of running them, as in
tests/test_stored_packs.py; the Excel report is made in the request either way.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from actions.models import Action, ProgressUpdate
from actions.progress import record_progress
from actions.review import accept_update
from plans.models import AuditEvent
from reporting.as_at import cutoff_for
from reporting.locks import LockRefused, lock_meeting, unlock_meeting
from reporting.models import Meeting, StoredPack
from reporting.packs import end_of_day, pack_for_meeting
from reporting.stored_packs import KEEP_RENDERS
from tests.factories import ProgressUpdateFactory, UserFactory
from tests.helpers import (
    NOWHERE,
    PERSONAS,
    STAFF_ONLY,
    check_personas,
    group,
    new_meeting,
    post_form,
    rating,
    url,
)

# Locks keep files and serve them unchanged: no test here reads a PDF, so WeasyPrint is
# stubbed (tests/test_pdf.py and tests/test_stored_packs.py render for real).
# On both databases (scripts/test): locking a meeting (select_for_update) and the files kept
# in its transaction.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("stub_pdf_render"),
    pytest.mark.both_databases,
]

D = dt.date.fromisoformat
Status = StoredPack.Status


def action(number="2.1", plan="Effective Safeguarding"):
    return Action.objects.select_related("outcome__plan__group").get(
        outcome__plan__title__startswith=plan, number=number
    )


def line(pack, number):
    return next(line for line in pack.lines if line.action.number == number)


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    return default_task_backend


@pytest.fixture
def meeting(personas):
    """ESS meets today; action 2.1 was rated At risk five days ago."""
    five_days_ago = timezone.now() - dt.timedelta(days=5)
    ProgressUpdateFactory(
        action=action(), rating=rating("At risk"), reported_on=timezone.localdate(five_days_ago),
        created_at=five_days_ago, commentary="The trainer left",
    )  # fmt: skip
    return Meeting.objects.create(group=group("ESS"), held_on=timezone.localdate(), title="ESS")


def kept(meeting, fmt="xlsx"):
    return StoredPack.objects.filter(meeting=meeting, kept=True, format=fmt)


def download(client, meeting, fmt="xlsx"):
    return client.get(url("reporting:meeting_pack", meeting.pk, fmt))


# Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_lock_pages_for_each_persona(client_for, persona, meeting, queue, personas):
    medway = new_meeting("Executive", "2022-05-01", partnership="medway")
    locked = new_meeting("Partnership", "2024-09-15")
    lock_meeting(meeting=locked, user=personas["staff"])
    check_personas(
        client_for,
        persona,
        [
            ("get", url("reporting:meeting_lock", meeting.pk), STAFF_ONLY),
            ("get", url("reporting:meeting_unlock", locked.pk), STAFF_ONLY),
            # Another partnership's meeting through this partnership's address: never found.
            ("get", url("reporting:meeting_lock", medway.pk), NOWHERE),
            ("get", url("reporting:meeting_unlock", medway.pk), NOWHERE),
        ],
    )
    client = client_for(persona)
    if persona != "staff":
        assert client.post(url("reporting:meeting_lock", meeting.pk)).status_code in (302, 403, 404)
        client.post(url("reporting:meeting_unlock", locked.pk), {"reason": "Because"})
        meeting.refresh_from_db()
        locked.refresh_from_db()
        assert not meeting.locked and locked.locked


# Locking ----------------------------------------------------------------------------------


def test_locking_keeps_the_packs_files_and_every_download_gets_them(client_for, meeting):
    staff = client_for("staff")
    page = staff.get(url("reporting:meeting", meeting.pk)).content.decode()
    assert "Not locked: until business support staff lock it, the pack can still change." in page
    assert f'href="{url("reporting:meeting_lock", meeting.pk)}">Lock the pack</a>' in page

    confirm = staff.get(url("reporting:meeting_lock", meeting.pk)).content.decode()
    assert "Locking makes this meeting's pack final" in confirm
    assert "updates entered or accepted after the lock do not change it" in confirm
    assert "a correction is a new, recorded update" in confirm
    response = staff.post(url("reporting:meeting_lock", meeting.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("reporting:meeting", meeting.pk)
    meeting.refresh_from_db()
    assert meeting.locked and meeting.locked_by.username == "staff-persona"

    # Both files made (the PDF by the task, at once in the tests) and kept.
    pdf, xlsx = kept(meeting, "pdf").get(), kept(meeting, "xlsx").get()
    assert pdf.status == xlsx.status == Status.READY
    assert pdf.created_at >= meeting.locked_at and pdf.as_at == meeting.held_on
    html = response.content.decode()
    when = timezone.localtime(meeting.locked_at)
    assert f"Locked by Staff on {date_format(when, 'j F Y')} at {when:%H:%M}." in html
    assert pdf.filename in html and xlsx.filename in html
    assert f'href="{url("reporting:meeting_unlock", meeting.pk)}">Unlock the pack</a>' in html
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.MEETING_LOCKED)
    assert (event.summary, event.object_id) == (f"Locked the pack of {meeting}", str(meeting.pk))

    board = client_for("board")
    assert "Unlock the pack" not in board.get(url("reporting:meeting", meeting.pk)).content.decode()
    for fmt, stored in (("pdf", pdf), ("xlsx", xlsx)):
        response = download(board, meeting, fmt)
        assert response.status_code == 200
        assert response.content == bytes(stored.content)
    assert StoredPack.objects.count() == 2


def test_a_meeting_is_locked_once(client_for, meeting, queue, personas):
    lock_meeting(meeting=meeting, user=personas["staff"])
    with pytest.raises(LockRefused, match="already locked: Locked by Staff on"):
        lock_meeting(meeting=meeting, user=personas["staff"])
    response = client_for("staff").post(url("reporting:meeting_lock", meeting.pk), follow=True)
    assert "This meeting&#x27;s pack is already locked. Locked by Staff" in (
        response.content.decode()
    )
    assert StoredPack.objects.count() == 2  # nothing queued again
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MEETING_LOCKED).count() == 1


def test_a_locked_packs_bytes_do_not_change(client_for, meeting, queue, personas):
    """Not after a new update, nor after a lead's update submitted before the lock and
    accepted after it, nor after an edit to the plan (which an unlocked pack would show)."""
    lead = UserFactory(username="not-a-chair")  # not a reviewer: their update waits
    waiting = record_progress(action=action("2.2"), rating=rating("On track"),
                              commentary="Dates agreed", author=lead)  # fmt: skip
    assert waiting.status == ProgressUpdate.Status.SUBMITTED
    lock_meeting(meeting=meeting, user=personas["staff"])
    stored = kept(meeting).get()
    board = client_for("board")
    assert download(board, meeting).content == bytes(stored.content)

    record_progress(action=action(), rating=rating("Complete"), commentary="Trained",
                    author=personas["chair"])  # fmt: skip
    accept_update(update=waiting, reviewer=personas["chair"])
    changed = action("2.3")
    changed.text = "Changed after the lock"
    changed.save()
    meeting.refresh_from_db()
    assert download(board, meeting).content == bytes(stored.content)
    assert StoredPack.objects.filter(format="xlsx").count() == 1  # nothing made again
    # What the pack says is as at the lock, too.
    pack = pack_for_meeting(meeting)
    assert line(pack, "2.1").rating.label == "At risk"
    assert line(pack, "2.2").rating is None
    assert pack.cutoff == meeting.locked_at

    # Unlocked, the same meeting's pack has them (all entered by the end of its day).
    unlock_meeting(meeting=meeting, user=personas["staff"], reason="Add the late updates")
    meeting.refresh_from_db()
    pack = pack_for_meeting(meeting)
    assert line(pack, "2.1").rating.label == "Complete"
    assert line(pack, "2.2").rating.label == "On track"
    response = download(board, meeting)
    assert response.content != bytes(stored.content)


def test_a_lock_before_the_end_of_the_meeting_day_is_the_cutoff():
    end = dt.datetime(2024, 9, 10, 23, 59, 59, tzinfo=dt.UTC)
    before = dt.datetime(2024, 9, 9, 16, 0, tzinfo=dt.UTC)
    after = dt.datetime(2024, 9, 20, 9, 0, tzinfo=dt.UTC)
    assert cutoff_for(end, None) == end
    assert cutoff_for(end, before) == before
    assert cutoff_for(end, after) == end


def test_locking_a_past_meeting_keeps_its_pack_as_at_its_day(meeting, queue, personas):
    september = Meeting.objects.create(group=group("ESS"), held_on=D("2024-09-10"))
    ProgressUpdateFactory(
        action=action("2.2"), rating=rating("On track"), reported_on=D("2024-09-09"),
        created_at=end_of_day(D("2024-09-11")),  # typed in the day after the meeting
    )  # fmt: skip
    lock_meeting(meeting=september, user=personas["staff"])
    september.refresh_from_db()
    pack = pack_for_meeting(september)
    assert pack.cutoff == end_of_day(D("2024-09-10"))
    assert line(pack, "2.2").rating is None


def test_changes_are_since_what_the_previous_locked_pack_said(meeting, queue, personas):
    lock_meeting(meeting=meeting, user=personas["staff"])
    meeting.refresh_from_db()
    # After the lock, on the same day: not in the locked pack, so a change at the next one.
    record_progress(action=action(), rating=rating("On track"), commentary="Back on track",
                    author=personas["chair"])  # fmt: skip
    tomorrow = Meeting.objects.create(
        group=group("ESS"), held_on=timezone.localdate() + dt.timedelta(days=1)
    )
    pack = pack_for_meeting(tomorrow)
    assert line(pack, "2.1").previous_rating.label == "At risk"  # as the locked pack said
    assert line(pack, "2.1").rating.label == "On track"


# Unlocking ---------------------------------------------------------------------------------


def test_unlocking_needs_a_reason_is_audited_and_keeps_the_files(client_for, meeting, queue):
    staff = client_for("staff")
    staff.post(url("reporting:meeting_lock", meeting.pk))
    first = kept(meeting).get()

    response = staff.post(url("reporting:meeting_unlock", meeting.pk), {"reason": "  "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Unlock the pack" in html
    assert 'href="#id_reason">Enter why the pack needs to be unlocked</a>' in html
    meeting.refresh_from_db()
    assert meeting.locked
    with pytest.raises(ValidationError):
        unlock_meeting(meeting=meeting, user=None, reason="")

    reason = "Action 2.1 was rated against the wrong plan"
    response = staff.post(
        url("reporting:meeting_unlock", meeting.pk), {"reason": reason}, follow=True
    )
    meeting.refresh_from_db()
    assert not meeting.locked and meeting.locked_by is None
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.MEETING_UNLOCKED)
    assert event.summary == f"Unlocked the pack of {meeting}: {reason}"
    assert event.detail["reason"] == reason
    assert event.detail["locked_by"] == "staff-persona"
    assert event.username == "staff-persona"
    # The kept Excel file stays, listed as an earlier lock's; the PDF not yet made is dropped.
    assert kept(meeting).get() == first
    assert not kept(meeting, "pdf").exists()
    assert "Files kept by earlier locks (1)" in response.content.decode()

    # Locked again: new kept files, served from now on; the first stays.
    staff.post(url("reporting:meeting_lock", meeting.pk))
    meeting.refresh_from_db()
    assert kept(meeting).count() == 2
    second = kept(meeting).first()
    assert second.pk != first.pk and second.created_at >= meeting.locked_at
    assert download(staff, meeting).content == bytes(second.content)


def test_kept_files_are_never_pruned(client_for, meeting, queue, personas):
    lock_meeting(meeting=meeting, user=personas["staff"])
    first = kept(meeting).get()
    unlock_meeting(meeting=meeting, user=personas["staff"], reason="Reopened")
    meeting.refresh_from_db()
    board = client_for("board")
    changed = action("2.3")
    for n in range(KEEP_RENDERS + 2):
        changed.text = f"Edit {n}"
        changed.save()
        assert download(board, meeting).status_code == 200
    renders = StoredPack.objects.filter(meeting=meeting, format="xlsx")
    assert renders.filter(kept=False).count() == KEEP_RENDERS
    assert renders.filter(kept=True).get() == first


def test_a_kept_render_that_failed_is_made_again_as_kept(
    client_for, meeting, queue, personas, monkeypatch
):
    monkeypatch.setattr("reporting.stored_packs.render_pack", lambda pack, fmt: 1 / 0)
    lock_meeting(meeting=meeting, user=personas["staff"])
    failed = kept(meeting).get()
    assert failed.status == Status.FAILED
    monkeypatch.undo()
    client = client_for("board")
    response = client.post(url("reporting:stored_pack_retry", failed.pk))
    again = kept(meeting).exclude(pk=failed.pk).get()
    assert again.status == Status.READY
    assert response["Location"].startswith(url("reporting:stored_pack", again.pk))
    assert download(client, meeting).content == bytes(again.content)


# Corrections after the lock ----------------------------------------------------------------


def test_the_update_form_says_when_a_locked_pack_will_not_show_the_update(
    client_for, meeting, queue, personas
):
    lock_meeting(meeting=meeting, user=personas["staff"])
    stored = kept(meeting).get()
    held = date_format(meeting.held_on, "j F")
    note = (
        f"The pack for the meeting of {held} is locked: "
        "this update will show from the next meeting&#x27;s pack."
    )
    chair = client_for("chair")
    form = chair.get(url("actions:update", action().pk)).content.decode()
    assert note in form
    response = chair.post(
        url("actions:update", action().pk),
        {"rating": rating("Complete").pk, "commentary": "Corrected",
         "reported_on": meeting.held_on.isoformat()},
        follow=True,
    )  # fmt: skip
    assert f"Update saved for action 2.1. {note}" in response.content.decode()
    assert action().progress_updates.filter(commentary="Corrected").exists()  # still saved
    meeting.refresh_from_db()
    assert download(chair, meeting).content == bytes(stored.content)
    # An action the meeting does not cover (another group's plan): no note.
    other = client_for("staff").get(url("actions:update", action("1.1", "Promote").pk))
    assert "is locked" not in other.content.decode()


def test_a_locked_board_meeting_notes_every_plan_and_a_past_one_only_earlier_dates(
    client_for, meeting, queue, personas
):
    board_meeting = Meeting.objects.create(group=group("Partnership"), held_on=D("2024-09-15"))
    lock_meeting(meeting=board_meeting, user=personas["staff"])
    staff = client_for("staff")
    address = url("actions:update", action("1.1", "Promote").pk)
    assert "is locked" not in staff.get(address).content.decode()  # dated today: after it
    response = staff.post(
        address,
        {"rating": rating("On track").pk, "commentary": "Back-dated", "reported_on": "2024-09-01"},
        follow=True,
    )
    assert (
        "The pack for the meeting of 15 September 2024 is locked: this update will show from "
        "the next meeting&#x27;s pack."
    ) in response.content.decode()


def test_a_locked_meetings_group_and_date_cannot_change(client_for, personas):
    """Its kept pack says what stood on that day for that group's plans."""
    meeting = Meeting.objects.create(group=group("ESS"), held_on=D("2024-09-15"))
    lock_meeting(meeting=meeting, user=personas["staff"])
    data = {
        "held_on": "2024-09-16",
        "title": "Moved",
        "updates_open_on": "2024-08-18",
        "updates_due_on": "2024-09-05",
    }
    edit = url("reporting:meeting_edit", meeting.pk)
    response = post_form(client_for("staff"), edit, **data)
    assert response.status_code == 200
    assert "This meeting is locked, so its group and date cannot change" in (
        response.content.decode()
    )
    meeting.refresh_from_db()
    assert meeting.title != "Moved" and meeting.held_on == D("2024-09-15")
    data["held_on"] = "2024-09-15"
    assert post_form(client_for("staff"), edit, **data).status_code == 302
