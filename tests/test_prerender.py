"""Packs ready before anyone asks (reporting.prerender): a save queues one refresh per
partnership after a quiet period, and the refresh queues a render of each pack kept ready
that no stored render says the same as, so the download is served at once."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actions.models import Action
from plans.models import Partnership
from reporting import prerender
from reporting.models import StoredPack
from tests.helpers import ess_action, new_meeting, url

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def prerendering(settings, personas):
    settings.MSCP_PRERENDER_PACKS = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    prerender._scheduled.at = {}


def refreshes():
    return DBTaskResult.objects.filter(task_path=prerender.refresh_packs.module_path)


def test_saves_queue_one_refresh_per_partnership_after_a_quiet_period(
    prerendering, django_capture_on_commit_callbacks
):
    before = timezone.now()
    action = ess_action()
    with django_capture_on_commit_callbacks(execute=True):
        action.text = "Changed once"
        action.save()
        action.outcome.save()
    [refresh] = refreshes()
    merton = action.outcome.plan.group.partnership_id
    assert refresh.args_kwargs == {"args": [merton], "kwargs": {}}
    assert refresh.run_after >= before + prerender.QUIET
    first_run_after = refresh.run_after

    prerender._scheduled.at = {}  # as after a second
    with django_capture_on_commit_callbacks(execute=True):
        action.text = "Changed again"
        action.save()  # a later change moves the refresh back; no second one
    [refresh] = refreshes()
    assert refresh.run_after >= first_run_after

    later = refresh.enqueued_at + prerender.LONGEST_WAIT + dt.timedelta(minutes=5)
    prerender.schedule_refresh(merton, now=later)
    refresh.refresh_from_db()
    assert refresh.run_after == refresh.enqueued_at + prerender.LONGEST_WAIT  # never later


def test_a_rolled_back_save_queues_nothing(prerendering, django_capture_on_commit_callbacks):
    action = ess_action()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            action.save()
            raise RuntimeError
    assert not callbacks and not refreshes().exists()


def test_the_refresh_queues_each_pack_kept_ready_once(prerendering):
    merton = Partnership.objects.get(slug="merton")
    coming = new_meeting("ESS", str(timezone.localdate() + dt.timedelta(days=20)))
    assert prerender.refresh_packs.call(merton.pk) == 2  # the partnership's and the meeting's
    queued = StoredPack.objects.filter(partnership=merton, format="pdf")
    assert {(p.meeting_id, p.status) for p in queued} == {(None, "queued"), (coming.pk, "queued")}
    assert prerender.refresh_packs.call(merton.pk) == 0  # on their way already


@pytest.mark.usefixtures("stub_pdf_render")
def test_a_pack_made_ready_is_served_at_once(prerendering, client_for):
    merton = Partnership.objects.get(slug="merton")
    prerender.refresh_packs.call(merton.pk)
    for task in DBTaskResult.objects.filter(task_path__endswith="make_stored_pack"):
        task.task.call(*task.args_kwargs["args"])
    response = client_for("board").get(url("reporting:partnership_pack", "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_saved_objects_partnership_is_found_without_a_query_when_loaded(
    prerendering, django_assert_num_queries
):
    loaded = Action.objects.select_related("outcome__plan__group").get(pk=ess_action().pk)
    with django_assert_num_queries(0):
        assert prerender.loaded_partnership_id(loaded) == loaded.outcome.plan.group.partnership_id
    bare = Action.objects.get(pk=loaded.pk)
    assert prerender.loaded_partnership_id(bare) is None  # looked up after the commit instead
    assert (
        prerender.looked_up_partnership_id(Action, bare.pk)
        == loaded.outcome.plan.group.partnership_id
    )
