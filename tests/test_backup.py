"""manage.py backup and restore: each format restores into an empty database and holds every
row again, compared field by field, with spot checks of what a partnership would miss first.

The empty database is a new one in a new process (manage.py with DATABASE_URL pointing at
it), as an IT team restores: a fresh SQLite file (migrated by manage.py migrate in a new
process once per test process, and copied for each test), or a second database on the
PostgreSQL server. That works the same on both test runs, needs no second alias in the test settings
(which pytest-django would create and migrate for every test run), and checks the commands
from their command line, environment and exit status. Each side is read back as dumpdata
writes it, with natural foreign keys and every row, so the two can be compared although the
content types of the new database have ids of their own.

The data is the demo plans plus add_records(), committed (transactional_db): pg_dump reads
from another process, SQLite's backup cannot copy from inside a transaction, and on
PostgreSQL the json backup then reads one snapshot, as it does in production. (The module
keeps away from conftest's demo fixture: it holds a transaction open for the whole module.)
"""

import datetime
import gzip
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from actions.models import Action, ProgressUpdate, Risk, Step
from ops import backups
from ops.backups import BackupError
from plans import audit
from plans.audit_models import AuditEvent
from plans.models import Group, Membership, Partnership, Plan
from reporting.models import Meeting
from tests.demo_snapshot import restore_demo
from tests.factories import UserFactory
from tests.helpers import run_here

# On both databases (scripts/test): backup and restore: each database has its own native format.
pytestmark = pytest.mark.both_databases

BASE_DIR = Path(settings.BASE_DIR)
# Read back from both databases: named here, not taken from ops.backups, so a model
# the backup forgot shows up as a difference.
INVENTORY = ["plans", "actions", "reporting", "auth.user", "auth.group", "admin"]
ON_SQLITE = connection.vendor == "sqlite"
ON_POSTGRES = connection.vendor == "postgresql"
SESSION_KEY = "backup-test-session-key-0123456789"


def add_records() -> dict:
    """What the demo plans lack and a backup must keep: sign-ins and memberships, progress
    updates with their authors, dates and ratings, a risk, a meeting, an edit and a deletion
    in the history, the audit log and the admin's log; and a session, which it must not."""
    merton = Partnership.objects.get(slug="merton")
    medway = Partnership.objects.get(slug="medway")
    ess = Group.objects.get(partnership=merton, short_name="ESS")
    chair = UserFactory(username="backup-chair", first_name="Chris", email="chris@example.org")
    admin = UserFactory(username="backup-admin", is_staff=True, is_superuser=True)
    Membership.objects.create(user=chair, partnership=merton, role=Membership.Role.CHAIR)
    chair.memberships.get().groups.add(ess)

    action = Action.objects.for_partnership(merton).order_by("pk").first()
    ratings = list(merton.ratings.order_by("position"))
    first = ProgressUpdate.objects.create(
        action=action,
        rating=ratings[0],
        commentary="Survey designed with the young people's panel.",
        evidence="Minutes of 12 June",
        author=chair,
        reported_on=datetime.date(2024, 6, 30),
        created_at=datetime.datetime(2024, 6, 30, 11, 0, 0, 123, tzinfo=datetime.UTC),
    )
    ProgressUpdate.objects.create(
        action=action,
        rating=ratings[-1],
        commentary="Report to the board – “done”, with thanks.",
        author=None,  # its author's sign-in was removed
        reported_on=datetime.date(2024, 9, 30),
    )
    medway_action = Action.objects.for_partnership(medway).order_by("pk").last()
    ProgressUpdate.objects.create(
        action=medway_action,
        rating=medway.ratings.order_by("position").last(),
        commentary="Audit complete",
        author=chair,
        reported_on=datetime.date(2023, 3, 1),
    )
    risk = Risk.objects.create(
        partnership=merton,
        number="R1",
        concern="Attendance of health partners at the subgroup",
        by_when="March 2025",
        rating=ratings[1],
    )
    Meeting.objects.create(group=ess, held_on=datetime.date(2024, 10, 3), title="ESS Q2")

    action.text = action.text + " (edited)"
    action.save()  # a second history record
    step = Step.objects.filter(action__in=Action.objects.for_partnership(medway)).first()
    step.deleted_at = timezone.now()
    step.save()  # deleted softly: kept, with its history

    plan = action.outcome.plan
    audit.record(
        AuditEvent.Kind.PACK_DOWNLOADED,
        user=chair,
        partnership=merton,
        summary="Downloaded the pack",
        obj=plan,
        detail={"format": "pdf", "pages": 12},
    )
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(Partnership),
        object_id=str(merton.pk),
        object_repr=str(merton),
        action_flag=ADDITION,
        change_message="[]",
    )
    Session.objects.create(
        session_key=SESSION_KEY,
        session_data="not restored",
        expire_date=timezone.now() + datetime.timedelta(hours=1),
    )
    return {"update": first, "risk": risk, "action": action, "step": step, "plan": plan}


