"""Backing up the whole database to one file, and restoring it (manage.py backup / restore).

Three formats, told apart on restore by the file's first bytes, never by its name:
- PostgreSQL: pg_dump's custom format, restored with pg_restore. pg_dump reads one snapshot,
  so the site can keep running while it works. The connection settings are DATABASES', with
  the password in PGPASSWORD: a command line is visible to every user of the server (ps).
- SQLite: a copy of the database file made with SQLite's online backup API, consistent even
  while the site writes to it (a plain file copy taken mid-write can be corrupt).
- json (--format json): Django's serialization of every row, gzip-compressed, in the format
  loaddata reads. It does not depend on the database, so it moves a site between SQLite and
  PostgreSQL; it restores into an empty, migrated database.

Every format leaves out sign-in sessions: a session key is a signed-in cookie, so a copy of
the backup must not be one, and after a restore everyone signs in again.
"""

import datetime
import gzip
import io
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from actions.models import Action, ProgressUpdate, Step
from plans.models import Partnership, Plan

PG_DUMP, SQLITE, JSON = "pg_dump", "sqlite", "json"
FORMAT_NAMES = {
    PG_DUMP: "pg_dump custom format",
    SQLITE: "SQLite database",
    JSON: "gzip-compressed json",
}
EXTENSIONS = {PG_DUMP: "dump", SQLITE: "sqlite3", JSON: "json.gz"}
MAGIC = [(b"PGDMP", PG_DUMP), (b"SQLite format 3\x00", SQLITE), (b"\x1f\x8b", JSON)]

# Left out of a json backup, by app label or model label; everything else is kept, so a model
# added to any app later is backed up without anyone remembering to list it.
EXCLUDED = {
    # migrate creates these in the target database, with ids of its own: rows that refer to
    # them (the audit log, permissions of users and groups) are written by name instead.
    "contenttypes": "recreated by migrate",
    "auth.permission": "recreated by migrate",
    "sessions": "sign-ins in progress: a session key works as a signed-in cookie",
    # Lock-outs last 30 minutes; a restored one would lock a person out again.
    "axes": "short-lived sign-in lock-outs",
    # The background worker's queue: a task restored would run again. The packs it made are
    # kept (reporting.StoredPack): a kept pack is the one a meeting was sent.
    "django_tasks_database": "the queue of background renders",
}
# What a backup's summary counts: the record a partnership would miss first.
SUMMARY = [
    ("partnerships", Partnership),
    ("plans", Plan),
    ("actions", Action),
    ("steps", Step),
    ("progress updates", ProgressUpdate),
]


class BackupError(CommandError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class Result:
    path: Path
    format: str
    counts: dict = field(default_factory=dict)  # SUMMARY's names -> rows

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def counts_text(self) -> str:
        return ", ".join(f"{count} {name}" for name, count in self.counts.items())


# Small pure helpers ---------------------------------------------------------------------------


def add_database_arguments(parser, *, program: str) -> None:
    """The options manage.py backup and restore share: the database, and where the
    PostgreSQL program they run is."""
    parser.add_argument(
        "--pg-bin",
        metavar="DIR",
        help=f"the directory of {program} (default: the PATH), e.g. /usr/lib/postgresql/16/bin",
    )
    parser.add_argument("--database", default=DEFAULT_DB_ALIAS)


def backup_models() -> list:
    """The models a json backup holds: every installed model but those EXCLUDED.

    Historical (django-simple-history) models are models of their own app, so the history
    of every change comes along.
    """
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in EXCLUDED
        and model._meta.label_lower not in EXCLUDED
        and model._meta.managed
        and not model._meta.proxy
    ]


def detect_format(head: bytes) -> str | None:
    for magic, fmt in MAGIC:
        if head.startswith(magic):
            return fmt
    return None


def default_name(fmt: str, now) -> str:
    return f"mscp-{now:%Y-%m-%d-%H%M%S}.{EXTENSIONS[fmt]}"


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def major_version(version_output: str) -> int:
    """15 from "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"."""
    match = re.search(r"\)\s*(\d+)", version_output) or re.search(r"\b(\d+)\.\d+", version_output)
    if match is None:
        raise BackupError(f"Cannot read a version number from {version_output.strip()!r}.")
    return int(match.group(1))


