"""Background tasks (django-tasks: the backport of Django 6's django.tasks, by its author).

The queue is a table in the database (django-tasks-db's backend), so every app server can
queue a render and any worker (`manage.py worker`, deploy/mscp-worker.service) can run
it; the tests run each task as it is queued (settings_test). django-tasks rather than
Celery or RQ: no broker to run beside PostgreSQL, and it is the API Django 6 ships, so the
move to Django 6 is a change of import.
"""

from django_tasks import task

from reporting.models import RENDER_TIME_LIMIT, StoredPack
from reporting.stored_packs import RENDERED_IN_REQUEST, render_stored_pack


@task()
def make_stored_pack(stored_pack_id: int) -> None:
    """Render a queued stored pack, stopped if it runs past the time limit (so one stuck
    render cannot hold the worker: the person waiting is told, and may try again)."""
    render_stored_pack(stored_pack_id, limit=RENDER_TIME_LIMIT.total_seconds())


def start_render(stored: StoredPack, pack=None) -> None:
    """Make a newly queued stored pack: now, for a format quick to render (from the pack just
    built for it, if given), else in the background worker."""
    if stored.format in RENDERED_IN_REQUEST:
        render_stored_pack(stored.pk, pack=pack)
    else:
        make_stored_pack.enqueue(stored.pk)
