"""The database queue and its worker, as in production: a render queued by one process is a
row in the database until `manage.py db_worker` (any worker, on any server) runs it.

A module of its own: the test commits (the worker runs its own transactions), so it cannot
share a module with tests inside the demo data's module-long transaction (tests/conftest.py).
"""

import datetime as dt
import io
import signal

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from plans.models import Group
from reporting.models import StoredPack
from reporting.pack_files import Subject
from reporting.stored_packs import request_stored_pack
from tests.factories import ActionFactory, GroupFactory, PlanFactory

# On both databases (scripts/test): the database task queue, from another connection.
pytestmark = pytest.mark.both_databases


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_its_worker_make_the_pack(settings):
    """As in production: the task is a row in the database until `db_worker` runs it."""
    from django_tasks_db.models import DBTaskResult

    from reporting.tasks import start_render

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plan = PlanFactory(group=GroupFactory(kind=Group.Kind.BOARD))
    ActionFactory(outcome__plan=plan, text="Audit the front door")
    subject = Subject(plan.group.partnership, plan=plan)
    stored, created, _ = request_stored_pack(subject=subject, fmt="pdf", as_at=dt.date(2024, 10, 1))
    start_render(stored)
    assert DBTaskResult.objects.get().args_kwargs == {"args": [stored.pk], "kwargs": {}}
    stored.refresh_from_db()
    assert stored.status == StoredPack.Status.QUEUED

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:  # the worker installs its own, for a graceful stop
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    stored.refresh_from_db()
    assert stored.status == StoredPack.Status.READY
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(stored.content)).pages)
    assert "Audit the front door" in text
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