def by_row(records: list) -> dict:
    return {(record["model"], record["pk"]): record["fields"] for record in records}


def inventory_here() -> dict:
    """Every row of this (the test) database, as dumpdata writes it (but with many-to-many
    fields prefetched: dumpdata's query per row and field takes seconds on PostgreSQL)."""
    models = []
    for label in INVENTORY:
        if "." in label:
            models.append(apps.get_model(label))
        else:
            models.extend(apps.get_app_config(label).get_models())
    records = []
    for model in models:
        query = model._base_manager.order_by(model._meta.pk.name).prefetch_related(
            *(field.name for field in model._meta.many_to_many)
        )
        records += json.loads(serializers.serialize("json", query, use_natural_foreign_keys=True))
    return by_row(records)


def manage(database_url: str, *commands: list[str]) -> subprocess.CompletedProcess:
    """manage.py commands, one after another, in a new process using database_url (one
    process, so Django starts once); stops at the first that fails. Without Django's system
    checks: scripts/test runs those once, and these tests are about the data."""
    script = (
        "import json, sys\n"
        "from django.core.management import execute_from_command_line\n"
        "for args in json.loads(sys.argv[1]):\n"
        "    execute_from_command_line(['manage.py', *args, '--skip-checks'])\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "mscp.settings_test",
    }
    return run_here(["-c", script, json.dumps([list(c) for c in commands])], env, timeout=600)


def restored_inventory(database_url: str, tmp_path: Path, *commands: list[str]) -> dict:
    """Run commands (the restore) against database_url, then read every row of it."""
    out = tmp_path / f"restored-{uuid.uuid4().hex}.json"
    dump = ["dumpdata", *INVENTORY, "--natural-foreign", "--all", "--output", str(out)]
    done = manage(database_url, *commands, dump)
    assert done.returncode == 0, done.stderr
    assert "Restored" in done.stdout, done.stdout
    return by_row(json.loads(out.read_text()))


def assert_same_rows(restored: dict, source: dict) -> None:
    assert sorted(restored) == sorted(source), "the same rows of the same models"
    differing = [key for key in source if restored[key] != source[key]]
    assert not differing, [
        (key, name, source[key][name], restored[key][name])
        for key in differing[:3]
        for name in source[key]
        if source[key][name] != restored[key][name]
    ]


def count(rows: dict, model: str) -> int:
    return sum(1 for label, _ in rows if label == model)


