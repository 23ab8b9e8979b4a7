"""Packs ready before anyone asks: when a save changes what a coming meeting's PDF pack, or
the partnership's own (every plan as at today), would say, the worker renders it again once
the partnership has been quiet for a little while, so that a board member's download is
served from the stored file instead of a waiting page.

Saves are noticed by signal (post_save of plan content, progress updates, meetings and the
partnership itself: any of them may change a pack); after the commit, one refresh task per
partnership waits in the queue until QUIET after its latest change (but no longer than
LONGEST_WAIT after its first). The refresh builds each pack and
queues a render only where no stored render says the same (its fingerprint), so a save
that changes nothing a pack shows costs a pack build, not a render.

Off where MSCP_PRERENDER_PACKS is false (the tests turn it on where they test it).
"""

import datetime
import threading
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from actions.models import Action, ProgressUpdate, Step
from plans.models import Group, Outcome, Partnership, Plan, Priority, RagRating, Theme
from reporting.models import Meeting, StoredPack
from reporting.pack_files import Subject
from reporting.stored_packs import TooManyRenders, request_stored_pack
from reporting.tasks import start_render

QUIET = datetime.timedelta(minutes=2)
LONGEST_WAIT = datetime.timedelta(minutes=10)

# The partnerships whose refresh this thread scheduled last, and when (time.monotonic()):
# the callbacks of one commit run together, and schedule each partnership's refresh once.
_scheduled = threading.local()
SAME_COMMIT = 1.0  # seconds


def shown_in_packs() -> list:
    """The models whose saves may change what a pack says (reporting.fingerprints)."""
    content = [Partnership, Group, Theme, RagRating, Plan, Priority, Outcome, Action, Step]
    return [*content, ProgressUpdate, Meeting]


def saved(sender, instance, raw=False, **kwargs) -> None:
    """post_save: once the transaction commits, refresh the packs of the object's
    partnership (after a quiet period: schedule_refresh)."""
    if raw or not settings.MSCP_PRERENDER_PACKS:
        return  # a fixture or backup being loaded, or switched off
    partnership_id = loaded_partnership_id(instance)
    if partnership_id is not None:
        transaction.on_commit(lambda: changed(partnership_id))
        return
    model, pk = type(instance), instance.pk
    transaction.on_commit(lambda: changed(looked_up_partnership_id(model, pk)))


def loaded_partnership_id(instance) -> int | None:
    """The partnership of the object through the relations it has loaded already (an import
    or an edit holds them), without a query; None where one is not loaded."""
    if isinstance(instance, Partnership):
        return instance.pk
    obj, *path = [instance, *type(instance).partnership_path.split("__")]
    for name in path[:-1]:
        if not obj._meta.get_field(name).is_cached(obj):
            return None
        obj = getattr(obj, name)
    return getattr(obj, f"{path[-1]}_id")


def looked_up_partnership_id(model, pk) -> int | None:
    found = model._base_manager.filter(pk=pk)
    return found.values_list(model.partnership_path + "_id", flat=True).first()


def changed(partnership_id: int | None) -> None:
    """After a commit: schedule the partnership's refresh, once for all the saves of one
    commit (their callbacks run together)."""
    if partnership_id is None:
        return
    recent = getattr(_scheduled, "at", None)
    if recent is None:
        recent = _scheduled.at = {}
    now = time.monotonic()
    if now - recent.get(partnership_id, -SAME_COMMIT) < SAME_COMMIT:
        return
    recent[partnership_id] = now
    schedule_refresh(partnership_id)


def schedule_refresh(partnership_id: int, now=None) -> None:
    """Queue the partnership's refresh to run QUIET from now: the one waiting is moved back
    (up to LONGEST_WAIT after it was queued), else a new one is queued."""
    now = now or timezone.now()
    waiting = DBTaskResult.objects.filter(
        task_path=refresh_packs.module_path,
        status=TaskResultStatus.READY,
        args_kwargs={"args": [partnership_id], "kwargs": {}},
    ).first()
    if waiting is not None:
        run_after = min(now + QUIET, waiting.enqueued_at + LONGEST_WAIT)
        DBTaskResult.objects.filter(pk=waiting.pk, status=TaskResultStatus.READY).update(
            run_after=run_after
        )
        return
    refresh_packs.using(run_after=now + QUIET).enqueue(partnership_id)


def kept_ready(partnership: Partnership, today: datetime.date) -> list[Subject]:
    """The packs kept ready: the partnership's own (every plan as at today), and the pack of
    each group's next meeting that is not locked (a locked one's is kept as it was made)."""
    subjects = [Subject(partnership)]
    coming = (
        Meeting.objects.filter(group__partnership=partnership, held_on__gte=today)
        .filter(locked_at__isnull=True, group__deleted_at__isnull=True)
        .select_related("group__partnership")
        .order_by("group_id", "held_on")
    )
    seen = set()
    for meeting in coming:
        if meeting.group_id not in seen:
            seen.add(meeting.group_id)
            subjects.append(Subject(partnership, meeting=meeting))
    return subjects


@task()
def refresh_packs(partnership_id: int) -> int:
    """Queue a render of each pack kept ready that no stored render says the same as;
    returns how many were queued."""
    partnership = Partnership.objects.filter(pk=partnership_id).first()
    if partnership is None:
        return 0
    queued = 0
    for subject in kept_ready(partnership, timezone.localdate()):
        try:
            stored, created, pack = request_stored_pack(
                subject=subject, fmt=StoredPack.Format.PDF, as_at=timezone.localdate()
            )
        except TooManyRenders:
            break  # the ones asked for come first; the next change tries again
        if created:
            start_render(stored, pack)
            queued += 1
    return queued
