"""Locking a meeting's period: its pack is made once, kept, and served unchanged for ever.

Locked, the pack rates each action as at the lock (or the end of the meeting day, if that
came first: reporting.packs.meeting_cutoff), so nothing entered or accepted afterwards
changes what it says; and the PDF and Excel files made at the lock are served byte for byte
(reporting.stored_packs.find_render), never pruned. Corrections are new updates, which show
from the next meeting's pack. Unlocking needs a reason, kept in the audit log; the kept
files stay, as the record of what was given to the board, and a new lock keeps new ones.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from plans import audit
from plans.models import Group
from reporting.models import Meeting, StoredPack
from reporting.pack_files import FORMATS, Subject
from reporting.stored_packs import request_stored_pack
from reporting.tasks import start_render


class LockRefused(Exception):
    """The meeting is already locked (or not locked, to unlock): the message says so."""


def lock_meeting(*, meeting: Meeting, user, request=None) -> Meeting:
    """Lock the meeting's period and queue its PDF and Excel packs as kept files, rated as
    at this moment. Returns the meeting as locked."""
    with transaction.atomic():
        current = _for_update(meeting)
        if current.locked:
            raise LockRefused(f"This meeting's pack is already locked: {locked_by_words(current)}.")
        save_lock(current, timezone.now(), user)
        subject = Subject(current.group.partnership, meeting=current)
        queued = []
        for fmt in FORMATS:
            # Never refused for the renders in flight: the board is sent these files.
            stored, created, _ = request_stored_pack(
                subject=subject, fmt=fmt, as_at=current.held_on, user=user, bounded=False
            )
            if created:
                queued.append(stored)
        summary = f"Locked the pack of {current}"
        detail = {"locked_at": current.locked_at.isoformat()}
        record(audit.Kind.MEETING_LOCKED, current, request, user, summary, detail)
    # Made after the commit: the Excel report now, in this request (a second or so), which
    # should not hold the meeting's row lock; the PDF by the worker, which must see the row.
    for stored in queued:
        start_render(stored)
    return current


def unlock_meeting(*, meeting: Meeting, user, reason: str, request=None) -> Meeting:
    """Unlock the meeting's period, saying why (kept in the audit log). Its kept files stay;
    any not yet made are dropped, as they would no longer be made as at the lock."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the pack is unlocked"})
    with transaction.atomic():
        current = _for_update(meeting)
        if not current.locked:
            raise LockRefused("This meeting's pack is not locked.")
        was = {
            "reason": reason,
            "locked_at": current.locked_at.isoformat(),
            "locked_by": current.locked_by.get_username() if current.locked_by else "",
        }
        save_lock(current, None, None)
        StoredPack.objects.filter(
            meeting=current,
            kept=True,
            status__in=[StoredPack.Status.QUEUED, StoredPack.Status.RENDERING],
        ).delete()
        summary = f"Unlocked the pack of {current}: {reason}"
        record(audit.Kind.MEETING_UNLOCKED, current, request, user, summary, was)
    return current


def save_lock(meeting: Meeting, locked_at, locked_by) -> None:
    meeting.locked_at = locked_at
    meeting.locked_by = locked_by
    meeting.full_clean()
    meeting.save(update_fields=["locked_at", "locked_by"])


def record(kind, meeting: Meeting, request, user, summary: str, detail: dict) -> None:
    """A lock or unlock, in the audit log of the meeting's partnership."""
    audit.record(
        kind,
        request=request,
        user=user,
        partnership=meeting.group.partnership,
        obj=meeting,
        summary=summary,
        detail=detail,
    )


def _for_update(meeting: Meeting) -> Meeting:
    # The row locked to the end of the transaction, so two staff at once cannot both lock.
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("group__partnership", "locked_by")
        .get(pk=meeting.pk)
    )


def locked_by_words(meeting: Meeting) -> str:
    """ "Locked by Zoe Gallen on 14 September 2024 at 16:02"."""
    who = meeting.locked_by
    name = (who.get_full_name() or who.get_username()) if who is not None else "someone"
    when = timezone.localtime(meeting.locked_at)
    return f"Locked by {name} on {date_format(when, 'j F Y')} at {when:%H:%M}"


# What other pages ask


def kept_packs(meeting: Meeting) -> tuple[list[StoredPack], list[StoredPack]]:
    """The files kept by the meeting's current lock, and those kept by earlier locks (their
    files, not loaded), newest first."""
    packs = list(
        StoredPack.objects.filter(meeting=meeting, kept=True)
        .defer("content")
        .order_by("-created_at", "-pk")
    )
    if meeting.locked_at is None:
        return [], packs
    current = [p for p in packs if p.created_at >= meeting.locked_at]
    return current, [p for p in packs if p.created_at < meeting.locked_at]


def locked_meetings_covering(plan):
    """Locked meetings whose packs cover the plan (its group's and the board's), latest
    first (reporting.packs.plans_for_meeting says what a meeting covers)."""
    return (
        Meeting.objects.filter(
            group__partnership=plan.group.partnership_id,
            group__deleted_at__isnull=True,
            locked_at__isnull=False,
        )
        .filter(Q(group=plan.group_id) | Q(group__kind=Group.Kind.BOARD))
        .order_by("-held_on", "-pk")
    )


def lock_note(plan, day: datetime.date, today: datetime.date | None = None) -> str:
    """What to tell someone giving an update dated `day` to an action of the plan, if a
    locked pack will not show it ("" if none): the latest locked meeting on or after that
    day (runs a query)."""
    meeting = locked_meetings_covering(plan).filter(held_on__gte=day).first()
    if meeting is None:
        return ""
    today = today or timezone.localdate()
    held = date_format(meeting.held_on, "j F" if meeting.held_on.year == today.year else "j F Y")
    return (
        f"The pack for the meeting of {held} is locked: "
        "this update will show from the next meeting's pack."
    )
