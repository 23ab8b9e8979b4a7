"""The board-meeting-morning rush, for scripts/loadtest: chairs browse plans and give updates.

Each simulated user signs in as one of the load-test chairs (scripts/loadtest creates them as
chairs of Merton's ESS subgroup, so their updates are accepted as they are made), then mostly
reads (dashboard, plan page, an action) and now and then gives a progress update.

A sign-in counts only when it lands on a page that is not the sign-in page; a failed one is
tried again (SIGN_IN_TRIES times, SIGN_IN_WAIT seconds apart, then again at the user's next
click). Each verified sign-in is written to MSCP_LOAD_SIGNED_IN (time, username, "in"), so
the script restarts PostgreSQL only once every chair is signed in. A user redirected to the
sign-in page later (its session lost) is written there as "out", signs in again, and never
posts without a session.

An update is confirmed only by a redirect to its action's own page (what progress_update
answers once it has saved one): those are written to MSCP_LOAD_CONFIRMED, one commentary per
line, so the script can check afterwards that each one is in the database. Any other answer,
a redirect to the sign-in page included, is a failed update. Failures are written with the
times they started and ended to MSCP_LOAD_FAILURES, so a run that restarts PostgreSQL can tell
the failures of the restart from any before or after it.

The run ends SECONDS after it starts but, with a restart (MSCP_LOAD_RESTARTED, the file the
script writes when PostgreSQL is back), never less than AFTER_RESTART seconds after it is
back, so a busy machine's late restart still leaves time to see the site recover. The script
gives locust a longer --run-time as the bound.
"""

import os
import random
import re
import time
import uuid
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task

USERS = int(os.environ.get("MSCP_LOAD_USERS", "20"))
SECONDS = float(os.environ.get("MSCP_LOAD_SECONDS", "60"))
PASSWORD = os.environ["MSCP_LOAD_PASSWORD"]
CONFIRMED = os.environ["MSCP_LOAD_CONFIRMED"]
FAILURES = os.environ["MSCP_LOAD_FAILURES"]
SIGNED_IN = os.environ["MSCP_LOAD_SIGNED_IN"]
RESTARTED = os.environ.get("MSCP_LOAD_RESTARTED", "")  # empty: no restart in this run
TIMINGS = os.environ["MSCP_LOAD_TIMINGS"]
PLAN_URL = os.environ["MSCP_LOAD_PLAN_URL"]  # the ESS plan's page
ACTION_IDS = [int(pk) for pk in os.environ["MSCP_LOAD_ACTIONS"].split(",")]
# Board members download a past meeting's pack of plans no chair updates in the run, made
# beforehand (as reporting.prerender keeps packs ready): each download is served from the
# stored file.
BOARD = int(os.environ.get("MSCP_LOAD_BOARD", "2"))
PACK_URL = os.environ["MSCP_LOAD_PACK_URL"]
RATING_IDS = [int(pk) for pk in os.environ["MSCP_LOAD_RATINGS"].split(",")]

LOGIN_URL = "/accounts/login/"
SIGN_IN_TRIES = 5
SIGN_IN_WAIT = 1.5  # seconds between tries
AFTER_RESTART = 10  # seconds the run goes on, at least, once PostgreSQL is back

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
next_user = iter(range(1, 10_000))
next_board_member = iter(range(1, 10_000))


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) if match else ""


def action_url(pk: int) -> str:
    """actions:detail, where progress_update redirects once it has saved an update."""
    return f"/merton/actions/{pk}/"