def assert_everything_found(restored: dict, records: dict) -> None:
    """Spot checks, in the restored rows: what a partnership would miss first."""
    for model, at_least in [
        ("plans.partnership", 2),
        ("plans.plan", 3),
        ("actions.action", 60),
        ("actions.step", 90),
        ("actions.progressupdate", 3),
        ("actions.risk", 1),
        ("reporting.meeting", 1),
        ("plans.auditevent", 1),
        ("admin.logentry", 1),
        ("actions.historicalaction", 61),  # one per action created, and the edit
        ("actions.historicalstep", 95),
        ("plans.historicalplan", 3),
    ]:
        assert count(restored, model) >= at_least, model
    update = restored[("actions.progressupdate", records["update"].pk)]
    assert update["author"] == ["backup-chair"]  # by name: the user's row came along too
    assert update["reported_on"] == "2024-06-30"
    assert update["commentary"] == "Survey designed with the young people's panel."
    rating = restored[("plans.ragrating", update["rating"])]
    assert rating["label"] == records["update"].rating.label
    assert update["action"] == records["action"].pk
    action = restored[("actions.action", records["action"].pk)]
    assert action["text"].endswith(" (edited)")
    history = [
        fields
        for (model, _), fields in restored.items()
        if model == "actions.historicalaction" and fields["id"] == records["action"].pk
    ]
    assert len(history) == records["action"].history.count() >= 2  # created, then edited
    assert {h["history_type"] for h in history} == {"+", "~"}
    step = restored[("actions.step", records["step"].pk)]
    assert step["deleted_at"] is not None, "a deleted step is kept, restorable"
    risk = restored[("actions.risk", records["risk"].pk)]
    assert (risk["concern"], risk["due_date"]) == (records["risk"].concern, "2025-03-31")
    event = next(f for (m, _), f in restored.items() if m == "plans.auditevent")
    assert event["content_type"] == ["plans", "plan"] and event["object_id"] == str(
        records["plan"].pk
    )
    assert event["detail"] == {"format": "pdf", "pages": 12}
    user = next(
        f for (m, _), f in restored.items() if m == "auth.user" and f["username"] == "backup-chair"
    )
    assert user["password"].startswith("md5$"), "the password hash, so sign-ins still work"


def json_backup(tmp_path: Path) -> tuple[Path, str]:
    out = io.StringIO()
    call_command("backup", str(tmp_path), format="json", stdout=out)
    [path] = tmp_path.glob("mscp-*.json.gz")
    return path, out.getvalue()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# The json format ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An empty SQLite database file that `manage.py migrate` made in a new process, once per
    test process: each test that restores into a migrated database gets a copy of it."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
    done = manage(sqlite_url(path), ["migrate", "-v0"])
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture
def committed(transactional_db, demo_snapshot):
    """The demo data (as load_demo() writes it) and add_records(), committed; emptied after
    the test."""
    restore_demo(demo_snapshot)
    return add_records()


