"""Time the meeting pack for a synthetic partnership of 100, 250 and 500 actions.

Prints figures, never fails on them (these machines are shared and noisy). Everything is
built inside a transaction that is rolled back, so nothing is kept.
"""

import datetime
import gc
import time
from pathlib import Path

import weasyprint
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import ProgressUpdate
from ops.synthetic import build_partnership
from plans.models import Group, Plan
from reporting.apart import peak_mb
from reporting.models import Meeting
from reporting.packs import pack_for_meeting
from reporting.pdf import (
    BASE_URL,
    PDF_OPTIONS,
    fewer_collections,
    pack_html,
    render_apart,
    render_pack_pdf,
)


class Rollback(Exception):
    pass


def reset_peak() -> None:
    """Start a new peak-memory measurement (Linux: reset VmHWM to the current resident set)."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # elsewhere the peak is the process's so far


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def excel_renderer():
    try:
        from reporting.excel import render_pack_xlsx
    except ImportError:
        return None
    return render_pack_xlsx


def record_one_update(pack, meeting) -> None:
    """One more accepted progress update, on the pack's first action, dated before the
    meeting (so the meeting's pack says something new)."""
    line = pack.lines[0]
    rating = next(iter(pack.ratings.values()))
    update = ProgressUpdate.objects.create(
        action=line.action,
        rating=rating,
        commentary="One more update, for the benchmark",
        reported_on=meeting.held_on - datetime.timedelta(days=1),
    )
    update.created_at = timezone.make_aware(
        datetime.datetime.combine(update.reported_on, datetime.time(13))
    )
    update.save(update_fields=["created_at"])


class Command(BaseCommand):
    help = "Time the meeting pack (PDF, and Excel where present) for 100, 250 and 500 actions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--plans", default="2,5,10", help="Numbers of 50-action plans to pack, e.g. 2,5,10."
        )
        parser.add_argument(
            "--runs", type=int, default=1, help="Renders per size; the fastest is shown."
        )

    def handle(self, *args, plans, runs, **options):
        sizes = [int(n) for n in plans.split(",")]
        try:
            with transaction.atomic():
                self.measure(sizes, max(1, runs))
                raise Rollback
        except Rollback:
            pass

    def measure(self, sizes, runs):
        started = time.perf_counter()
        partnership = build_partnership(
            slug="bench-packs", plans=max(sizes), actions_per_plan=50, updates_per_action=4
        )
        # Synthetic updates are entered "now": date each as entered on the day it reports, so
        # the ratings count as at the meetings below.
        updates = list(ProgressUpdate.objects.filter(rating__partnership=partnership))
        for update in updates:
            update.created_at = timezone.make_aware(
                datetime.datetime.combine(update.reported_on, datetime.time(12))
            )
        ProgressUpdate.objects.bulk_update(updates, ["created_at"], batch_size=500)
        board = Group.objects.get(partnership=partnership, kind=Group.Kind.BOARD)
        # Updates are dated 1 Apr, 1 Jul, 30 Sep and 30 Dec 2024: the last one is new since
        # the previous meeting, so "changes since the last meeting" has work to do.
        Meeting.objects.create(group=board, held_on=datetime.date(2024, 10, 15))
        meeting = Meeting.objects.create(
            group=board,
            held_on=datetime.date(2025, 1, 15),
            title="Executive board",
            reporting_period="Quarter 3, 2024-25",
        )
        plan_ids = list(
            Plan.objects.for_partnership(partnership).order_by("pk").values_list("pk", flat=True)
        )
        render_xlsx = excel_renderer()
        self.stdout.write(
            f"Built {max(sizes)} plans of 50 actions (2 steps and 4 updates each) in "
            f"{time.perf_counter() - started:.1f} s on {connection.vendor}; fastest of {runs} "
            f"run(s); PDF options {PDF_OPTIONS}; resident memory {peak_mb():.0f} MB"
        )
        self.stdout.write(
            f"{'actions':>7}{'build s':>9}{'queries':>8}{'html s':>8}{'PDF s':>8}{'pages':>7}"
            f"{'bare s':>8}{'overhead':>10}{'incl. build':>12}{'untagged s':>11}{'s/100 act':>10}"
            f"{'peak MB':>9}{'render MB':>10}{'1 update s':>11}{'Excel s':>9}"
        )
        for n in sizes:
            plans = Plan.objects.filter(pk__in=plan_ids[:n])
            builds, pdfs, htmls, bares, untagged, render_peaks = [], [], [], [], [], []
            peak = None
            for _ in range(runs):
                reset_peak()
                with CaptureQueriesContext(connection) as queries:
                    pack, seconds = timed(pack_for_meeting, meeting, plans=plans)
                builds.append(seconds)
                html, seconds = timed(pack_html, pack)
                htmls.append(seconds)
                # The bare render first (a second render of the same size runs a little faster,
                # so this order can only overstate the overhead): the same final HTML, options
                # and collector thresholds, straight into WeasyPrint with its default fetcher.
                start = time.perf_counter()
                with fewer_collections():
                    document = weasyprint.HTML(string=html, base_url=BASE_URL).render(**PDF_OPTIONS)
                    document.write_pdf(**PDF_OPTIONS)
                bares.append(time.perf_counter() - start)
                pages = len(document.pages)
                del document, html
                peak = peak or peak_mb()  # building and rendering one pack, Django included
                # As the worker renders: the template, then WeasyPrint in a process apart.
                start = time.perf_counter()
                rendered = render_apart(pack_html(pack))
                pdfs.append(time.perf_counter() - start)
                render_peaks.append(rendered.peak_mb)
                # What tagging (PDF/UA) costs: the same HTML rendered untagged.
                html = pack_html(pack)
                start = time.perf_counter()
                with fewer_collections():
                    weasyprint.HTML(string=html, base_url=BASE_URL).write_pdf()
                untagged.append(time.perf_counter() - start)
            # After one accepted update: the pack built and rendered again, as the worker does.
            record_one_update(pack, meeting)
            start = time.perf_counter()
            render_pack_pdf(pack_for_meeting(meeting, plans=plans))
            after_update = time.perf_counter() - start
            build, pdf, bare = min(builds), min(pdfs), min(bares)
            actions = len(pack.lines)
            excel = "–"
            if render_xlsx is not None:
                _, seconds = timed(render_xlsx, pack)
                excel = f"{seconds:.2f}"
            self.stdout.write(
                f"{actions:>7}{build:>9.2f}{len(queries):>8}{min(htmls):>8.2f}{pdf:>8.2f}"
                f"{pages:>7}{bare:>8.2f}{(pdf - bare) / bare:>10.1%}"
                f"{(build + pdf - bare) / bare:>12.1%}{min(untagged):>11.2f}"
                f"{pdf / actions * 100:>10.2f}"
                f"{peak:>9.0f}{max(render_peaks):>10.0f}{after_update:>11.2f}{excel:>9}"
            )
        self.stdout.write(
            "PDF: the template, then WeasyPrint in a process apart, as the worker renders; "
            "overhead: that over "
            "the bare WeasyPrint render of the same HTML and options; incl. build adds building "
            "the pack; untagged: the bare render without PDF/UA tags; peak: resident memory of "
            "this process (Django and the data included) while it builds the pack and lays it "
            "out itself; render: the peak of the render's own process; "
            "1 update: the pack built and rendered again after one more progress update. "
            "Goals: PDF ≤ 10 s for 500 actions, ≤ 3 s after one update, render ≤ 400 MB, "
            "overhead ≤ 15 %, linear growth."
        )
