"""The reminders command (manage.py send_reminders) on the demo data, with Django's locmem
email backend (pytest-django's mailoutbox): who is sent what, on which day, and never twice."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate
from plans.models import Group, Membership, Partnership, Person, RagRating
from reporting import reminders, update_cycle
from reporting.models import Meeting, Reminder
from tests.factories import UserFactory

# On both databases (scripts/test): never sent twice, by a unique constraint and the
# IntegrityError caught in a transaction.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

D = dt.date.fromisoformat
SITE = "https://plans.example.org"
# The ESS meeting of Tuesday 10 September 2024: updates open Tuesday 13 August, are due by
# Friday 30 August; Merton reminds 3 days before (from Tuesday 27 August).
OPENS, REMIND, DUE = "2024-08-13", "2024-08-27", "2024-08-30"
AFTER, MEETING = "2024-08-31", "2024-09-10"
ZOES = ["1.1", "1.2", "1.3", "1.5"]  # the ESS actions whose leads name Zoe Gallen


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses everything."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("Connection refused by smtp.example.org")


def merton_group(short_name):
    return Group.objects.get(partnership__slug="merton", short_name=short_name)


def member(username, role, *, groups=(), first_name=""):
    user = UserFactory(username=username, first_name=first_name, email=f"{username}@example.org")
    membership = Membership.objects.create(
        user=user, partnership=Partnership.objects.get(slug="merton"), role=role
    )
    membership.groups.set([merton_group(g) for g in groups])
    return user


def link(person_name, user):
    Person.objects.filter(partnership__slug="merton", name=person_name).update(user=user)


@pytest.fixture
def cycle_data(personas, settings):
    """Zoe Gallen signs in as a lead (chair role, no group); the ESS chair persona has an
    email address; Sarah Brewster, named with Zoe on 1.3, has no sign-in."""
    settings.MSCP_SITE_URL = SITE
    zoe = member("zoe", Membership.Role.CHAIR, first_name="Zoe")
    link("Zoe Gallen", zoe)
    chair = personas["chair"]
    chair.email = "chair@example.org"
    chair.save()
    meeting = Meeting.objects.create(
        group=merton_group("ESS"),
        held_on=D(MEETING),
        updates_open_on=D(OPENS),
        updates_due_on=D(DUE),
    )
    return {"zoe": zoe, "chair": chair, "meeting": meeting}


def run(today, *args):
    out = io.StringIO()
    call_command("send_reminders", "--today", today, *args, stdout=out)
    return out.getvalue()


def by_recipient(outbox):
    return {message.to[0]: message for message in outbox}


def update_links(text: str) -> list[str]:
    """The ids of the actions whose update forms the text links to."""
    return re.findall(rf"{re.escape(SITE)}/merton/actions/(\d+)/update/", text)


def ess_action(number):
    return Action.objects.get(outcome__plan__group__short_name="ESS", number=number)


def numbers(pks):
    return sorted(Action.objects.get(pk=pk).number for pk in map(int, pks))


def add_update(number, day, status=ProgressUpdate.Status.ACCEPTED, **extra):
    ProgressUpdate.objects.create(
        action=ess_action(number),
        rating=RagRating.objects.get(partnership__slug="merton", label="On track"),
        commentary="Progressing",
        reported_on=D(day),
        status=status,
        **extra,
    )


def test_nothing_before_the_period_opens(cycle_data, mailoutbox):
    assert "Done: 0 emails sent." in run("2024-08-12")
    assert mailoutbox == []


def test_the_first_notice_goes_to_each_lead_and_chair_with_their_actions(cycle_data, mailoutbox):
    output = run(OPENS)
    sent = by_recipient(mailoutbox)
    # Sarah Brewster (1.3, with Zoe), and every other lead named, have no sign-in: no email.
    assert set(sent) == {"zoe@example.org", "chair@example.org"}
    zoe = sent["zoe@example.org"]
    assert zoe.subject == "Please update 4 actions by Friday 30 August 2024 for the ESS meeting"
    assert zoe.from_email == "webmaster@localhost"
    assert "Hello Zoe," in zoe.body
    assert "Please update these 4 actions by Friday 30 August 2024, for the Effective " in zoe.body
    assert numbers(update_links(zoe.body)) == ZOES
    assert "Effective Safeguarding and Support Subgroup Work Plan 2024-25" in zoe.body
    # The HTML alternative links to the same forms.
    html, kind = zoe.alternatives[0]
    assert kind == "text/html"
    assert html.count(f'href="{SITE}/merton/actions/') == 4
    assert (
        f'href="{SITE}{reverse("actions:update", args=["merton", ess_action("1.1").pk])}"' in html
    )
    # The chair is asked for the 9 actions none of whose leads can be emailed.
    chair = sent["chair@example.org"]
    assert chair.subject == "Please update 9 actions by Friday 30 August 2024 for the ESS meeting"
    assert "because no lead of these actions can be emailed" in chair.body
    assert set(numbers(update_links(chair.body))).isdisjoint(ZOES)
    assert "MSCP: ESS – 10 September 2024 – updates open: 2 emails sent" in output
    rows = Reminder.objects.filter(kind=Reminder.Kind.OPENED, status=Reminder.Status.SENT)
    assert rows.count() == 2
    assert (
        numbers(rows.get(recipient=cycle_data["zoe"]).actions.values_list("pk", flat=True)) == ZOES
    )


def test_every_link_starts_with_the_site_address(cycle_data, mailoutbox):
    run(OPENS)
    for message in mailoutbox:
        for url in re.findall(r"https?://\S+", message.body):
            assert url.startswith(SITE + "/"), url


def test_a_second_run_sends_nothing_twice(cycle_data, mailoutbox):
    run(OPENS)
    assert len(mailoutbox) == 2
    output = run(OPENS)
    assert len(mailoutbox) == 2
    assert "0 emails sent" in output
    run("2024-08-20")  # still the first notice's days: sent already
    assert len(mailoutbox) == 2


def test_the_reminder_names_only_what_is_still_outstanding(cycle_data, mailoutbox):
    run(OPENS)
    mailoutbox.clear()
    add_update("1.1", "2024-08-20")  # accepted: received
    add_update("1.3", "2024-08-21", ProgressUpdate.Status.SUBMITTED)  # waiting: received
    add_update("1.2", "2024-08-21", ProgressUpdate.Status.RETURNED, challenge="Which audit?")
    add_update("1.5", "2024-08-01")  # before the period: does not count
    run("2024-08-26")
    assert mailoutbox == []  # not yet 3 days before the deadline
    run(REMIND)
    zoe = by_recipient(mailoutbox)["zoe@example.org"]
    assert zoe.subject == (
        "Reminder: please update 2 actions by Friday 30 August 2024 for the ESS meeting"
    )
    assert "This is a reminder. Please update these 2 actions" in zoe.body
    assert numbers(update_links(zoe.body)) == ["1.2", "1.5"]  # returned, and not updated
    run(DUE)
    assert len(mailoutbox) == 2  # the reminder once, even on the deadline day


def test_a_lead_with_nothing_outstanding_gets_nothing(cycle_data, mailoutbox):
    for number in ZOES:
        add_update(number, OPENS)
    run(OPENS)
    assert set(by_recipient(mailoutbox)) == {"chair@example.org"}


def test_after_the_deadline_the_chair_gets_the_missing_updates_by_lead(cycle_data, mailoutbox):
    add_update("1.1", "2024-08-20")
    run(AFTER)
    assert [m.to for m in mailoutbox] == [["chair@example.org"]]  # not the leads
    message = mailoutbox[0]
    assert message.subject == (
        "Missing updates: 12 actions for the ESS meeting on Tuesday 10 September 2024"
    )
    body = message.body
    assert "were due by Friday 30 August 2024. These 12 actions have no update yet" in body
    assert "\nZoe Gallen\n" in body
    assert "\nSarah Brewster (no sign-in)\n" in body
    assert "\nLeads that name no person\n" in body  # 2.4 and 2.5: "Full Sub-Group"
    zoe_part = body.split("\nZoe Gallen\n")[1].split("\n\n")[0]
    assert numbers(update_links(zoe_part)) == ["1.2", "1.3", "1.5"]
    assert len(set(update_links(message.body))) == 12
    assert "Missing updates" in message.alternatives[0][0]
    run("2024-09-09")
    assert len(mailoutbox) == 1
    run(MEETING)  # the meeting day: nothing more
    assert len(mailoutbox) == 1


def test_a_board_meeting_tells_the_board_chair_and_each_groups_chairs(cycle_data, mailoutbox):
    """The board's chair (named on the group, a board member: no update links) hears of every
    plan's missing updates; the ESS chair of ESS's only."""
    cycle_data["meeting"].delete()
    board_chair = member("boardchair", Membership.Role.BOARD, first_name="Bola")
    board = merton_group("Partnership")
    person = Person.objects.create(partnership=board.partnership, name="Bola Chair")
    person.user = board_chair
    person.save()
    board.chairs.add(person)
    Meeting.objects.create(group=board, held_on=D(MEETING), updates_due_on=D(DUE))
    run(AFTER)
    sent = by_recipient(mailoutbox)
    assert set(sent) == {"boardchair@example.org", "chair@example.org"}
    everything = sent["boardchair@example.org"]
    assert everything.subject.startswith("Missing updates: 33 actions for the Partnership meeting")
    assert update_links(everything.body) == []  # a board member may not give updates
    assert "/merton/actions/" in everything.body
    ess_only = sent["chair@example.org"]
    assert ess_only.subject.startswith("Missing updates: 13 actions")
    assert len(set(update_links(ess_only.body))) == 13


def test_a_locked_meeting_sends_nothing(cycle_data, mailoutbox):
    Meeting.objects.filter(pk=cycle_data["meeting"].pk).update(locked_at=timezone.now())
    run(OPENS)
    run(AFTER)
    assert mailoutbox == []


def test_a_meeting_without_dates_has_the_partnerships_defaults(cycle_data, mailoutbox):
    Meeting.objects.filter(pk=cycle_data["meeting"].pk).update(
        updates_open_on=None, updates_due_on=None
    )
    run("2024-08-12")
    assert mailoutbox == []
    run("2024-08-13")  # 28 days before
    assert len(mailoutbox) == 2
    assert "by Saturday 31 August 2024" in mailoutbox[0].subject  # 10 days before


def test_a_failed_email_is_recorded_and_tried_again_without_stopping_the_run(
    cycle_data, mailoutbox, settings
):
    settings.EMAIL_BACKEND = "tests.test_reminders.FailingBackend"
    output = run(OPENS)
    assert "0 emails sent, 2 could not be sent (tried again next run)" in output
    failed = Reminder.objects.filter(status=Reminder.Status.FAILED)
    assert failed.count() == 2
    assert failed.first().error == "Connection refused by smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert "2 emails sent" in run(OPENS)
    assert len(mailoutbox) == 2
    assert not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()
    assert Reminder.objects.get(recipient=cycle_data["zoe"]).error == ""


def test_an_email_claimed_by_another_run_is_not_sent(cycle_data, mailoutbox):
    """Two runs at once: the one whose row is in first sends; the other's insert fails on
    the unique constraint and it sends nothing."""
    status = update_cycle.period_status(cycle_data["meeting"])
    emails = reminders.emails_for(status, Reminder.Kind.OPENED)
    first = next(email for email in emails if email.address == "zoe@example.org")
    Reminder.objects.create(  # the other run's claim, made after this one read the status
        meeting=cycle_data["meeting"], recipient=cycle_data["zoe"], kind=Reminder.Kind.OPENED,
        email="zoe@example.org",
    )  # fmt: skip
    connection = mail.get_connection()
    assert reminders.deliver(first, status, connection=connection) == reminders.TAKEN
    assert mailoutbox == []
    others = [email for email in emails if email is not first]
    assert [reminders.deliver(e, status, connection=connection) for e in others] == ["sent"]


def test_dry_run_says_who_would_get_what_and_sends_nothing(cycle_data, mailoutbox):
    output = run(OPENS, "--dry-run")
    assert mailoutbox == []
    assert not Reminder.objects.exists()
    assert "would send 2 emails" in output
    assert (
        "zoe@example.org: Please update 4 actions by Friday 30 August 2024 for the ESS meeting "
        "(1.1, 1.2, 1.3, 1.5)"
    ) in output


def test_a_lead_without_an_email_address_is_not_sent_one(cycle_data, mailoutbox):
    cycle_data["zoe"].email = ""
    cycle_data["zoe"].save()
    run(OPENS)
    chair = by_recipient(mailoutbox)["chair@example.org"]
    # Zoe's actions fall to the chair.
    assert chair.subject.startswith("Please update 13 actions")


def test_the_date_must_be_a_date():
    with pytest.raises(CommandError, match="--today: '30/08/2024' is not a date as YYYY-MM-DD"):
        call_command("send_reminders", "--today", "30/08/2024")
