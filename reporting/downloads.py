"""Which pack to build, what to call its file, how to render it, and when a stored render may
be served again: shared by the download views, the render task and the make_pack command, so
a scheduled pack and a downloaded one are the same file."""

import datetime
import hashlib
import json
import logging
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from plans.models import Group, Partnership, Plan
from reporting.excel import XLSX_CONTENT_TYPE, render_pack_xlsx
from reporting.models import RENDER_TIME_LIMIT, TOO_LONG, Meeting, StoredPack
from reporting.packs import ActionLine, Pack, build_pack, pack_for_meeting

logger = logging.getLogger(__name__)

FORMATS = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE}

# Formats rendered while the browser waits rather than by the background worker. Measured on
# a synthetic partnership (reporting.synthetic, 4 updates an action, this 2-core machine): the
# Excel report takes 0.7 s for 500 actions and 1.7 s for 1,000, growing linearly, far inside
# gunicorn's 60 s timeout, so a queue and a waiting page would only make it slower to get;
# the PDF of 500 actions takes about 30 s (WeasyPrint), so it goes to the worker. Both are
# stored and reused the same way.
RENDERED_IN_REQUEST = {"xlsx"}

# The newest renders kept of each subject and format; older ones are deleted after each new
# render. The packs of locked meetings are exempt: kept, and served whatever the fingerprint
# says (prune_renders and find_render).
KEEP_RENDERS = 3


@dataclass
class PackFile:
    filename: str
    content_type: str
    content: bytes


def render_pack(pack: Pack, fmt: str) -> bytes:
    if fmt == "xlsx":
        return render_pack_xlsx(pack)
    if fmt == "pdf":
        from reporting.pdf import render_pack_pdf  # WeasyPrint is slow to import: only here

        return render_pack_pdf(pack)
    raise ValueError(f"Unknown pack format {fmt!r}")


def pack_file(pack: Pack, fmt: str, what: str) -> PackFile:
    """The pack rendered in fmt, named from the partnership, what it covers and its date."""
    return PackFile(
        filename=pack_filename(pack.partnership, what, pack.as_at, fmt),
        content_type=FORMATS[fmt],
        content=render_pack(pack, fmt),
    )


def pack_filename(partnership: Partnership, what: str, day: datetime.date, fmt: str) -> str:
    """A safe ASCII file name, e.g. mscp-ess-meeting-2024-09-15.xlsx: every part slugified,
    so nothing a user typed can break the Content-Disposition header or a path."""
    parts = [slugify(partnership.short_name)[:30], slugify(what)[:60], f"{day:%Y-%m-%d}"]
    return "-".join(part for part in parts if part) + f".{fmt}"


def meeting_pack(meeting: Meeting) -> tuple[Pack, str]:
    """The pack of a meeting (every plan it covers, as at its date), and what it covers."""
    return pack_for_meeting(meeting), meeting_what(meeting)


def meeting_what(meeting: Meeting) -> str:
    return f"{meeting.group.short_name} meeting"


def plan_pack(plan: Plan, as_at: datetime.date) -> tuple[Pack, str]:
    """One plan as at a day, with changes since the last meeting of its group or the board."""
    partnership = plan.group.partnership
    previous = (
        Meeting.objects.filter(group__partnership=partnership, held_on__lt=as_at)
        .filter(Q(group=plan.group_id) | Q(group__kind=Group.Kind.BOARD))
        .order_by("-held_on")
        .first()
    )
    pack = build_pack(
        partnership=partnership,
        plans=Plan.objects.filter(pk=plan.pk),
        as_at=as_at,
        previous=previous.held_on if previous else None,
        title=f"{plan.title} {plan.period} – progress as at {as_at:%-d %B %Y}",
    )
    return pack, f"{plan.group.short_name} {plan.period}"


def partnership_pack(partnership: Partnership, as_at: datetime.date) -> tuple[Pack, str]:
    """Every live plan of the partnership as at a day, with changes since the last meeting
    of the board (or of any group, if the board has not met)."""
    before = Meeting.objects.filter(group__partnership=partnership, held_on__lt=as_at)
    previous = before.filter(group__kind=Group.Kind.BOARD).first() or before.first()
    pack = build_pack(
        partnership=partnership,
        plans=Plan.objects.filter(group__partnership=partnership, deleted_at__isnull=True),
        as_at=as_at,
        previous=previous.held_on if previous else None,
    )
    return pack, "all plans"