# OPTIONS that libpq also reads from the environment (Django's dbshell passes the same ones).
PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def pg_environment(settings_dict: dict, environ: dict) -> dict:
    """environ plus the PG* variables that point pg_dump and pg_restore where Django connects.

    Settings left empty are not set, so libpq falls back to what Django's own connection
    falls back to (the same environment, then its defaults).
    """
    env = dict(environ)
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ]:
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    for option, variable in PG_OPTION_VARIABLES.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    return env


# Writing a file that is either complete or not there ---------------------------------------


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary file beside path, readable by its owner only (a backup holds safeguarding
    data), renamed to path once the block has written it; removed if the block fails. A
    backup interrupted halfway (disk full, a killed cron job) never looks like a good one."""
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(descriptor)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)


def backup_path(destination: str | None, fmt: str) -> Path:
    """The file to write: destination, or a dated name in it if it is a directory."""
    path = Path(destination or ".")
    if destination and destination.endswith(os.sep) and not path.is_dir():
        raise BackupError(f"There is no directory {path}: create it first.")
    if path.is_dir():
        path = path / default_name(fmt, timezone.localtime())
    if path.exists():
        raise BackupError(f"{path} already exists: choose another name, or remove it first.")
    if not path.parent.is_dir():
        raise BackupError(f"There is no directory {path.parent}: create it first.")
    return path


# Backing up ----------------------------------------------------------------------------------


def make_backup(destination: str | None, *, fmt: str, using: str, pg_bin: str | None) -> Result:
    """Write a backup of database alias using; fmt is "native" or "json"."""
    connection = connections[using]
    if fmt == "native":
        if connection.vendor not in ("postgresql", "sqlite"):
            raise BackupError(f"No native backup for {connection.vendor}: use --format json.")
        fmt = PG_DUMP if connection.vendor == "postgresql" else SQLITE
    path = backup_path(destination, fmt)
    with atomic_file(path) as temporary:
        if fmt == PG_DUMP:
            counts = write_pg_dump(temporary, using, pg_bin)
        elif fmt == SQLITE:
            counts = write_sqlite(temporary, using)
        else:
            counts = write_json(temporary, using)
    return Result(path, fmt, counts)


def summary_counts(using: str) -> dict:
    return {name: model._base_manager.using(using).count() for name, model in SUMMARY}


def outside_transaction(using: str, what: str) -> None:
    if connections[using].in_atomic_block:
        # Another process (pg_dump) cannot see this transaction's writes, and SQLite's backup
        # would wait for this transaction to end: for ever.
        raise BackupError(f"{what} cannot run inside a transaction.")


def find_tool(name: str, pg_bin: str | None) -> str:
    found = shutil.which(name, path=pg_bin) if pg_bin else shutil.which(name)
    if found is None:
        where = f"in {pg_bin}" if pg_bin else "on the PATH"
        raise BackupError(
            f"{name} is not installed {where}. Install PostgreSQL's client programs of the "
            "server's major version or newer (Debian: apt-get install postgresql-client), or "
            "name their directory with --pg-bin."
        )
    return found


def run_tool(args: list[str], env: dict) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        name = Path(args[0]).name
        raise BackupError(f"{name} failed (exit code {done.returncode}): {done.stderr.strip()}")


def tool_version(tool: str) -> int:
    done = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    return major_version(done.stdout)


def write_pg_dump(path: Path, using: str, pg_bin: str | None) -> dict:
    connection = connections[using]
    outside_transaction(using, "A pg_dump backup")
    tool = find_tool("pg_dump", pg_bin)
    connection.ensure_connection()
    server = connection.pg_version // 10000
    client = tool_version(tool)
    if client < server:
        raise BackupError(
            f"{tool} is version {client}, older than the database server ({server}): it "
            f"cannot dump it. Install postgresql-client-{server} (or newer) and name its "
            f"directory with --pg-bin, e.g. /usr/lib/postgresql/{server}/bin."
        )
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # The counts and pg_dump read one snapshot, so the summary printed is the backup's.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = summary_counts(using)
        run_tool(
            [
                tool,
                "--format=custom",
                "--no-password",  # never wait for a prompt in a cron job
                f"--snapshot={snapshot}",
                f"--exclude-table-data={Session._meta.db_table}",
                f"--file={path}",
            ],
            pg_environment(connection.settings_dict, os.environ),
        )
    return counts


def write_sqlite(path: Path, using: str) -> dict:
    connection = connections[using]
    outside_transaction(using, "A SQLite backup")
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        # All pages in one step: a step-by-step backup starts again whenever the site writes
        # in between, and could never finish on a busy site.
        connection.connection.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode = DELETE")  # one file, even if the site uses WAL
        copy.execute("PRAGMA secure_delete = ON")  # overwrite the sessions, not just unlink
        copy.execute(f'DELETE FROM "{Session._meta.db_table}"')  # noqa: S608 - a model's table
        copy.commit()
        return {
            name: copy.execute(f'SELECT count(*) FROM "{model._meta.db_table}"').fetchone()[0]  # noqa: S608
            for name, model in SUMMARY
        }


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's JSON encoder without its rounding of times to the millisecond (ECMAScript's
    precision): restored, every time is the one saved, to the microsecond, and updates
    saved within one millisecond keep their order."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def write_json(path: Path, using: str) -> dict:
    connection = connections[using]
    counted = Counter()

    def rows():
        models = backup_models()
        by_app = {}
        for model in models:
            by_app.setdefault(model._meta.app_config, []).append(model)
        # Models whose natural keys others refer to (users) come first, as dumpdata does.
        for model in serializers.sort_dependencies(by_app.items(), allow_cycles=True):
            # The base manager: a default manager that hides rows would leave them out.
            query = model._base_manager.using(using).order_by(model._meta.pk.name)
            # A query per chunk of rows for each many-to-many field, not one per row.
            query = query.prefetch_related(*(f.name for f in model._meta.many_to_many))
            for obj in query.iterator(chunk_size=2000):
                counted[model] += 1
                yield obj

    outer = connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and not outer:
            # Every table read from one snapshot: no progress update without its action.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # filename="" keeps the temporary file's name out of the gzip header.
        with (
            open(path, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6) as packed,
            io.TextIOWrapper(packed, encoding="utf-8") as text,
        ):
            # Natural foreign keys refer to content types, permissions and users by name:
            # the target's migrate gives content types and permissions ids of its own.
            # Primary keys stay as they are, so links, history and the audit log's object ids
            # still point at the same rows.
            serializers.serialize(
                "json", rows(), stream=text, use_natural_foreign_keys=True, cls=ExactJSONEncoder
            )
    return {name: counted[model] for name, model in SUMMARY}


# Restoring -----------------------------------------------------------------------------------


def read_format(path: Path) -> str:
    try:
        with open(path, "rb") as file:
            head = file.read(16)
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from error
    fmt = detect_format(head)
    if fmt is None:
        raise BackupError(
            f"{path} is not a backup made by manage.py backup (not a pg_dump custom-format "
            "file, a SQLite database or gzip-compressed json)."
        )
    return fmt


def held_data(using: str) -> dict:
    """Rows already in the database, by model (only tables that exist are looked at)."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    return {
        model: count
        for model in backup_models()
        if model._meta.db_table in tables and (count := model._base_manager.using(using).count())
    }


