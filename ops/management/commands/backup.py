"""Back up the whole database to one file, for a cron job or systemd timer (deploy/README.md).

    manage.py backup /var/backups/mscp/            # a dated file in that directory
    manage.py backup /var/backups/mscp/today.dump  # that file
    manage.py backup --format json /tmp/move/      # to restore into another kind of database

On PostgreSQL the file is pg_dump's custom format, on SQLite a copy of the database; with
--format json it is Django's json, gzip-compressed, for either (see ops.backups). The
file is readable by its owner only, and appears only once it is complete.
"""

from django.core.management.base import BaseCommand

from ops.backups import FORMAT_NAMES, add_database_arguments, human_size, make_backup


class Command(BaseCommand):
    help = "Back up the database to one file (pg_dump, a SQLite copy, or json with --format)."

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            nargs="?",
            metavar="PATH",
            help="a file to create, or a directory for a dated file (default: here)",
        )
        parser.add_argument(
            "--format",
            choices=["native", "json"],
            default="native",
            help="native (default): pg_dump's custom format on PostgreSQL, a copy of the file "
            "on SQLite; json: for any database, e.g. to move from SQLite to PostgreSQL",
        )
        add_database_arguments(parser, program="pg_dump")

    def handle(self, *args, destination, format, pg_bin, database, **options):
        result = make_backup(destination, fmt=format, using=database, pg_bin=pg_bin)
        self.stdout.write(
            f"Wrote {result.path} ({FORMAT_NAMES[result.format]}, {human_size(result.size)}): "
            f"{result.counts_text()}."
        )
