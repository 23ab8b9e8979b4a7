"""The limit on how fast one person saves: met by a script, never by a person."""

import datetime as dt

import pytest
from django.utils import timezone

from actions.models import ProgressUpdate
from plans.write_limits import WriteCount, count_write
from tests.helpers import ess_action, rating, url

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.both_databases,
]  # counted by UPDATE in the database


@pytest.fixture
def limit(settings, monkeypatch):
    """A limit of 5, counted in one minute however long the test takes (a busy machine could
    otherwise cross into the next minute, and start the count again)."""
    settings.MSCP_WRITES_PER_MINUTE = 5
    minute = timezone.now().replace(second=30, microsecond=0)
    monkeypatch.setattr("plans.write_limits.timezone.now", lambda: minute)
    return 5


def test_a_script_is_refused_past_the_limit_and_nothing_is_written(client_for, limit):
    client = client_for("chair")
    address = url("actions:update", ess_action().pk)
    on_track = rating("On track")
    answers = []
    for n in range(limit + 2):
        response = client.post(
            address,
            {"rating": on_track.pk, "commentary": f"Scripted {n}", "reported_on": "2024-09-01"},
        )
        answers.append(response.status_code)
    assert answers == [302] * limit + [429, 429]
    assert "Too many saves in a minute" in response.content.decode()
    assert ProgressUpdate.objects.filter(commentary__startswith="Scripted").count() == limit
    assert client.get(address).status_code == 200  # reading goes on


def test_each_person_has_a_limit_of_their_own(client_for, limit):
    for persona in ("chair", "staff"):
        client = client_for(persona)
        for _ in range(limit):
            client.post(url("actions:update", ess_action().pk), {})
    assert set(WriteCount.objects.values_list("count", flat=True)) == {limit}


def test_a_new_minute_starts_a_new_count_and_forgets_the_old(personas):
    user = personas["staff"]
    start = timezone.now().replace(second=30)
    assert [count_write(user, start) for _ in range(3)] == [1, 2, 3]
    assert count_write(user, start + dt.timedelta(minutes=1)) == 1
    assert WriteCount.objects.filter(user=user).count() == 1
