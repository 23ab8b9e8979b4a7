"""Look-ups and checks that many test modules share, on the demo data (tests/conftest.py's
`demo`): a partnership's addresses, the ESS plan and its actions, ratings, groups and meetings
by name, when an update was entered, and what each persona is answered."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from plans.models import Group, Plan, RagRating
from reporting.models import Meeting
from tests.factories import ProgressUpdateFactory

# The status each persona (tests/conftest.py's `personas`) gets for a page: one for business
# support staff only, one every member of the partnership reads, and one that is not there
# for anyone (another partnership's, through this partnership's address). The anonymous are
# sent to sign in.
STAFF_ONLY = {"staff": 200, "chair": 403, "board": 403, "outsider": 404, "anonymous": 302}
READ = {"staff": 200, "chair": 200, "board": 200, "outsider": 404, "anonymous": 302}
NOWHERE = {"staff": 404, "chair": 404, "board": 404, "outsider": 404, "anonymous": 302}
PERSONAS = list(STAFF_ONLY)
ROOT = Path(__file__).resolve().parents[1]


def run_here(args: list[str], env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    """This interpreter with args (a script, -c code, manage.py ...), from the repository's
    root, with env as its whole environment; its output captured as text, never raising on
    failure (the caller checks returncode)."""
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def url(name, *args, slug="merton"):
    """The address of a partnership's page: Merton's unless slug names another."""
    return reverse(name, args=[slug, *args])


def ess_plan():
    return Plan.objects.get(title__startswith="Effective Safeguarding")


def ess_action(number="2.1"):
    """An action of the ESS plan; ESS 2.1 is led by Benedicta Ogeah and Sarah Slater."""
    return Action.objects.select_related("outcome__plan__group").get(
        outcome__plan=ess_plan(), number=number
    )


def rating(label, partnership="merton"):
    return RagRating.objects.get(partnership__slug=partnership, label=label)


def group(short_name, partnership="merton"):
    return Group.objects.get(partnership__slug=partnership, short_name=short_name)


def new_meeting(short_name, held_on, partnership="merton", **fields):
    """A new meeting of the group of that short name, on held_on ("2024-09-10")."""
    return Meeting.objects.create(
        group=group(short_name, partnership), held_on=dt.date.fromisoformat(held_on), **fields
    )


def ess_and_medway_meetings():
    """ESS's meeting of 10 September 2024, and one of Medway's Executive (1 May 2022): another
    partnership's, which no Merton address finds."""
    return {
        "ess": new_meeting("ESS", "2024-09-10"),
        "medway": new_meeting("Executive", "2022-05-01", partnership="medway"),
    }


def entered(day, hour=10):
    """When an update was typed in: on day ("2024-09-01") at hour o'clock, in the site's zone."""
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def rated(action, label, day, **fields):
    """A progress update of action, rated label (Merton's rating of that name) on day
    ("2024-09-01") and typed in that morning unless created_at says when."""
    fields.setdefault("created_at", entered(day))
    return ProgressUpdateFactory(
        action=action, rating=rating(label), reported_on=dt.date.fromisoformat(day), **fields
    )


def check_personas(client_for, persona, requests):
    """Each (method, url, expected) answers this persona as designed; 302s of the
    anonymous go to the sign-in page. Returns the last response."""
    client = client_for(persona)
    for method, address, expected in requests:
        response = getattr(client, method)(address)
        assert response.status_code == expected[persona], (persona, method, address)
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("login")), address
    return response


def form_data(response, **changes) -> dict:
    """What the browser would send back from the page's form, with some fields changed."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post_form(client, address, **changes):
    """Open the form's page, then send back what the browser would, with some fields
    changed (the hidden version or loaded state included)."""
    return client.post(address, form_data(client.get(address), **changes))