def refuse_if_not_empty(using: str, held: dict) -> None:
    if not held:
        return
    first = [model for _, model in SUMMARY]  # the partnerships and plans, then the rest
    models = sorted(held, key=lambda m: first.index(m) if m in first else len(first))
    named = [f"{held[model]} {model._meta.verbose_name_plural}" for model in models]
    shown = ", ".join(named[:4]) + (f" and {len(named) - 4} more kinds" if len(named) > 4 else "")
    raise BackupError(
        f"The database {connections[using].settings_dict['NAME']} already holds data ({shown}). "
        "A restore never merges a backup into data: restore into an empty database, or pass "
        "--force to replace everything in this one with the backup."
    )


def restore_backup(path: Path, *, using: str, force: bool, pg_bin: str | None) -> Result:
    fmt = read_format(path)
    connection = connections[using]
    native = {PG_DUMP: "postgresql", SQLITE: "sqlite"}
    if fmt in native and connection.vendor != native[fmt]:
        raise BackupError(
            f"{path} is a {FORMAT_NAMES[fmt]} backup and restores into "
            f"{'PostgreSQL' if fmt == PG_DUMP else 'SQLite'} only. To move a site between "
            "databases, make the backup with --format json."
        )
    if fmt == PG_DUMP:
        restore_pg_dump(path, using, force, pg_bin)
    elif fmt == SQLITE:
        restore_sqlite(path, using, force)
    else:
        restore_json(path, using, force)
    return Result(path, fmt, summary_counts(using))