@dataclass(frozen=True)
class Subject:
    """What a pack covers: a meeting, a plan, or (neither) every live plan of the partnership."""

    partnership: Partnership
    meeting: Meeting | None = None
    plan: Plan | None = None

    @classmethod
    def of(cls, stored: StoredPack) -> "Subject":
        return cls(stored.partnership, stored.meeting, stored.plan)

    def pack(self, as_at: datetime.date) -> tuple[Pack, str]:
        """The pack and what it covers; a meeting's is as at the meeting, whatever as_at says."""
        if self.meeting is not None:
            return meeting_pack(self.meeting)
        if self.plan is not None:
            return plan_pack(self.plan, as_at)
        return partnership_pack(self.partnership, as_at)

    def renders(self, fmt: str):
        return StoredPack.objects.for_subject(
            partnership=self.partnership, meeting=self.meeting, plan=self.plan, format=fmt
        )


# --- Fingerprints: when a stored file still says what the pack says ------------------------
#
# A pack's file changes when what the pack holds changes, and only then: its as-at day (a
# plan's pack "as at today" is new each day; a past meeting's stays put), its title and
# previous meeting, every plan, priority, outcome, action, step and theme in it (their
# edits show in a past meeting's pack too: the pack lists plan content as it is now), the
# progress update current for each action as at the day (an update entered after a past
# meeting's day does not count, so it changes nothing), the ratings, and the code that lays
# the file out. Hashing the built pack itself, every stored field of each object in it,
# follows all of these without a list of which edits matter to keep in step with the
# renderers. Building a pack is a fixed number of queries; building and hashing it take
# about 0.4 s for 500 actions, against 30 s to render the PDF.


def pack_fingerprint(pack: Pack, fmt: str) -> str:
    """A hash of everything the pack says, and of the code that lays it out in fmt: two packs
    with the same fingerprint make the same file (but for the time printed in it)."""
    facts = [
        fmt,
        layout_version(fmt),
        pack.title,
        pack.as_at,
        pack.previous_meeting,
        fields(pack.partnership),
        fields(pack.meeting),
        fields(pack.meeting.group) if pack.meeting else None,
        [fields(pack.ratings[pk]) for pk in sorted(pack.ratings)],
        [(fields(theme), count, counted(by_scale)) for theme, count, by_scale in pack.themes],
    ]
    for plan_pack in pack.plans:
        facts.append([fields(plan_pack.plan), fields(plan_pack.plan.group)])
        for block in plan_pack.priorities:
            facts.append(fields(block.priority))
            for outcome_block in block.outcomes:
                facts.append(fields(outcome_block.outcome))
                facts.extend(line_facts(line) for line in outcome_block.lines)
    text = json.dumps(facts, default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def fields(obj) -> list | None:
    """Every stored field of a model instance: whatever a renderer shows of it is among them."""
    if obj is None:
        return None
    meta = obj._meta
    return [meta.label, [(f.attname, f.value_from_object(obj)) for f in meta.concrete_fields]]


def counted(counter) -> list:
    return sorted((str(key), value) for key, value in counter.items())


def line_facts(line: ActionLine) -> list:
    action, update = line.action, line.update
    # Of the update's author, only the name the pack prints: a user's other fields (their
    # last sign-in) change without the pack changing.
    author = update.author if update is not None else None
    return [
        fields(action),
        [fields(step) for step in action.steps.all()],
        [fields(theme) for theme in action.themes.all()],
        fields(update),
        (author.get_full_name(), author.get_username()) if author is not None else None,
        line.rating.pk if line.rating else None,
        line.previous_rating.pk if line.previous_rating else None,
        [str(change) for change in line.changes],
        line.overdue,
    ]


# The code and templates that lay a pack out, by format (relative to this directory).
LAYOUT_FILES = {"pdf": ["pdf.py", "templates/reporting/pdf"], "xlsx": ["excel.py"]}


def layout_version(fmt: str) -> str:
    """A hash of the files that lay a pack out in fmt, so a file made before a change to the
    layout is made again after the deployment. Computed once per process (the code does not
    change under a running server), except in development, where templates are edited live."""
    return _layout_hash(fmt) if settings.DEBUG else _cached_layout_hash(fmt)


def _layout_hash(fmt: str) -> str:
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in LAYOUT_FILES[fmt]:
        path = root / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.relative_to(root).as_posix().encode() + b"\0")
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


