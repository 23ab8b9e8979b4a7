import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from plans import audit
from plans.models import AuditEvent


def days(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Delete audit events older than --older-than DAYS. Nothing else removes them: "
        "without this command (e.g. run daily by cron or a systemd timer) they are kept "
        "for ever. Changes to plan content are history records, kept with the content, "
        "and are not touched. The pruning itself is recorded as an event."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=days,
            required=True,
            metavar="DAYS",
            help="Delete events recorded more than this many days ago (at least 1).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go; delete nothing."
        )

    def handle(self, *args, older_than, dry_run, **options):
        cutoff = timezone.now() - datetime.timedelta(days=older_than)
        old = AuditEvent.objects.filter(at__lt=cutoff)
        if dry_run:
            self.stdout.write(f"{old.count()} audit events are older than {older_than} days.")
            return
        with transaction.atomic():
            deleted, _ = old.delete()
            audit.record(
                audit.Kind.AUDIT_PRUNED,
                summary=f"Deleted {deleted} audit events older than {older_than} days",
                detail={"deleted": deleted, "before": cutoff.isoformat()},
            )
        self.stdout.write(f"Deleted {deleted} audit events older than {older_than} days.")
