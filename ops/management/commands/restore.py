"""Restore a backup made by manage.py backup (deploy/README.md says when and how).

    manage.py restore /var/backups/mscp/mscp-2024-09-30-020000.dump

The backup's format is read from the file. A pg_dump or SQLite backup restores into an empty
database of the same kind; a json backup into an empty database that has been migrated
(manage.py migrate). A database that holds data is refused: a backup is never merged into
it. --force replaces everything in it with the backup, in one transaction.
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from ops.backups import FORMAT_NAMES, add_database_arguments, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by manage.py backup into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="the backup file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace whatever the database holds with the backup (all of it is deleted)",
        )
        add_database_arguments(parser, program="pg_restore")

    def handle(self, *args, path, force, pg_bin, database, **options):
        result = restore_backup(Path(path), using=database, force=force, pg_bin=pg_bin)
        self.stdout.write(
            f"Restored {result.path} ({FORMAT_NAMES[result.format]}): {result.counts_text()}."
        )
        self.stdout.write("Everyone signs in again: no session is restored.")