def test_a_json_backup_restores_into_an_empty_database_with_every_row(
    committed, tmp_path, migrated_sqlite
):
    source = inventory_here()
    path, printed = json_backup(tmp_path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "safeguarding data: the owner's only"
    assert [p.name for p in tmp_path.iterdir()] == [path.name], "no temporary file is left"
    counts = f"2 partnerships, 3 plans, {Action.objects.count()} actions, "
    assert f"Wrote {path} (gzip-compressed json, " in printed and counts in printed
    assert "3 progress updates" in printed
    text = gzip.decompress(path.read_bytes()).decode()
    assert SESSION_KEY not in text and '"sessions.session"' not in text
    assert '"contenttypes.contenttype"' not in text and '"axes.' not in text

    # A new SQLite file, migrated (on the PostgreSQL run: a move from PostgreSQL to SQLite).
    shutil.copyfile(migrated_sqlite, tmp_path / "restored.sqlite3")
    target = sqlite_url(tmp_path / "restored.sqlite3")
    restored = restored_inventory(target, tmp_path, ["restore", str(path)])
    assert_same_rows(restored, source)
    assert_everything_found(restored, committed)
    with closing(sqlite3.connect(tmp_path / "restored.sqlite3")) as database:
        saved = database.execute(
            "SELECT created_at FROM actions_progressupdate WHERE id = ?", [committed["update"].pk]
        ).fetchone()
    # To the microsecond: Django's own JSON encoder rounds times to the millisecond.
    assert saved == ("2024-06-30 11:00:00.000123",)


def test_a_restore_into_a_database_that_holds_data(committed, tmp_path):
    path, _ = json_backup(tmp_path)
    at_backup = inventory_here()
    Plan.objects.filter(pk=committed["plan"].pk).update(title="Changed after the backup")
    UserFactory(username="joined-after-the-backup")
    before = inventory_here()

    # Refused: a backup is never merged into data.
    with pytest.raises(BackupError, match=r"already holds data \(2 partnerships, .*--force"):
        call_command("restore", str(path))
    assert inventory_here() == before

    # With --force, a damaged backup changes nothing...
    damaged = tmp_path / "damaged.json.gz"
    damaged.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(BackupError, match="could not be restored, and nothing was changed"):
        call_command("restore", str(damaged), force=True)
    assert inventory_here() == before

    # ...and a good one replaces everything, sign-ins included.
    out = io.StringIO()
    call_command("restore", str(path), force=True, stdout=out)
    assert "Restored" in out.getvalue() and "Everyone signs in again" in out.getvalue()
    assert_same_rows(inventory_here(), at_backup)
    assert not Session.objects.exists(), "no session survives a restore"


def test_a_json_restore_needs_a_migrated_database(tmp_path):
    path = tmp_path / "backup.json.gz"
    path.write_bytes(gzip.compress(b"[]"))
    done = manage(sqlite_url(tmp_path / "new.sqlite3"), ["restore", str(path)])
    assert done.returncode == 1
    assert "not migrated: run manage.py migrate first" in done.stderr


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PK\x03\x04 a zip", "is not a backup made by manage.py backup"),
        (b"", "is not a backup made by manage.py backup"),
        (
            b"SQLite format 3\x00" if ON_POSTGRES else b"PGDMP\x01\x0e",
            "restores into (SQLite|PostgreSQL) only.* --format json",
        ),
    ],
    ids=["not-a-backup", "empty", "another-database"],
)
def test_restore_says_what_a_file_is_not(db, tmp_path, content, message):
    path = tmp_path / "file"
    path.write_bytes(content)
    with pytest.raises(BackupError, match=message):
        call_command("restore", str(path))


def test_restore_of_a_missing_file(db, tmp_path):
    with pytest.raises(BackupError, match="Cannot read .*missing.dump: No such file"):
        call_command("restore", str(tmp_path / "missing.dump"))


def test_a_backup_never_overwrites_a_file(db, tmp_path):
    (tmp_path / "backup.json.gz").write_bytes(b"an earlier backup")
    with pytest.raises(BackupError, match="already exists"):
        call_command("backup", str(tmp_path / "backup.json.gz"), format="json")
    assert (tmp_path / "backup.json.gz").read_bytes() == b"an earlier backup"
    with pytest.raises(BackupError, match="There is no directory"):
        call_command("backup", str(tmp_path / "no" / "backup.json.gz"), format="json")
    with pytest.raises(BackupError, match="There is no directory"):
        call_command("backup", f"{tmp_path / 'missing'}/", format="json")
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json.gz"]


def test_a_native_backup_is_refused_inside_a_transaction_and_leaves_no_file(db, tmp_path):
    # Another process cannot see the transaction's rows; SQLite's backup would wait for ever.
    with pytest.raises(BackupError, match="cannot run inside a transaction"):
        call_command("backup", str(tmp_path), pg_bin=str(tmp_path))
    assert list(tmp_path.iterdir()) == []


# The native formats ---------------------------------------------------------------------------


