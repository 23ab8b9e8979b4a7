"""Write a meeting pack to files, for scheduled runs (e.g. the night before a board meeting).

    manage.py make_pack --partnership merton --meeting 12 --output /srv/packs
    manage.py make_pack --partnership merton --plan 3 --format xlsx
    manage.py make_pack --partnership merton --as-at 2024-09-30
    manage.py make_pack --partnership merton --meeting 12 --store

Without --meeting or --plan the pack covers every plan of the partnership, as at today or
--as-at. The files are named as the downloads are; their paths are printed one per line.
With --store the files are kept in the database instead, as the downloads keep them, so that
the next download of the same pack is served at once (a ready stored one that says the same
is reused rather than made again); a line per format says which stored pack holds it.
Either way the command renders while it runs, without the background worker.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from plans.models import Partnership, Plan
from reporting.management.arguments import iso_date
from reporting.models import Meeting, StoredPack
from reporting.pack_files import FORMATS, Subject, pack_file
from reporting.stored_packs import render_stored_pack, request_stored_pack


class Command(BaseCommand):
    help = "Write a partnership's pack (a meeting's, a plan's or every plan's) as PDF and Excel."

    def add_arguments(self, parser):
        parser.add_argument("--partnership", required=True, metavar="SLUG")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--meeting", type=int, metavar="ID", help="the meeting's pack")
        which.add_argument("--plan", type=int, metavar="ID", help="one plan")
        parser.add_argument(
            "--as-at",
            metavar="YYYY-MM-DD",
            help="rate the actions as at this day (default today; not with --meeting)",
        )
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            action="append",
            dest="formats",
            help="pdf or xlsx (default both; may be repeated)",
        )
        parser.add_argument("--output", default=".", metavar="DIR", help="default: here")
        parser.add_argument(
            "--store",
            action="store_true",
            help="keep the files in the database, for downloads, instead of writing them",
        )

    def handle(self, *args, partnership, meeting, plan, as_at, formats, output, store, **options):
        slug = partnership
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise CommandError(f"No partnership has the slug {slug!r}")
        if meeting is not None and as_at:
            raise CommandError("A meeting's pack is as at its date: leave out --as-at")
        day = iso_date(as_at, option="--as-at") if as_at else timezone.localdate()
        if meeting is not None:
            found = (
                Meeting.objects.select_related("group__partnership")
                .filter(pk=meeting, group__partnership=partnership)
                .first()
            )
            if found is None:
                raise CommandError(f"{partnership.name} has no meeting {meeting}")
            subject = Subject(partnership, meeting=found)
        elif plan is not None:
            found = (
                Plan.objects.select_related("group__partnership")
                .live()
                .filter(pk=plan, group__partnership=partnership)
                .first()
            )
            if found is None:
                raise CommandError(f"{partnership.name} has no plan {plan}")
            subject = Subject(partnership, plan=found)
        else:
            subject = Subject(partnership)
        formats = list(dict.fromkeys(formats or sorted(FORMATS)))
        if store:
            for fmt in formats:
                self.store(subject, fmt, day)
            return

        pack, what = subject.pack(day)
        directory = Path(output)
        directory.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            file = pack_file(pack, fmt, what)
            path = directory / file.filename
            path.write_bytes(file.content)
            self.stdout.write(str(path))

    def store(self, subject, fmt, day):
        stored, created, _ = request_stored_pack(subject=subject, fmt=fmt, as_at=day)
        if created:
            render_stored_pack(stored.pk)
        stored = StoredPack.objects.defer("content").get(pk=stored.pk)
        if stored.status == StoredPack.Status.FAILED:
            raise CommandError(f"{stored.filename} could not be made: {stored.error}")
        if created:
            how = "made"
        elif stored.status == StoredPack.Status.READY:
            how = "already stored"
        else:  # queued by a download, for the worker
            how = "on its way"
        self.stdout.write(f"{stored.filename}: stored pack {stored.pk}, {how}")
