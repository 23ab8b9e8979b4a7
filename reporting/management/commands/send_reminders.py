"""Email leads and chairs about the updates due before each meeting. Run it daily.

    manage.py send_reminders
    manage.py send_reminders --dry-run            # who would get what; sends and records nothing
    manage.py send_reminders --today 2024-09-02   # as if it were that day (tests, catching up)

For each unlocked meeting still to come whose reporting period is open (reporting.cycle_rules):
from the day updates open, a first notice to each lead (or chair) with actions to update; from
the partnership's reminder days before the deadline to the deadline day, a reminder to those
still to update; after the deadline, until the meeting, the list of missing updates to the
chairs. Each email is recorded (reporting.models.Reminder) and never sent twice, however often
the command runs, and a failed one is tried again by the next run. deploy/README.md
("Reminders") has a systemd timer and a cron line for it.
"""

from django.core.mail import get_connection
from django.core.management.base import BaseCommand
from django.utils import timezone

from reporting import cycle_rules, reminders, update_cycle
from reporting.management.arguments import iso_date
from reporting.models import Reminder


class Command(BaseCommand):
    help = "Send the update cycle's emails due today: first notices, reminders, missing updates."

    def add_arguments(self, parser):
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="act as on this day")
        parser.add_argument(
            "--dry-run", action="store_true", help="print who would get what, send nothing"
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        today = iso_date(today, option="--today") if today else timezone.localdate()
        connection = None if dry_run else get_connection()
        totals = {reminders.SENT: 0, reminders.FAILED: 0, reminders.TAKEN: 0}
        for meeting in update_cycle.meetings_in_period(today):
            partnership = meeting.group.partnership
            kind = cycle_rules.notice_due(
                today, update_cycle.period_of(meeting), reminder_days=partnership.reminder_days
            )
            if kind is None:
                continue
            status = update_cycle.period_status(meeting)
            emails = reminders.emails_for(status, kind)
            heading = f"{partnership.short_name}: {meeting} – {Reminder.Kind(kind).label.lower()}"
            unasked = sum(1 for item in status.outstanding if not item.owed.user_ids)
            if dry_run:
                self.stdout.write(f"{heading}: would send {reminders.plural(len(emails), 'email')}")
                for email in emails:
                    numbers = ", ".join(item or "–" for item in numbers_of(status, email))
                    self.stdout.write(f"  {email.address}: {email.subject} ({numbers})")
            else:
                done = {reminders.SENT: 0, reminders.FAILED: 0, reminders.TAKEN: 0}
                for email in emails:
                    done[reminders.deliver(email, status, connection=connection)] += 1
                for key, count in done.items():
                    totals[key] += count
                self.stdout.write(f"{heading}: {summary(done)}")
            if unasked and kind != Reminder.Kind.MISSING:
                self.stdout.write(
                    f"  {reminders.plural(unasked, 'action')} outstanding with no one who can "
                    "be emailed: see the meeting's updates page"
                )
        if not dry_run:
            self.stdout.write(f"Done: {summary(totals)}.")


def numbers_of(status, email) -> list[str]:
    by_pk = {item.action.pk: item.action.number for item in status.items}
    return [by_pk[pk] for pk in email.action_ids]


def summary(done: dict) -> str:
    parts = [f"{reminders.plural(done[reminders.SENT], 'email')} sent"]
    if done[reminders.FAILED]:
        parts.append(f"{done[reminders.FAILED]} could not be sent (tried again next run)")
    if done[reminders.TAKEN]:
        parts.append(f"{done[reminders.TAKEN]} sent already by another run")
    return ", ".join(parts)
