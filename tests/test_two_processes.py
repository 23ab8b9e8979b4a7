"""The embedded default (SQLite) under ordinary concurrency, as scripts/serve and a small
deployment run it: the web server and the background worker, two kinds of process on one
database file, while 40 chairs save updates at once, a site administrator adds users in the
Django admin, and board members ask for PDF packs. Nothing may fail with "database is
locked", no update may be lost, and the worker must still be alive, having made the packs.

It runs gunicorn and `manage.py worker` as real processes on a database file of its own (the
test database is not used), on the SQLite run of scripts/test only.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from tests.helpers import ROOT, run_here

CHAIRS = 40
ADMIN_WRITES = 6
PDF_REQUESTS = 3
# Bounds on waiting for the processes, far beyond what they take (seconds) so that a busy
# machine never fails the test; no figure here is a speed goal.
PATIENCE = 240

pytestmark = [
    pytest.mark.both_databases,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default: SQLite"),
]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SET_UP = """
import json
from django.contrib.auth import get_user_model
from actions.models import Action
from plans.models import Group, Membership, Plan, RagRating
User = get_user_model()
group = Group.objects.get(partnership__slug="merton", short_name="ESS")
board = Group.objects.get(partnership__slug="merton", kind=Group.Kind.BOARD)
plan = Plan.objects.get(title__startswith="Effective Safeguarding")
def member(username, role, group):
    user = User.objects.create_user(username, password="{password}")
    Membership.objects.create(user=user, partnership=group.partnership, role=role).groups.add(group)
for n in range({chairs}):
    member(f"chair-{{n}}", "chair", group)
member("board-member", "board", board)
User.objects.create_superuser("site-admin", password="{password}")
actions = Action.objects.in_live_plans().filter(outcome__plan=plan)
print(json.dumps({{
    "actions": [a.pk for a in actions],
    "ratings": [r.pk for r in RagRating.objects.live().filter(partnership=group.partnership)],
    "plans": [p.pk for p in Plan.objects.live().filter(group__partnership=group.partnership)],
}}))
"""

COUNT = """
from actions.models import ProgressUpdate
from reporting.models import StoredPack
print(ProgressUpdate.objects.filter(commentary__startswith="Two processes ").count())
print(",".join(sorted(StoredPack.objects.filter(format="pdf").values_list("status", flat=True))))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(tmp_path):
    """A database file with the demo, users, and gunicorn and the worker running on it."""
    password = f"two-processes-{uuid.uuid4()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_two_processes",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
    }

    def manage(*args):
        result = run_here(["manage.py", *args], env, timeout=PATIENCE)
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--noinput", "-v0")
    manage("load_demo")
    ids = json.loads(manage("shell", "-v0", "-c", SET_UP.format(chairs=CHAIRS, password=password)))
    port = free_port()
    logs = {name: open(tmp_path / f"{name}.log", "w+") for name in ("gunicorn", "worker")}
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "mscp.wsgi"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "4"},
        stdout=logs["gunicorn"],
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=logs["worker"],
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                requests.get(f"{url}/healthz/", timeout=5).raise_for_status()
                break
            except requests.RequestException:
                if time.monotonic() > deadline or gunicorn.poll() is not None:
                    raise
                time.sleep(0.2)
        yield {
            "url": url,
            "password": password,
            "worker": worker,
            "logs": logs,
            "count": lambda: manage("shell", "-v0", "-c", COUNT).split("\n"),
            **ids,
        }
    finally:
        for process in (gunicorn, worker):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()


def signed_in(site, username) -> requests.Session:
    session = requests.Session()
    login = f"{site['url']}/accounts/login/"
    page = session.get(login, timeout=PATIENCE)
    response = session.post(
        login,
        {
            "username": username,
            "password": site["password"],
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
        },
        headers={"Referer": login},
        timeout=PATIENCE,
    )
    assert response.status_code == 200 and "/accounts/login/" not in response.url, username
    return session


def give_an_update(site, n) -> tuple[int, str]:
    """A chair's update; (status, where it redirected to)."""
    session = signed_in(site, f"chair-{n}")
    action = site["actions"][n % len(site["actions"])]
    url = f"{site['url']}/merton/actions/{action}/update/"
    form = session.get(url, timeout=PATIENCE)
    response = session.post(
        url,
        {
            "rating": site["ratings"][n % len(site["ratings"])],
            "commentary": f"Two processes {n}",
            "evidence": "",
            "reported_on": time.strftime("%Y-%m-%d"),
            "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
        },
        headers={"Referer": url},
        allow_redirects=False,
        timeout=PATIENCE,
    )
    return response.status_code, response.headers.get("Location", "")


def add_a_user(site, n) -> int:
    session = signed_in(site, "site-admin")
    url = f"{site['url']}/admin/auth/user/add/"
    form = session.get(url, timeout=PATIENCE)
    password = f"Added-by-admin-{uuid.uuid4()}"
    response = session.post(
        url,
        {
            "username": f"added-{n}",
            "usable_password": "true",
            "password1": password,
            "password2": password,
            "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
        },
        headers={"Referer": url},
        allow_redirects=False,
        timeout=PATIENCE,
    )
    return response.status_code


def ask_for_a_pack(site, plan) -> int:
    session = signed_in(site, "board-member")
    response = session.get(
        f"{site['url']}/merton/plans/{plan}/pack.pdf", allow_redirects=False, timeout=PATIENCE
    )
    return response.status_code


def test_server_and_worker_share_sqlite_under_concurrent_writes(site):
    with ThreadPoolExecutor(max_workers=CHAIRS + ADMIN_WRITES + PDF_REQUESTS) as pool:
        updates = [pool.submit(give_an_update, site, n) for n in range(CHAIRS)]
        admin = [pool.submit(add_a_user, site, n) for n in range(ADMIN_WRITES)]
        packs = [pool.submit(ask_for_a_pack, site, plan) for plan in site["plans"][:PDF_REQUESTS]]
        updates = [future.result() for future in updates]
        admin = [future.result() for future in admin]
        packs = [future.result() for future in packs]

    assert [status for status, _ in updates] == [302] * CHAIRS
    assert all("/merton/actions/" in location for _, location in updates)
    assert admin == [302] * ADMIN_WRITES
    assert packs == [302] * len(packs)  # to the page that waits for the worker

    deadline = time.monotonic() + PATIENCE
    while True:
        saved, statuses = site["count"]()[:2]
        if set(statuses.split(",")) == {"ready"} or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert int(saved) == CHAIRS  # no update lost
    assert set(statuses.split(",")) == {"ready"}, statuses
    assert site["worker"].poll() is None, "the worker died"
    for name, log in site["logs"].items():
        log.seek(0)
        text = log.read()
        assert "database is locked" not in text, f"{name}: {text[-3000:]}"
        assert " 500 " not in text, f"{name}: {text[-3000:]}"
