"""Review notices (actions.notices), with Django's locmem email backend: the chair is emailed
when a lead submits an update, the lead when it is accepted or returned; one email a person
an hour at most; nothing twice, however often the sending runs."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from actions.models import ReviewNotice
from actions.notices import send_due, submitted
from actions.review import accept_update, return_update
from tests.helpers import ess_action
from tests.test_review import give, lead  # noqa: F401 - the lead fixture

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 12, 7, 9, 0))


@pytest.fixture
def people(personas, lead):  # noqa: F811 - the fixture imported above
    personas["chair"].email = "chair@example.org"
    personas["chair"].save()
    lead.email = "benedicta@example.org"
    lead.save()
    return {"chair": personas["chair"], "lead": lead}


def test_the_chair_is_told_of_an_update_to_review(people):
    update = give(ess_action(), people["lead"])
    assert send_due(NOW) is None
    (email,) = mail.outbox
    assert email.to == ["chair@example.org"]
    assert email.subject == "MSCP: 1 update to review"
    assert "Action 2.1 (ESS 2024-25): an update by Benedicta Ogeah waits for your review" in (
        " ".join(email.body.split())
    )
    assert f"/merton/updates/{update.pk}/review/" in email.body


def test_the_lead_is_told_of_a_return_with_the_challenge_and_of_an_acceptance(people):
    first = give(ess_action(), people["lead"])
    send_due(NOW)
    return_update(update=first, reviewer=people["chair"], challenge="What has changed?")
    second = give(ess_action("2.2"), people["lead"])
    accept_update(update=second, reviewer=people["chair"])
    send_due(NOW + dt.timedelta(minutes=1))
    (to_lead,) = [email for email in mail.outbox if email.to == ["benedicta@example.org"]]
    body = " ".join(to_lead.body.split())
    assert "was returned by Chair: “What has changed?” Give a new update:" in body
    assert f"/merton/actions/{first.action_id}/update/" in body
    assert "Action 2.2 (ESS 2024-25): your update of" in body and "was accepted by Chair" in body


def test_one_email_an_hour_at_most_the_rest_in_the_next(people):
    give(ess_action(), people["lead"])
    send_due(NOW)
    give(ess_action("2.2"), people["lead"])
    give(ess_action("2.3"), people["lead"])
    assert send_due(NOW + dt.timedelta(minutes=10)) == NOW + dt.timedelta(hours=1)
    assert len(mail.outbox) == 1
    assert send_due(NOW + dt.timedelta(minutes=61)) is None
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "MSCP: 2 updates to review"


def test_nothing_is_sent_or_owed_twice(people):
    update = give(ess_action(), people["lead"])
    submitted(update)  # saved again, or told twice
    assert ReviewNotice.objects.count() == 1
    send_due(NOW)
    send_due(NOW + dt.timedelta(hours=2))
    assert len(mail.outbox) == 1


def test_a_chairs_own_update_and_a_person_without_email_are_not_told(people, personas):
    personas["staff"].email = "support@example.org"
    personas["staff"].save()
    give(ess_action(), personas["chair"])  # accepted as made: nothing to review
    people["chair"].email = ""
    people["chair"].save()
    give(ess_action("2.2"), people["lead"])  # no chair with an address: staff are told
    send_due(NOW)
    assert [email.to for email in mail.outbox] == [["support@example.org"]]


def test_the_worker_is_asked_once_and_again_when_the_hour_is_up(settings):
    """With the database queue: one waiting task however many changes; a later one for the
    notices the hourly limit held back."""
    from django_tasks_db.models import DBTaskResult

    from actions.tasks import schedule, send_review_notices

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    schedule()
    schedule()
    waiting = DBTaskResult.objects.filter(task_path=send_review_notices.module_path)
    assert waiting.count() == 1
    schedule(timezone.now() + dt.timedelta(hours=1))  # the one waiting runs before then
    assert waiting.count() == 1
