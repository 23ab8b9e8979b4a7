"""The background worker (`manage.py worker`): django-tasks-db's worker, made to outlive the
database's bad moments and to pick up the packs a dead render left waiting.

django-tasks-db's own loop ends, and the process with it, on any database error other than
"database is locked" while it takes a task (a PostgreSQL restart, a full disk); packs then
wait as "Being made" until the time limit, and nothing renders until someone restarts the
worker. This one logs the error, waits (1 s, doubling to a minute) and carries on.
"""

import logging
import time

from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from reporting.models import StoredPack
from reporting.tasks import make_stored_pack

logger = logging.getLogger(__name__)

LONGEST_WAIT = 60.0  # seconds between tries while the database keeps failing
SWEEP_EVERY = 60.0  # seconds between looks for packs left waiting


def waiting_for_a_task(now) -> list[int]:
    """The stored packs that wait with no task to make them: queued or being made (within the
    time limit) while the task that was to make them is missing or has ended. A render that
    died that way (its task marked failed by a database error, its enqueue lost with a
    request that failed after the row was written) would otherwise wait until the time
    limit, and its page would then say it failed."""
    waiting = set(
        StoredPack.objects.in_progress(now)
        .filter(format=StoredPack.Format.PDF)
        .values_list("pk", flat=True)
    )
    if not waiting:
        return []
    live = DBTaskResult.objects.filter(
        task_path=make_stored_pack.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    tasked = {args["args"][0] for args in live if args.get("args")}
    return sorted(waiting - tasked)


def requeue_waiting(now=None) -> list[int]:
    """Queue again the render of every stored pack waiting with no task (waiting_for_a_task);
    one that was being made goes back to the queue. Returns their ids."""
    now = now or timezone.now()
    ids = waiting_for_a_task(now)
    for pk in ids:
        StoredPack.objects.filter(pk=pk, status=StoredPack.Status.RENDERING).update(
            status=StoredPack.Status.QUEUED, started_at=None, created_at=now
        )
        make_stored_pack.enqueue(pk)
        logger.warning("Stored pack %s was waiting with no task to make it: queued again", pk)
    return ids


class SteadyWorker(Worker):
    """django-tasks-db's Worker (its options, signals and run_task) with a loop of its own,
    which carries on after a database error and looks every minute for packs left waiting
    (requeue_waiting)."""

    def run(self) -> None:
        logger.info("Worker %s started, queues %s", self.worker_id, ",".join(self.queue_names))
        wait = 1.0
        swept_at = None
        while self.running:
            try:
                if swept_at is None or time.monotonic() - swept_at >= SWEEP_EVERY:
                    requeue_waiting()
                    swept_at = time.monotonic()
                ran = self.run_one_task()
                wait = 1.0
            except DatabaseError:
                logger.exception("The worker's database failed: trying again in %s s", wait)
                close_old_connections()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
                continue
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if not ran:
                if self.batch:
                    return
                time.sleep(self.interval)

    def run_one_task(self) -> bool:
        """Take the next ready task of this worker's queues and run it; False if none."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task = tasks.get_locked()
            if task is not None:
                task.claim(self.worker_id)
        if task is None:
            return False
        self.run_task(task)
        return True
