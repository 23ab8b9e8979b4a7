"""Write a meeting pack to files, for scheduled runs (e.g. the night before a board meeting).

    manage.py make_pack --partnership merton --meeting 12 --output /srv/packs
    manage.py make_pack --partnership merton --plan 3 --format xlsx
    manage.py make_pack --partnership merton --as-at 2024-09-30

Without --meeting or --plan the pack covers every plan of the partnership, as at today or
--as-at. The files are named as the downloads are; their paths are printed one per line.
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from plans.models import Partnership, Plan
from reporting.downloads import FORMATS, meeting_pack, pack_file, partnership_pack, plan_pack
from reporting.models import Meeting


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-at: {value!r} is not a date as YYYY-MM-DD") from error


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

    def handle(self, *args, partnership, meeting, plan, as_at, formats, output, **options):
        slug = partnership
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise CommandError(f"No partnership has the slug {slug!r}")
        if meeting is not None and as_at:
            raise CommandError("A meeting's pack is as at its date: leave out --as-at")
        day = iso_date(as_at) if as_at else timezone.localdate()
        if meeting is not None:
            found = (
                Meeting.objects.select_related("group__partnership")
                .filter(pk=meeting, group__partnership=partnership)
                .first()
            )
            if found is None:
                raise CommandError(f"{partnership.name} has no meeting {meeting}")
            pack, what = meeting_pack(found)
        elif plan is not None:
            found = (
                Plan.objects.select_related("group__partnership")
                .filter(pk=plan, group__partnership=partnership, deleted_at__isnull=True)
                .first()
            )
            if found is None:
                raise CommandError(f"{partnership.name} has no plan {plan}")
            pack, what = plan_pack(found, day)
        else:
            pack, what = partnership_pack(partnership, day)

        directory = Path(output)
        directory.mkdir(parents=True, exist_ok=True)
        for fmt in dict.fromkeys(formats or sorted(FORMATS)):
            file = pack_file(pack, fmt, what)
            path = directory / file.filename
            path.write_bytes(file.content)
            self.stdout.write(str(path))