def restore_pg_dump(path: Path, using: str, force: bool, pg_bin: str | None) -> None:
    outside_transaction(using, "A pg_restore")
    connection = connections[using]
    tool = find_tool("pg_restore", pg_bin)
    refuse_if_not_empty(using, {} if force else held_data(using))
    args = [
        tool,
        "--no-password",
        "--single-transaction",  # all or nothing: a failed restore leaves the database as it was
        "--exit-on-error",
        # The objects belong to whoever restores them (the site's role on this server), not
        # to the role that owned them on the server the backup came from.
        "--no-owner",
        "--no-privileges",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    if connection.introspection.table_names():
        # Empty (or --force) but migrated: drop the tables the backup holds, then recreate them.
        args += ["--clean", "--if-exists"]
    connection.close()  # holds no lock pg_restore would wait for
    run_tool([*args, str(path)], pg_environment(connection.settings_dict, os.environ))


def restore_sqlite(path: Path, using: str, force: bool) -> None:
    outside_transaction(using, "A SQLite restore")
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as backup:
        try:
            check = backup.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} cannot be read as a SQLite database: {error}.") from error
        if check != "ok":
            raise BackupError(f"{path} is damaged (SQLite's check says: {check}).")
        if not {"django_migrations", Partnership._meta.db_table} <= tables:
            raise BackupError(f"{path} is a SQLite database, but not one of this site.")
        refuse_if_not_empty(using, {} if force else held_data(using))
        connection = connections[using]
        connection.ensure_connection()
        # Replaces the whole database (tables, rows, the record of migrations) at once.
        backup.backup(connection.connection, pages=-1)
    # The restored files hold what the backup held: their owner's only, as the backup was
    # (SQLite's write-ahead log and its index, where the site uses WAL, too).
    database = Path(connection.settings_dict["NAME"])
    for path in (database, *(database.with_name(database.name + end) for end in ("-wal", "-shm"))):
        if path.exists():
            path.chmod(0o600)


def restore_json(path: Path, using: str, force: bool) -> None:
    connection = connections[using]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError(
            "The database is not migrated: run manage.py migrate first (with the same version "
            "of the site as the backup's), then restore."
        )
    with transaction.atomic(using=using):
        refuse_if_not_empty(using, {} if force else held_data(using))
        # Emptied in the same transaction as the load: a load that fails leaves it as it was.
        # Sessions too, always: a session of a user id from before would sign its holder in as
        # whoever has that id in the backup.
        tables = {Session._meta.db_table}
        for model in backup_models():
            tables.add(model._meta.db_table)
            for m2m in model._meta.local_many_to_many:
                if m2m.remote_field.through._meta.auto_created:
                    tables.add(m2m.remote_field.through._meta.db_table)
        existing = set(connection.introspection.table_names())
        flush = connection.ops.sql_flush(no_style(), sorted(tables & existing))
        connection.ops.execute_sql_flush(flush)
        try:
            load_json(path, using)
        except Exception as error:  # noqa: BLE001 - whatever the load raises, say so plainly
            raise BackupError(
                f"The backup could not be restored, and nothing was changed: {error}"
            ) from error


def load_json(path: Path, using: str) -> None:
    """What loaddata does, except that no history is recorded: loaddata's saves are "raw",
    which django-simple-history skips, but setting many-to-many fields (an action's themes)
    is not, and would add a change by nobody, dated today, to the history of every action."""
    connection = connections[using]
    loaded = set()
    deferred = []
    with (
        gzip.open(path, "rt", encoding="utf-8") as stream,
        connection.constraint_checks_disabled(),
    ):
        for item in serializers.deserialize(
            "json", stream, using=using, handle_forward_references=True
        ):
            item.object.skip_history_when_saving = True
            item.save(using=using)
            loaded.add(type(item.object))
            if item.deferred_fields:
                deferred.append(item)
        for item in deferred:
            item.save_deferred_fields(using=using)
    # Checks were off so rows could arrive in any order: check every reference now.
    connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
    with connection.cursor() as cursor:
        # New rows get ids after the restored ones (PostgreSQL's sequences).
        for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
            cursor.execute(statement)
