import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from ops.synthetic import build_partnership
from plans.models import Membership, Plan


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the plan page and dashboard for a synthetic plan (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, default=300)
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args, actions, runs, **options):
        plain_static = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=plain_static, DEBUG=False):
            try:
                with transaction.atomic():
                    self.measure(actions, runs)
                    raise Rollback
            except Rollback:
                pass

    def measure(self, actions, runs):
        started = time.perf_counter()
        partnership = build_partnership(slug="bench-pages", actions_per_plan=actions)
        self.stdout.write(
            f"Built a plan of {actions} actions ({actions * 2} steps, {actions * 4} updates) "
            f"in {time.perf_counter() - started:.1f} s; {runs} runs per page on "
            f"{connection.vendor}"
        )
        user = get_user_model().objects.create(username="bench-pages-staff")
        Membership.objects.create(user=user, partnership=partnership, role=Membership.Role.STAFF)
        client = Client()
        client.force_login(user)
        plan = Plan.objects.get(group__partnership=partnership)
        pages = {
            "plan page": reverse("plans:plan", args=[partnership.slug, plan.pk]),
            "plan page, filtered": reverse("plans:plan", args=[partnership.slug, plan.pk])
            + "?rating=at_risk&rating=off_track&q=impact",
            "dashboard": reverse("plans:dashboard", args=[partnership.slug]),
            "all actions": reverse("actions:list", args=[partnership.slug]),
        }
        self.stdout.write(
            f"{'page':<22}{'median ms':>10}{'p90 ms':>9}{'min ms':>9}{'queries':>9}{'KB':>7}"
        )
        for name, url in pages.items():
            client.get(url, secure=True)  # warm templates and caches
            timings = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url, secure=True)
                    timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            timings.sort()
            p90 = timings[max(0, int(len(timings) * 0.9) - 1)]
            self.stdout.write(
                f"{name:<22}{statistics.median(timings):>10.1f}{p90:>9.1f}{timings[0]:>9.1f}"
                f"{len(queries):>9}{len(response.content) / 1024:>7.0f}"
            )
