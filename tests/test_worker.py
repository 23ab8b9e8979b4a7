"""The background worker (reporting.worker): it outlives a database error, and queues again
a pack left waiting with no task to make it."""

import datetime as dt
import signal

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reporting import worker
from reporting.models import StoredPack
from reporting.pack_files import Subject
from reporting.stored_packs import request_stored_pack
from reporting.tasks import start_render
from tests.factories import ActionFactory, PlanFactory

pytestmark = pytest.mark.both_databases


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued_pack(database_queue):
    plan = PlanFactory()
    ActionFactory(outcome__plan=plan, text="Audit the front door")
    subject = Subject(plan.group.partnership, plan=plan)
    stored = request_stored_pack(subject=subject, fmt="pdf", as_at=dt.date(2024, 10, 1)).stored
    return stored


def run_worker(*args):
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:  # the worker installs its own, for a graceful stop
        call_command("worker", "--no-reload", "--no-startup-delay", *args, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


@pytest.mark.django_db
def test_a_pack_queued_with_no_task_is_queued_again(queued_pack):
    # Its row was written, but the request died before the task was queued.
    assert not DBTaskResult.objects.exists()
    assert worker.requeue_waiting() == [queued_pack.pk]
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [queued_pack.pk], "kwargs": {}}
    assert worker.requeue_waiting() == []  # now it has one


@pytest.mark.django_db
def test_a_pack_whose_task_ended_while_it_was_being_made_is_queued_again(queued_pack):
    start_render(queued_pack)
    DBTaskResult.objects.update(status="FAILED")  # e.g. a database error marked it failed
    StoredPack.objects.filter(pk=queued_pack.pk).update(
        status=StoredPack.Status.RENDERING, started_at=timezone.now()
    )

    assert worker.requeue_waiting() == [queued_pack.pk]
    queued_pack.refresh_from_db()
    assert queued_pack.status == StoredPack.Status.QUEUED
    assert DBTaskResult.objects.filter(status="READY").count() == 1


@pytest.mark.django_db
def test_packs_with_a_task_or_finished_are_left_alone(queued_pack):
    start_render(queued_pack)
    assert worker.requeue_waiting() == []
    StoredPack.objects.filter(pk=queued_pack.pk).update(
        status=StoredPack.Status.FAILED, error="It could not be made."
    )
    DBTaskResult.objects.all().delete()
    assert worker.requeue_waiting() == []


@pytest.mark.django_db(transaction=True)
def test_the_worker_carries_on_after_a_database_error(queued_pack, monkeypatch, caplog):
    """django-tasks-db's own worker stops for good on an error other than "locked"."""
    start_render(queued_pack)
    take = worker.SteadyWorker.run_one_task
    failures = iter([OperationalError("server closed the connection unexpectedly")])

    def flaky(self):
        for error in failures:
            raise error
        return take(self)

    monkeypatch.setattr(worker.SteadyWorker, "run_one_task", flaky)
    monkeypatch.setattr(worker.time, "sleep", lambda seconds: None)
    run_worker("--batch")

    queued_pack.refresh_from_db()
    assert queued_pack.status == StoredPack.Status.READY
    assert "The worker's database failed: trying again in 1.0 s" in caplog.text
