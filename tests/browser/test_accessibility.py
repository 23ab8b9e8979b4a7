"""axe-core finds no serious or critical accessibility problem on the application's pages,
on a desktop and on a phone, where no page may be wider than the screen either.

One test per screen size visits every page (a subtest each): signing in and loading the demo
once per test, rather than once per page, keeps the scans to about a second a page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.models import Action, Risk
from actions.progress import record_progress
from plans.models import Partnership, Plan, RagRating
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def plan(title_start: str) -> Plan:
    return Plan.objects.select_related("group__partnership").get(title__startswith=title_start)


def plan_url(title_start: str, query: str = "") -> str:
    found = plan(title_start)
    return reverse("plans:plan", args=[found.group.partnership.slug, found.pk]) + query


def ess_action_2_1() -> Action:
    return Action.objects.get(outcome__plan=plan("Effective Safeguarding"), number="2.1")


@pytest.fixture(autouse=True)
def rated_actions(live_site):
    """Every rating of both partnerships in use, and a rated risk: their colours are checked.

    The demo plans have no progress yet, so without this no rating badge would be scanned.
    """
    for slug, title_start, author in [
        ("merton", "Effective Safeguarding", "chair"),
        ("medway", "Medway", "outsider"),  # Medway's own staff: accepted as made, so rated
    ]:
        actions = Action.objects.filter(outcome__plan=plan(title_start)).order_by("pk")
        ratings = RagRating.objects.filter(partnership__slug=slug)
        for action, rating in zip(actions, ratings, strict=False):
            record_progress(
                action=action,
                rating=rating,
                commentary=f"Progress reported as {rating.label}.",
                evidence="Minutes of the subgroup",
                author=live_site.users[author],
            )
    for rating in RagRating.objects.filter(partnership__slug="merton"):  # its history table
        record_progress(
            action=ess_action_2_1(),
            rating=rating,
            commentary=f"Progress reported as {rating.label}.",
            author=live_site.users["chair"],
        )
    Risk.objects.create(
        partnership=Partnership.objects.get(slug="merton"),
        number="1",
        concern="Health partners' attendance at the subgroup has fallen.",
        risk_if_unresolved="Health's view is missing from the multi-agency response.",
        action_required="Chair to write to the designated nurse.",
        by_whom="Chair",
        by_when="March 2025",
        rating=RagRating.objects.get(partnership__slug="merton", label="At risk"),
    )


def submit_blank_update(page):
    page.get_by_role("button", name="Save update").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()


def submit_wrong_password(page):
    page.get_by_label("Username").fill("chair-persona")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def save_an_update(page):
    page.get_by_role("radio", name="On track", exact=True).check()
    page.get_by_label("What has happened since the last update?").fill("Going well.")
    page.get_by_role("button", name="Save update").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()


def meeting_url():
    """Merton's board meeting, with the plans its pack covers and their counts."""
    from plans.models import Group
    from reporting.models import Meeting

    board = Group.objects.get(partnership__slug="merton", kind=Group.Kind.BOARD)
    meeting, _ = Meeting.objects.get_or_create(
        group=board, held_on="2024-09-15", defaults={"title": "Full Partnership"}
    )
    return reverse("reporting:meeting", args=["merton", meeting.pk])


def submit_blank_meeting(page):
    page.get_by_role("button", name="Add meeting").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def update_url(query=""):
    return reverse("actions:update", args=["merton", ess_action_2_1().pk]) + query


# name: (who signs in, the page's address, its heading or None, what to do there first)
PAGES = {
    "sign-in": (None, lambda: reverse("login"), "Sign in", None),
    "sign-in-with-errors": (None, lambda: reverse("login"), "Sign in", submit_wrong_password),
    "home": ("chair", lambda: reverse("home"), "Your work", None),
    "plan-ess": ("chair", lambda: plan_url("Effective Safeguarding"), None, None),
    "plan-filtered": (
        "chair",
        lambda: plan_url("Effective Safeguarding", "?q=neglect&rating=none&overdue=on"),
        None,
        None,
    ),
    "action": (
        "chair",
        lambda: reverse("actions:detail", args=["merton", ess_action_2_1().pk]),
        "Action 2.1",
        None,
    ),
    "update-form": ("chair", update_url, "Update action 2.1", None),
    "update-form-with-errors": ("chair", update_url, "Update action 2.1", submit_blank_update),
    "plan-after-an-update": ("chair", lambda: update_url("?from=plan"), None, save_an_update),
    "dashboard": ("board", lambda: reverse("plans:dashboard", args=["merton"]), None, None),
    "plan-ppyp": ("board", lambda: plan_url("Promote and Protect"), None, None),
    "all-actions": ("board", lambda: reverse("actions:list", args=["merton"]), "All actions", None),
    "all-actions-filtered": (
        "board",
        lambda: reverse("actions:list", args=["merton"]) + "?q=training&rating=none",
        "All actions",
        None,
    ),
    "risk-log": (
        "board",
        lambda: reverse("actions:risks", args=["merton"]),
        "Risk and challenge log",
        None,
    ),
    "meetings": ("board", lambda: reverse("reporting:meetings", args=["merton"]), "Meetings", None),
    "meeting": ("board", meeting_url, "Full Partnership, 15 September 2024", None),
    "meeting-form-with-errors": (
        "staff",
        lambda: reverse("reporting:meeting_create", args=["merton"]),
        "Add a meeting",
        submit_blank_meeting,
    ),
    "plan-medway": ("outsider", lambda: plan_url("Medway"), None, None),  # the largest plan
}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_pages_have_no_serious_accessibility_problems(
    page, sign_in, axe_check, subtests, screenshot, viewport
):
    page.set_viewport_size(viewport)
    signed_in_as = "nobody yet"
    for name, (persona, url, heading, then) in PAGES.items():
        with subtests.test(msg=name):
            if persona != signed_in_as:
                page.context.clear_cookies()
                signed_in_as = persona
                if persona:
                    sign_in(page, persona)
            page.goto(url())
            if then:
                then(page)
            if heading:
                expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            axe_check(page)
            if viewport == PHONE:  # WCAG 1.4.10, reflow: nothing scrolls sideways
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE["width"], f"{name} is {width} pixels wide on a phone"
            elif name == "plan-medway":
                screenshot(page, "plan-page-medway-desktop")
