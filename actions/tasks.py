"""Background tasks of the actions app: sending the review notices (actions.notices) in the
worker, at once after a change, and again when notices held back by the hourly limit fall
due."""

import datetime

from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from actions.notices import send_due


@task()
def send_review_notices() -> None:
    next_due = send_due(timezone.now())
    if next_due is not None:
        schedule(next_due)


def schedule(at: datetime.datetime | None = None) -> None:
    """Queue the sending for `at` (now if None), unless a queued one runs by then already.
    A backend that runs tasks at once (the tests') sends now, and leaves later ones to the
    next change."""
    now = timezone.now()
    at = at or now
    if not send_review_notices.get_backend().supports_defer:
        if at <= now:
            send_review_notices.enqueue()
        return
    waiting = DBTaskResult.objects.filter(
        task_path=send_review_notices.module_path, status=TaskResultStatus.READY
    )
    if waiting.filter(run_after__lte=at).exists() or waiting.filter(run_after=None).exists():
        return
    send_review_notices.using(run_after=at).enqueue()