def redirect_path(response) -> str | None:
    """The path a redirect points to (without query string or fragment), else None."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return None
    return urlsplit(response.headers.get("Location", "")).path


timings: list[str] = []


@events.request.add_listener
def record(request_type, name, response_time, exception=None, **kwargs):
    now = time.time()
    timings.append(f"{now:.3f}\t{name}\t{response_time:.1f}")
    if exception is not None:
        with open(FAILURES, "a") as file:
            file.write(
                f"{now:.3f} {now - response_time / 1000:.3f} {request_type} {name} {exception!r}\n"
            )


@events.quitting.add_listener
def write_timings(environment, **kwargs):
    """Every response time, so the script can give percentiles of the pages without sign-in
    (a sign-in is a deliberately slow password hash: PBKDF2 with a million iterations)."""
    with open(TIMINGS, "w") as file:
        file.write("\n".join(timings))


def restarted_at() -> float | None:
    try:
        with open(RESTARTED) as file:
            return float(file.read().strip())
    except (OSError, ValueError):
        return None


def end_the_run(runner):
    started = time.time()
    while True:
        gevent.sleep(0.5)
        now = time.time()
        if now < started + SECONDS:
            continue
        if RESTARTED:
            back = restarted_at()
            if back is None or now < back + AFTER_RESTART:
                continue
        runner.quit()
        return


@events.test_start.add_listener
def start_the_clock(environment, **kwargs):
    gevent.spawn(end_the_run, environment.runner)


class SignedIn(HttpUser):
    """A load-test member: signs in (trying again), and reads pages signed in."""

    abstract = True

    def start_as(self, username: str):
        self.username = username
        self.signed_in = False
        self.sign_in()

    def sign_in(self) -> bool:
        """Sign in, trying again after a failure; True once a page past sign-in answered."""
        for attempt in range(SIGN_IN_TRIES):
            if attempt:
                gevent.sleep(SIGN_IN_WAIT)
            if self.try_to_sign_in():
                self.signed_in = True
                self.write_state("in")
                return True
        return False

    def signed_out(self):
        self.signed_in = False
        self.write_state("out")

    def write_state(self, state: str):
        with open(SIGNED_IN, "a") as file:
            file.write(f"{time.time():.3f} {self.username} {state}\n")

    def try_to_sign_in(self) -> bool:
        with self.client.get(LOGIN_URL, name="sign-in page", catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"sign-in page: HTTP {page.status_code}")
                return False
            if urlsplit(page.url).path != LOGIN_URL:
                return True  # still signed in: the sign-in page sent us on
        # Following the redirect, as a browser does: signed in when that page answers 200.
        with self.client.post(
            LOGIN_URL,
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf_token(page.text),
            },
            headers={"Referer": self.host + LOGIN_URL},
            name="sign in",
            catch_response=True,
        ) as response:
            if (
                response.status_code == 200
                and response.history
                and urlsplit(response.url).path != LOGIN_URL
            ):
                response.success()
                return True
            response.failure(
                f"not signed in: HTTP {response.status_code} at {urlsplit(response.url).path}"
            )
            return False

    def page(self, url: str, name: str):
        """GET a page; None unless it answered 200. Sent to sign in: sign in again."""
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 200:
                return response
            if redirect_path(response) == LOGIN_URL:
                response.failure("signed out: redirected to the sign-in page")
                self.signed_out()
            else:
                response.failure(f"HTTP {response.status_code}")
        if not self.signed_in:
            self.sign_in()
        return None

    def ready(self) -> bool:
        """Signed in (signing in again first when the session was found lost)."""
        return self.signed_in or self.sign_in()


class Chair(SignedIn):
    # A chair reads a page for a few seconds before the next click: 1 to 5 s, an eager one.
    wait_time = between(1, 5)

    def on_start(self):
        self.start_as(f"load-chair-{(next(next_user) - 1) % USERS + 1}")

    @task(3)
    def dashboard(self):
        if self.ready():
            self.page("/merton/", "dashboard")

    @task(4)
    def plan_page(self):
        if self.ready():
            self.page(PLAN_URL, "plan page")

    @task(2)
    def action_page(self):
        if self.ready():
            self.page(action_url(random.choice(ACTION_IDS)), "action page")  # noqa: S311

    @task(2)
    def give_an_update(self):
        if not self.ready():
            return
        action = random.choice(ACTION_IDS)  # noqa: S311 - load, not security
        url = f"/merton/actions/{action}/update/"
        form = self.page(url, "update form")
        if form is None:
            return  # no form, no post: never an update without a session and a token
        commentary = f"Load test {uuid.uuid4()}"
        with self.client.post(
            url,
            {
                "rating": random.choice(RATING_IDS),  # noqa: S311
                "commentary": commentary,
                "evidence": "",
                "reported_on": time.strftime("%Y-%m-%d"),
                "csrfmiddlewaretoken": csrf_token(form.text),
            },
            headers={"Referer": self.host + url},
            allow_redirects=False,
            name="give an update",
            catch_response=True,
        ) as response:
            went_to = redirect_path(response)
            if went_to == action_url(action):
                with open(CONFIRMED, "a") as file:
                    file.write(commentary + "\n")
                response.success()
                return
            if went_to == LOGIN_URL:
                response.failure("update not saved: signed out")
                self.signed_out()
            elif went_to is not None:
                response.failure(f"update not saved: redirected to {went_to}")
            else:
                response.failure(f"update not saved: HTTP {response.status_code}")
        if not self.signed_in:
            self.sign_in()


class BoardMember(SignedIn):
    """A board member before the meeting: downloads the pack, and reads the dashboard."""

    fixed_count = BOARD
    wait_time = between(2, 6)

    def on_start(self):
        self.start_as(f"load-board-{(next(next_board_member) - 1) % max(BOARD, 1) + 1}")

    @task(3)
    def download_the_pack(self):
        if not self.ready():
            return
        with self.client.get(
            PACK_URL, name="board download", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 200 and response.content.startswith(b"%PDF"):
                response.success()
            elif redirect_path(response) == LOGIN_URL:
                response.failure("signed out: redirected to the sign-in page")
                self.signed_out()
            else:
                response.failure(f"not served at once: HTTP {response.status_code}")

    @task(1)
    def board_dashboard(self):
        if self.ready():
            self.page("/merton/", "dashboard")
