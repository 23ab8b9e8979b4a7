"""Every read view for every persona: 200, 302 to sign-in, 403 or 404 as designed."""

import pytest
from django.urls import reverse

from actions.models import Action
from plans.models import Plan
from tests.helpers import NOWHERE, PERSONAS, READ, ess_action, ess_plan

pytestmark = pytest.mark.django_db

UPDATE_OWN_GROUP = {"staff": 200, "chair": 200, "board": 403, "outsider": 404, "anonymous": 302}
UPDATE_OTHER_GROUP = {**UPDATE_OWN_GROUP, "chair": 403}
RISKS = {"staff": 200, "chair": 403, "board": 200, "outsider": 404, "anonymous": 302}


def ppyp_action():
    return Action.objects.get(outcome__plan__title__startswith="Promote", number="1.1")


def medway_plan():
    return Plan.objects.get(title__startswith="Medway")


def medway_action():
    return Action.objects.get(outcome__plan=medway_plan(), number="1.1.1")


# (url name, arguments, expected status for each persona)
MATRIX = [
    ("home", lambda: [], {**READ, "outsider": 200}),
    ("plans:dashboard", lambda: ["merton"], READ),
    ("plans:plan", lambda: ["merton", ess_plan().pk], READ),
    ("plans:ratings_css", lambda: ["merton"], READ),
    ("actions:list", lambda: ["merton"], READ),
    ("actions:detail", lambda: ["merton", ess_action().pk], READ),
    ("actions:update", lambda: ["merton", ess_action().pk], UPDATE_OWN_GROUP),
    ("actions:update", lambda: ["merton", ppyp_action().pk], UPDATE_OTHER_GROUP),
    ("actions:risks", lambda: ["merton"], RISKS),
    # Another partnership's objects through this partnership's address: never found.
    ("plans:plan", lambda: ["merton", medway_plan().pk], NOWHERE),
    ("actions:detail", lambda: ["merton", medway_action().pk], NOWHERE),
    ("actions:update", lambda: ["merton", medway_action().pk], NOWHERE),
    ("plans:dashboard", lambda: ["no-such-partnership"], NOWHERE),
]  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "name, args, expected", MATRIX, ids=[f"{row[0]}-{i}" for i, row in enumerate(MATRIX)]
)
def test_get(client_for, persona, name, args, expected):
    url = reverse(name, args=args())
    response = client_for(persona).get(url)
    assert response.status_code == expected[persona], url
    if expected[persona] == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["board", "outsider"])
def test_refused_updates_write_nothing(client_for, persona):
    from plans.models import RagRating

    action = ess_action()
    rating = RagRating.objects.get(partnership__slug="merton", label="Complete")
    response = client_for(persona).post(
        reverse("actions:update", args=["merton", action.pk]),
        {"rating": rating.pk, "commentary": "Sneaky", "reported_on": "2024-10-01"},
    )
    assert response.status_code in (403, 404)
    assert not action.progress_updates.exists()


def test_a_chair_who_leads_an_action_may_update_it_outside_their_group(client_for, personas):
    from plans.models import Person

    action = ppyp_action()  # lead "Keith Shipman (LB Merton)/Young Inspectors"
    Person.objects.filter(name="Keith Shipman").update(user=personas["chair"])
    url = reverse("actions:update", args=["merton", action.pk])
    assert client_for("chair").get(url).status_code == 200


def test_read_views_refuse_writes(client_for):
    client = client_for("staff")
    for name, args in [("plans:dashboard", ["merton"]), ("actions:list", ["merton"])]:
        assert client.post(reverse(name, args=args)).status_code == 405


def test_every_view_is_in_a_permission_test():
    """A new URL must join the persona tests (here or in the editing, settings, risk and
    meeting tests)."""
    from pathlib import Path

    from django.urls import get_resolver

    sources = "".join(
        (Path(__file__).parent / name).read_text()
        for name in [
            "test_permissions.py",
            "test_editing.py",
            "test_settings_pages.py",
            "test_risk_pages.py",
            "test_meetings.py",
            "test_imports.py",
            "test_word_import.py",
            "test_lead_records.py",
            "test_plan_shapes.py",
            "test_audit.py",
            "test_review.py",
            "test_lock.py",
            "test_cycle_pages.py",
            "test_roll_forward.py",
            "test_agencies.py",
            "test_two_step.py",
            "test_single_sign_on.py",
            "test_invitations.py",
            "test_passwords.py",
            "test_leavers_and_site.py",
        ]
    )
    names = []
    for namespace in ("plans", "actions", "reporting", "imports", "two_step", "site"):
        resolver = get_resolver().namespace_dict[namespace][1]
        names += [f"{namespace}:{n}" for n in resolver.reverse_dict if isinstance(n, str)]
    missing = [name for name in names if f'"{name}"' not in sources]
    assert not missing, f"views without persona tests: {missing}"


def test_a_refusal_keeps_the_partnerships_name_and_menu(client_for):
    response = client_for("chair").get(reverse("plans:settings", args=["merton"]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Only business support staff can change this." in html
    assert "Merton Safeguarding Children Partnership" in html  # the header
    assert reverse("plans:dashboard", args=["merton"]) in html  # the menu
    assert "<title>You cannot see or change this page – Merton Safeguarding" in html
