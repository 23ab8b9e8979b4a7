from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.demo import create_demo_users, load_demo
from ops.demo_activity import add_demo_activity


class Command(BaseCommand):
    help = "Load the demo partnerships and the three seed plans (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="Also create one sign-in per role (and an admin) and print their logins.",
        )
        parser.add_argument("--password", help="Password for the demo sign-ins.")
        parser.add_argument(
            "--with-activity",
            action="store_true",
            help="Also add illustrative meetings and progress updates (clearly marked), so "
            "the dashboard and packs have something to show.",
        )

    def handle(self, *args, with_users=False, password=None, with_activity=False, **options):
        report = load_demo()
        for plan in report.plans:
            actions = sum(outcome.actions.count() for outcome in plan.outcomes.all())
            self.stdout.write(
                f"Loaded {plan.group.partnership.name}: {plan} "
                f"({plan.outcomes.count()} outcomes, {actions} actions)"
            )
        if not with_users:
            self.add_activity(with_activity)
            return
        if password is None:
            if not settings.DEBUG:
                raise CommandError("Demo sign-ins outside development need --password.")
            password = "demo-password-2024"  # noqa: S105 - development sign-ins, printed below
        self.stdout.write(self.style.SUCCESS(f"\nDemo sign-ins (password for all: {password})"))
        for username, role, where in create_demo_users(password):
            self.stdout.write(f"  {username:<8} {role} – {where}")
        self.add_activity(with_activity)

    def add_activity(self, wanted: bool) -> None:
        if wanted:
            added = add_demo_activity()
            done = f"{added} progress updates and 3 meetings, marked “Illustrative”"
            self.stdout.write(f"Illustrative activity: {done if added else 'already there'}")