@pytest.mark.skipif(not ON_SQLITE, reason="a SQLite backup is made of a SQLite database")
def test_a_sqlite_backup_opens_holds_every_row_and_restores(committed, tmp_path):
    source = inventory_here()
    out = io.StringIO()
    call_command("backup", str(tmp_path / "copy.sqlite3"), stdout=out)
    path = tmp_path / "copy.sqlite3"
    assert f"Wrote {path} (SQLite database, " in out.getvalue()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["copy.sqlite3"]

    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for model in backups.backup_models():
            table = model._meta.db_table
            rows = copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            assert rows == model._base_manager.count(), table
        assert copy.execute("SELECT count(*) FROM django_session").fetchone() == (0,)
    assert Session.objects.filter(session_key=SESSION_KEY).exists(), "the site keeps its own"

    restored = restored_inventory(
        sqlite_url(tmp_path / "new.sqlite3"), tmp_path, ["restore", str(path)]
    )
    assert stat.S_IMODE((tmp_path / "new.sqlite3").stat().st_mode) == 0o600
    assert_same_rows(restored, source)
    assert_everything_found(restored, committed)


def postgres_url(name: str) -> str:
    s = connection.settings_dict
    user, password = quote(s["USER"], safe=""), quote(s["PASSWORD"], safe="")
    return f"postgres://{user}:{password}@{s['HOST']}:{s['PORT']}/{name}"


@pytest.fixture
def empty_postgres_database():
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not ON_POSTGRES, reason="pg_dump backs up PostgreSQL (DATABASE_URL)")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_a_pg_dump_backup_restores_into_an_empty_database(
    committed, tmp_path, empty_postgres_database
):
    source = inventory_here()
    out = io.StringIO()
    call_command("backup", str(tmp_path), stdout=out)
    [path] = tmp_path.glob("mscp-*.dump")
    assert f"Wrote {path} (pg_dump custom format, " in out.getvalue()
    assert "3 progress updates" in out.getvalue()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    target = postgres_url(empty_postgres_database)
    restored = restored_inventory(target, tmp_path, ["restore", str(path)])
    assert_same_rows(restored, source)
    assert_everything_found(restored, committed)
    refused = manage(target, ["restore", str(path)])
    assert refused.returncode == 1 and "already holds data" in refused.stderr

    # And the json backup of the same rows into PostgreSQL (the move from SQLite's side),
    # replacing what the pg_dump restore wrote.
    (tmp_path / "json").mkdir()
    json_path, _ = json_backup(tmp_path / "json")
    restored = restored_inventory(target, tmp_path, ["restore", str(json_path), "--force"])
    assert_same_rows(restored, source)


def fake_tool(directory: Path, name: str, version: str, exit_code: int = 0) -> Path:
    """A stand-in for pg_dump that prints version and writes its arguments and environment
    beside itself."""
    directory.mkdir(exist_ok=True)
    tool = directory / name
    tool.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = --version ]; then echo "{name} (PostgreSQL) {version}"; exit 0; fi\n'
        f'printf "%s\\n" "$@" > "{directory}/args"\n'
        f'env > "{directory}/env"\n'
        f"echo 'pg_dump: error: something went wrong' >&2\n"
        f"exit {exit_code}\n"
    )
    tool.chmod(0o755)
    return tool


@pytest.mark.skipif(not ON_POSTGRES, reason="pg_dump backs up PostgreSQL (DATABASE_URL)")
def test_pg_dump_older_than_the_server_is_refused(transactional_db, tmp_path):
    tools = tmp_path / "bin"
    fake_tool(tools, "pg_dump", "9.6.24")
    with pytest.raises(BackupError, match=r"version 9, older than the database server \(1\d\)"):
        call_command("backup", str(tmp_path), pg_bin=str(tools))
    assert [p.name for p in tmp_path.iterdir()] == ["bin"]