_cached_layout_hash = cache(_layout_hash)


# --- Stored renders: find one, queue one, make one ------------------------------------------


def request_stored_pack(
    *, subject: Subject, fmt: str, as_at: datetime.date, user=None
) -> tuple[StoredPack, bool]:
    """A stored render of the subject's pack as it would be made now: a ready one that says
    the same (its fingerprint matches), else one already queued or being made, else a new
    queued one, with created=True: the caller renders it or queues the task (reporting.tasks.
    start_render). A ready one comes with its content; the others without.

    A locked meeting's pack is the one kept at its lock (find_render), whatever the pack
    would say now, so it is not built here; a new kept render is queued only if the lock's
    is missing or failed."""
    meeting = subject.meeting
    kept_since = meeting.locked_at if meeting is not None else None
    if kept_since is not None:
        fingerprint, as_at, what = "", meeting.held_on, meeting_what(meeting)
    else:
        pack, what = subject.pack(as_at)
        fingerprint, as_at = pack_fingerprint(pack, fmt), pack.as_at
    renders = subject.renders(fmt).filter(as_at=as_at)
    with transaction.atomic():
        # One request at a time per partnership from here to the insert (a row lock; SQLite
        # serialises writes anyway), so two clicks at once queue one render, not two.
        Partnership.objects.select_for_update().only("pk").get(pk=subject.partnership.pk)
        ready = find_render(renders, fingerprint, kept_since=kept_since)
        if ready is not None:
            return ready, False
        pending = renders.in_progress(timezone.now())
        if kept_since is not None:
            pending = pending.filter(kept=True, created_at__gte=kept_since)
        pending = pending.defer("content").first()
        if pending is not None:
            return pending, False
        stored = StoredPack.objects.create(
            partnership=subject.partnership,
            meeting=subject.meeting,
            plan=subject.plan,
            format=fmt,
            as_at=as_at,
            filename=pack_filename(subject.partnership, what, as_at, fmt),
            content_type=FORMATS[fmt],
            requested_by=user if user is not None and user.is_authenticated else None,
            kept=kept_since is not None,
        )
    return stored, True


def find_render(renders, fingerprint: str, *, kept_since=None) -> StoredPack | None:
    """The newest ready render that says what the pack says now. For a locked meeting
    (kept_since: when it was locked), the newest ready one kept since the lock, whatever its
    fingerprint: a locked period's pack is served as it was made, byte for byte, even once
    an edit to the plan or a new layout would make it differently."""
    ready = renders.filter(status=StoredPack.Status.READY)
    if kept_since is not None:
        return ready.filter(kept=True, created_at__gte=kept_since).first()
    return ready.filter(fingerprint=fingerprint).first()


class RenderTookTooLong(Exception):
    pass


def failure_reason(error: BaseException) -> str:
    """Why a render failed, in words for the person waiting (the traceback goes to the log):
    it completes "The pack could not be made: …"."""
    minutes = RENDER_TIME_LIMIT.seconds // 60
    if isinstance(error, RenderTookTooLong):
        return f"it took longer than {minutes} minutes to lay out, and was stopped"
    if isinstance(error, MemoryError):
        return "it needed more memory than the server could give it"
    return "something went wrong while laying it out (the details are in the server's log)"


@contextmanager
def time_limit(seconds: float | None):
    """Raise RenderTookTooLong in this thread after `seconds` (a timer signal, so only in the
    main thread of a process, as the worker runs tasks; elsewhere, or with None, no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise RenderTookTooLong(f"Still rendering after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_stored_pack(pk: int, *, limit: float | None = None) -> None:
    """Make the file of a queued stored pack and keep it, or record in plain words why it
    could not be made (and log the traceback). A pack no longer queued (taken by another
    worker, deleted, or given up on) is left alone; so is one given up on while it was being
    made, when it finishes late."""
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
            pack, what = Subject.of(stored).pack(stored.as_at)
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
        fingerprint=pack_fingerprint(pack, stored.format),
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
