"""Time the meeting pack for a synthetic partnership of 100, 250 and 500 actions.

Prints figures, never fails on them (these machines are shared and noisy). Everything is
built inside a transaction that is rolled back, so nothing is kept.
"""

import datetime
import gc
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from actions.models import ProgressUpdate
from ops.synthetic import build_partnership
from plans.models import Group, Plan
from reporting.apart import peak_mb, run_apart
from reporting.models import Meeting
from reporting.pack_pdf import lay_out_part, pack_html, render_pack_parts
from reporting.packs import pack_for_meeting
from reporting.pdf import PDF_OPTIONS


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
    """One more accepted progress update, dated the day before the meeting, as the cycle
    brings them: a new rating for an action not updated since the last meeting if there is
    one (it leaves that list), or else for the pack's last action (each size's own)."""
    line = (pack.not_updated or pack.lines)[-1]
    rating = next(r for r in pack.ratings.values() if r != line.rating)
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
        # The parts are kept where the worker keeps them, in files, but in a folder of the
        # benchmark's own, so that "cold" empties nothing of the site's.
        with tempfile.TemporaryDirectory(prefix="bench-pack-parts-") as folder:
            parts = settings.CACHES["pack_parts"] | {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": folder,
            }
            with override_settings(CACHES=settings.CACHES | {"pack_parts": parts}):
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
        run_apart(peak_mb)  # the render server started, as the worker's is before any render
        self.stdout.write(
            f"Built {max(sizes)} plans of 50 actions (2 steps and 4 updates each) in "
            f"{time.perf_counter() - started:.1f} s on {connection.vendor}; fastest of {runs} "
            f"run(s); PDF options {PDF_OPTIONS}; {settings.PACK_RENDER_PROCESSES} processes; "
            f"resident memory {peak_mb():.0f} MB"
        )
        self.stdout.write(
            f"{'actions':>7}{'build s':>9}{'queries':>8}{'pages':>7}{'bare s':>8}{'cold s':>8}"
            f"{'parts':>7}{'vs bare':>9}{'s/100 act':>10}{'bare MB':>9}{'render MB':>10}"
            f"{'join MB':>9}"
            f"{'1 update s':>11}{'laid out':>9}{'Excel s':>9}"
        )
        for n in sizes:
            plans = Plan.objects.filter(pk__in=plan_ids[:n])
            builds, colds, bares, bare_peaks, render_peaks, join_peaks = [], [], [], [], [], []
            for _ in range(runs):
                reset_peak()
                with CaptureQueriesContext(connection) as queries:
                    pack, seconds = timed(pack_for_meeting, meeting, plans=plans)
                builds.append(seconds)
                # The bare render first (a second render of the same size runs a little faster,
                # so this order can only flatter the parts): the pack as one document, with the
                # same options, laid out in one process apart as a part is (its own time).
                bare_render = run_apart(lay_out_part, pack_html(pack))
                bares.append(bare_render.seconds)
                bare_peaks.append(bare_render.peak_mb)
                pages = bare_render.pages
                del bare_render
                # As the worker renders, with no part kept from before.
                caches["pack_parts"].clear()
                reset_peak()
                joined, seconds = timed(render_pack_parts, pack)
                colds.append(seconds)
                render_peaks.append(joined.peak_mb)
                join_peaks.append(peak_mb())
            # After one accepted update: the pack built and rendered again, as the worker does,
            # with the parts kept from the render before.
            record_one_update(pack, meeting)
            again, after_update = timed(render_pack_parts, pack_for_meeting(meeting, plans=plans))
            build, cold, bare = min(builds), min(colds), min(bares)
            actions = len(pack.lines)
            excel = "–"
            if render_xlsx is not None:
                _, seconds = timed(render_xlsx, pack)
                excel = f"{seconds:.2f}"
            self.stdout.write(
                f"{actions:>7}{build:>9.2f}{len(queries):>8}{pages:>7}{bare:>8.2f}{cold:>8.2f}"
                f"{joined.parts:>7}{(cold - bare) / bare:>9.0%}{cold / actions * 100:>10.2f}"
                f"{max(bare_peaks):>9.0f}{max(render_peaks):>10.0f}{max(join_peaks):>9.0f}{after_update:>11.2f}"
                f"{f'{again.laid_out}/{again.parts}':>9}{excel:>9}"
            )
        self.stdout.write(
            "bare: the pack as one document laid out by WeasyPrint in one process apart (its "
            "own time); cold: the pack's PDF as the worker makes it, laid out in parts in "
            "processes apart and joined, with no part kept from before (vs bare: its time over "
            "the bare render's); bare MB: the peak of the bare render's process; render: the "
            "largest peak of the processes that laid out parts; join: this process's peak "
            "while it has the parts laid out and joins them (Django and the data included); "
            "1 update: the pack built and rendered again after one more progress update, with "
            "the parts kept (laid out: the parts laid out again, of all). "
            "Goals: 500 actions cold ≤ 10 s and ≤ 400 MB, ≤ 3 s after one update."
        )