@pytest.mark.skipif(not ON_POSTGRES, reason="pg_dump backs up PostgreSQL (DATABASE_URL)")
def test_pg_dump_gets_the_password_in_its_environment_only(transactional_db, tmp_path):
    tools = tmp_path / "bin"
    fake_tool(tools, "pg_dump", "99.0", exit_code=1)
    with pytest.raises(BackupError, match="pg_dump failed .*something went wrong"):
        call_command("backup", str(tmp_path), pg_bin=str(tools))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"], "the partial file is gone"
    password = connection.settings_dict["PASSWORD"]
    args = (tools / "args").read_text().splitlines()
    assert password and not any(password in arg for arg in args)
    assert "--format=custom" in args and "--exclude-table-data=django_session" in args
    assert f"PGPASSWORD={password}" in (tools / "env").read_text().splitlines()


# Pure helpers ---------------------------------------------------------------------------------


def test_a_backup_holds_every_model_of_the_apps_and_history():
    models = set(backups.backup_models())
    for app in ["plans", "actions", "reporting", "admin"]:
        for model in apps.get_app_config(app).get_models():
            assert model in models, model
    labels = {model._meta.label_lower for model in models}
    assert {"plans.auditevent", "actions.historicalaction", "auth.user", "auth.group"} <= labels
    assert not {"contenttypes.contenttype", "auth.permission", "sessions.session"} & labels
    assert not any(label.startswith(("axes.", "django_tasks_database.")) for label in labels)


@pytest.mark.parametrize(
    "head, fmt",
    [
        (b"PGDMP\x01\x0e\x00", "pg_dump"),
        (b"SQLite format 3\x00\x10\x00", "sqlite"),
        (b"\x1f\x8b\x08\x00", "json"),
        (b"[{", None),
        (b"", None),
    ],
)
def test_detect_format(head, fmt):
    assert backups.detect_format(head) == fmt


@pytest.mark.parametrize(
    "output, major",
    [
        ("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)", 15),
        ("pg_restore (PostgreSQL) 17.2", 17),
        ("pg_dump (PostgreSQL) 9.6.24", 9),
        ("pg_dump 16.1", 16),
    ],
)
def test_major_version(output, major):
    assert backups.major_version(output) == major


def test_major_version_of_nonsense_says_so():
    with pytest.raises(BackupError, match="Cannot read a version number"):
        backups.major_version("command not found")


def test_pg_environment_points_at_django_s_database_with_the_password_in_it():
    settings_dict = {
        "NAME": "mscp",
        "USER": "mscp",
        "PASSWORD": "s3cret pass",
        "HOST": "db.internal",
        "PORT": 5432,
        "OPTIONS": {"sslmode": "verify-full", "sslrootcert": "/etc/ssl/ca.pem"},
    }
    env = backups.pg_environment(settings_dict, {"PATH": "/usr/bin", "PGHOST": "elsewhere"})
    assert env == {
        "PATH": "/usr/bin",
        "PGHOST": "db.internal",
        "PGPORT": "5432",
        "PGUSER": "mscp",
        "PGPASSWORD": "s3cret pass",
        "PGDATABASE": "mscp",
        "PGSSLMODE": "verify-full",
        "PGSSLROOTCERT": "/etc/ssl/ca.pem",
    }


def test_pg_environment_leaves_empty_settings_to_libpq():
    env = backups.pg_environment({"NAME": "mscp", "HOST": "", "PASSWORD": ""}, {"PGHOST": "/run"})
    assert env == {"PGHOST": "/run", "PGDATABASE": "mscp"}


def test_names_and_sizes():
    now = datetime.datetime(2024, 9, 30, 2, 0, 5)
    assert backups.default_name("pg_dump", now) == "mscp-2024-09-30-020005.dump"
    assert backups.default_name("json", now) == "mscp-2024-09-30-020005.json.gz"
    assert [backups.human_size(n) for n in (0, 1023, 2048, 5 * 1024**3)] == [
        "0 bytes",
        "1023 bytes",
        "2.0 KB",
        "5.0 GB",
    ]
