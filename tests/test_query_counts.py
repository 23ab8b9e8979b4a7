"""Pages run a bounded number of queries whatever the plan's size."""

import pytest
from django.urls import reverse

from ops.synthetic import build_partnership
from plans.models import Membership, Plan
from tests.factories import UserFactory

# On both databases (scripts/test): query counts.
pytestmark = pytest.mark.both_databases


@pytest.fixture
def big(db):
    """A 300-action plan (600 steps, 1,200 updates) and a staff member of its partnership."""
    partnership = build_partnership(slug="big", actions_per_plan=300)
    small = build_partnership(slug="small", actions_per_plan=30)
    user = UserFactory(username="big-staff")
    for p in (partnership, small):
        Membership.objects.create(user=user, partnership=p, role=Membership.Role.STAFF)
    return partnership, small, user


def queries(client, django_assert_max_num_queries, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name, limit",
    # home: two partnerships, each with its to-do lists and the actions past their due date.
    # dashboard: and the partnership's pack as at today (its headline figures and lists).
    [("plans:plan", 25), ("plans:dashboard", 30), ("actions:list", 25), ("home", 20)],
)
def test_bounded_queries(client, big, django_assert_max_num_queries, name, limit):
    partnership, small, user = big
    client.force_login(user)
    counts = []
    for p in (partnership, small):
        plan = Plan.objects.get(group__partnership=p)
        args = {"plans:plan": [p.slug, plan.pk], "home": []}.get(name, [p.slug])
        counts.append(
            queries(client, django_assert_max_num_queries, reverse(name, args=args), limit)
        )
    assert counts[0] == counts[1], "the query count must not grow with the plan"


def test_plan_page_shows_all_300_actions(client, big):
    partnership, _, user = big
    client.force_login(user)
    plan = Plan.objects.get(group__partnership=partnership)
    html = client.get(reverse("plans:plan", args=[partnership.slug, plan.pk])).content.decode()
    assert html.count('<tr id="action-') == 300
