"""Stored renders of packs: find one that still says what the pack says, queue one, make one
(in the request or in the background worker), give up on one, and prune old ones."""

import datetime
import logging
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from plans.models import Partnership
from reporting.fingerprints import fingerprint as fingerprint_of
from reporting.models import RENDER_TIME_LIMIT, TOO_LONG, StoredPack
from reporting.pack_files import FORMATS, Subject, meeting_what, pack_filename, render_pack
from reporting.packs import Pack
from reporting.time_limits import RenderTookTooLong, time_limit

logger = logging.getLogger(__name__)

# Formats rendered while the browser waits rather than by the background worker. Measured on
# a synthetic partnership (ops.synthetic, 4 updates an action, this 2-core machine): the
# Excel report takes 0.7 s for 500 actions and 1.7 s for 1,000, growing linearly, far inside
# gunicorn's 60 s timeout, so a queue and a waiting page would only make it slower to get;
# the PDF of 500 actions takes about 30 s (WeasyPrint), so it goes to the worker. Both are
# stored and reused the same way.
RENDERED_IN_REQUEST = {"xlsx"}

# The newest renders kept of each subject and format; older ones are deleted after each new
# render. The packs of locked meetings are exempt: kept, and served whatever the fingerprint
# says (prune_renders and find_render).
KEEP_RENDERS = 3


# The renders one partnership may have queued or being made at once (each subject has at
# most one: request_stored_pack), so that one partnership's burst of requests cannot fill
# the worker's queue for everyone else.
RENDERS_IN_FLIGHT = 10


class TooManyRenders(Exception):
    def __init__(self, partnership):
        super().__init__(
            f"{partnership.name} has {RENDERS_IN_FLIGHT} packs and reports being made already"
        )
        self.partnership = partnership


class Requested(NamedTuple):
    stored: StoredPack
    created: bool
    pack: Pack | None  # the pack built to compare fingerprints; None for a locked meeting's


def request_stored_pack(
    *, subject: Subject, fmt: str, as_at: datetime.date, user=None, bounded: bool = True
) -> Requested:
    """A stored render of the subject's pack as it would be made now: a ready one that says
    the same (its fingerprint matches), else one already queued or being made, else a new
    queued one (TooManyRenders if the partnership has RENDERS_IN_FLIGHT on their way already,
    unless not bounded), with created=True and the fingerprint of the pack just built: the caller
    renders it (from that pack) or queues the task (reporting.tasks.start_render). A ready one
    comes with its content; the others without.

    A locked meeting's pack is the one kept at its lock (find_render), whatever the pack
    would say now, so it is not built here; a new kept render is queued only if the lock's
    is missing or failed."""
    meeting = subject.meeting
    kept_since = meeting.locked_at if meeting is not None else None
    pack = None
    if kept_since is not None:
        fingerprint, as_at, what = "", meeting.held_on, meeting_what(meeting)
    else:
        pack, what = subject.pack(as_at)
        fingerprint, as_at = fingerprint_of(pack, fmt), pack.as_at
    renders = subject.renders(fmt).filter(as_at=as_at)
    with transaction.atomic():
        # One request at a time per partnership from here to the insert (a row lock; SQLite
        # serialises writes anyway), so two clicks at once queue one render, not two.
        Partnership.objects.select_for_update().only("pk").get(pk=subject.partnership.pk)
        ready = find_render(renders, fingerprint, kept_since=kept_since)
        if ready is not None:
            return Requested(ready, False, pack)
        pending = renders.in_progress(timezone.now())
        if kept_since is not None:
            pending = pending.filter(kept=True, created_at__gte=kept_since)
        pending = pending.defer("content").first()
        if pending is not None:
            return Requested(pending, False, pack)
        in_flight = StoredPack.objects.filter(partnership=subject.partnership).in_progress(
            timezone.now()
        )
        if bounded and in_flight.count() >= RENDERS_IN_FLIGHT:
            raise TooManyRenders(subject.partnership)
        stored = StoredPack.objects.create(
            partnership=subject.partnership,
            meeting=subject.meeting,
            plan=subject.plan,
            agency=subject.agency,
            format=fmt,
            as_at=as_at,
            filename=pack_filename(subject.partnership, what, as_at, fmt),
            content_type=FORMATS[fmt],
            requested_by=user if user is not None and user.is_authenticated else None,
            kept=kept_since is not None,
            fingerprint=fingerprint,
        )
    return Requested(stored, True, pack)


