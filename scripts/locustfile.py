"""The board-meeting-morning rush, for scripts/loadtest: chairs browse plans and give updates.

Each simulated user signs in as one of the load-test chairs (scripts/loadtest creates them as
chairs of Merton's ESS subgroup, so their updates are accepted as they are made), then mostly
reads (dashboard, plan page, an action) and now and then gives a progress update. Every update
that the site confirms (a redirect after the POST) is written to MSCP_LOAD_CONFIRMED, one
commentary per line, so the script can check afterwards that each one is in the database.
Failures are written with the time they happened to MSCP_LOAD_FAILURES, so a run that restarts
PostgreSQL can tell the failures of the restart from any after it.
"""

import os
import random
import re
import time
import uuid

from locust import HttpUser, between, events, task

USERS = int(os.environ.get("MSCP_LOAD_USERS", "20"))
PASSWORD = os.environ["MSCP_LOAD_PASSWORD"]
CONFIRMED = os.environ["MSCP_LOAD_CONFIRMED"]
FAILURES = os.environ["MSCP_LOAD_FAILURES"]
PLAN_URL = os.environ["MSCP_LOAD_PLAN_URL"]  # the ESS plan's page
ACTION_IDS = [int(pk) for pk in os.environ["MSCP_LOAD_ACTIONS"].split(",")]
RATING_IDS = [int(pk) for pk in os.environ["MSCP_LOAD_RATINGS"].split(",")]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
next_user = iter(range(1, 10_000))


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) if match else ""


TIMINGS = os.environ["MSCP_LOAD_TIMINGS"]
timings: list[str] = []


@events.request.add_listener
def record(request_type, name, response_time, exception=None, **kwargs):
    timings.append(f"{time.time():.3f}\t{name}\t{response_time:.1f}")
    if exception is not None:
        with open(FAILURES, "a") as file:
            file.write(f"{time.time():.3f} {request_type} {name} {exception!r}\n")


@events.quitting.add_listener
def write_timings(environment, **kwargs):
    """Every response time, so the script can give percentiles of the pages without sign-in
    (a sign-in is a deliberately slow password hash: PBKDF2 with a million iterations)."""
    with open(TIMINGS, "w") as file:
        file.write("\n".join(timings))


class Chair(HttpUser):
    # A chair reads a page for a few seconds before the next click: 1 to 5 s, an eager one.
    wait_time = between(1, 5)

    def on_start(self):
        self.username = f"load-chair-{(next(next_user) - 1) % USERS + 1}"
        page = self.client.get("/accounts/login/", name="sign-in page")
        self.client.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf_token(page.text),
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="sign in",
        )

    @task(3)
    def dashboard(self):
        self.client.get("/merton/", name="dashboard")

    @task(4)
    def plan_page(self):
        self.client.get(PLAN_URL, name="plan page")

    @task(2)
    def action_page(self):
        self.client.get(f"/merton/actions/{random.choice(ACTION_IDS)}/", name="action page")  # noqa: S311

    @task(2)
    def give_an_update(self):
        action = random.choice(ACTION_IDS)  # noqa: S311 - load, not security
        url = f"/merton/actions/{action}/update/"
        form = self.client.get(url, name="update form")
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
            if response.status_code == 302:
                with open(CONFIRMED, "a") as file:
                    file.write(commentary + "\n")
                response.success()
            else:
                response.failure(f"update not saved: HTTP {response.status_code}")