def find_render(renders, fingerprint: str, *, kept_since=None) -> StoredPack | None:
    """The newest ready render that says what the pack says now. For a locked meeting
    (kept_since: when it was locked), the newest ready one kept since the lock, whatever its
    fingerprint: a locked period's pack is served as it was made, byte for byte, even once
    an edit to the plan or a new layout would make it differently."""
    ready = renders.filter(status=StoredPack.Status.READY)
    if kept_since is not None:
        return ready.filter(kept=True, created_at__gte=kept_since).first()
    return ready.filter(fingerprint=fingerprint).first()


def failure_reason(error: BaseException) -> str:
    """Why a render failed, in words for the person waiting (the traceback goes to the log):
    it completes "The pack could not be made: …"."""
    minutes = RENDER_TIME_LIMIT.seconds // 60
    if isinstance(error, RenderTookTooLong):
        return f"it took longer than {minutes} minutes to lay out, and was stopped"
    if isinstance(error, MemoryError):
        return "it needed more memory than the server could give it"
    return "something went wrong while laying it out (the details are in the server's log)"


def render_stored_pack(pk: int, *, limit: float | None = None, pack: Pack | None = None) -> None:
    """Make the file of a queued stored pack and keep it, or record in plain words why it
    could not be made (and log the traceback). A pack no longer queued (taken by another
    worker, deleted, or given up on) is left alone; so is one given up on while it was being
    made, when it finishes late. `pack`: the pack the request just built for it (then neither
    the pack nor its fingerprint is made a second time)."""
    Status = StoredPack.Status
    claimed = StoredPack.objects.filter(pk=pk, status=Status.QUEUED).update(
        status=Status.RENDERING, started_at=timezone.now()
    )
    if not claimed:
        logger.info("Stored pack %s is not waiting to be made: nothing to do", pk)
        return
    stored = (
        StoredPack.objects.select_related("partnership", "meeting__group__partnership", "plan")
        .defer("content")
        .get(pk=pk)
    )
    still_rendering = StoredPack.objects.filter(pk=pk, status=Status.RENDERING)
    try:
        with time_limit(limit):
            if pack is None or not stored.fingerprint:
                pack, what = Subject.of(stored).pack(stored.as_at)
                fingerprint = fingerprint_of(pack, stored.format)
            else:
                what, fingerprint = Subject.of(stored).what(), stored.fingerprint
            content = render_pack(pack, stored.format)
    except Exception as error:
        logger.exception("Could not make stored pack %s (%s)", pk, stored.filename)
        if still_rendering.update(
            status=Status.FAILED, error=failure_reason(error), finished_at=timezone.now()
        ):
            prune_renders(stored)
        return
    finished = still_rendering.update(
        status=Status.READY,
        content=content,
        size=len(content),
        fingerprint=fingerprint,
        as_at=pack.as_at,
        filename=pack_filename(pack.partnership, what, pack.as_at, stored.format),
        finished_at=timezone.now(),
    )
    if finished:
        prune_renders(stored)


def give_up(stored: StoredPack) -> None:
    """Record a render past the time limit as failed, so that a worker finishing it late
    cannot overwrite what the person was told."""
    StoredPack.objects.filter(
        pk=stored.pk, status__in=[StoredPack.Status.QUEUED, StoredPack.Status.RENDERING]
    ).update(status=StoredPack.Status.FAILED, error=TOO_LONG, finished_at=timezone.now())


def prune_renders(stored: StoredPack, keep: int = KEEP_RENDERS) -> int:
    """Delete the finished renders of the stored pack's subject and format beyond the newest
    `keep` (renders on their way are kept, and so are the packs kept by locks, for ever,
    unlocked or not: they are what the board was given). Returns how many were deleted."""
    finished = (
        Subject.of(stored)
        .renders(stored.format)
        .filter(status__in=[StoredPack.Status.READY, StoredPack.Status.FAILED], kept=False)
    )
    old = list(finished.values_list("pk", flat=True)[keep:])
    return StoredPack.objects.filter(pk__in=old).delete()[0]
