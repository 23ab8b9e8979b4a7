"""A chair's to-do list of updates, in a real browser: from the menu to the list, through
"Save and go to the next" to none left, on a desktop and a phone (axe on each page)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from actions.models import Action
from plans.models import Group, RagRating
from reporting.models import Meeting
from tests.browser.conftest import PHONE
from tests.browser.test_journeys import go, menu
from tests.helpers import rated

pytestmark = pytest.mark.browser

LEFT = 3  # updates the chair still owes when the test starts


@pytest.fixture
def coming(live_site):
    """ESS meets in ten days, its updates open; the chair has given all but LEFT of them."""
    held_on = timezone.localdate() + dt.timedelta(days=10)
    ess = Group.objects.get(partnership__slug="merton", short_name="ESS")
    meeting = Meeting.objects.create(group=ess, held_on=held_on)
    actions = list(
        Action.objects.filter(outcome__plan__group=ess, deleted_at__isnull=True)
        .exclude(outcome__plan__status="archived")
        .order_by("outcome__position", "position", "pk")
    )
    for action in actions[:-LEFT]:
        rated(action, "On track", timezone.localdate().isoformat())
    return meeting


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_chair_gives_the_updates_left_one_after_another(
    page: Page, sign_in, coming, axe_check, screenshot, viewport
):
    if viewport:
        page.set_viewport_size(viewport)
    sign_in(page, "chair")
    owed = page.get_by_role("link", name=f"Updates for ESS, {coming.held_on:%-d %B}")
    expect(owed).to_be_visible()
    menu(page, "Your updates")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your updates")
    summary = page.locator(f"#todo-{coming.pk}-summary")
    expect(summary).to_contain_text(f"{LEFT} of ")
    expect(summary).to_contain_text("Due ")
    axe_check(page)
    screenshot(page, f"to-do-list-{'phone' if viewport else 'desktop'}")
    first = page.locator(".govuk-task-list__item").filter(has_text="To do").first
    go(page, first.get_by_role("link"))
    rating = RagRating.objects.filter(partnership__slug="merton").order_by("position").first()
    for left in range(LEFT, 0, -1):
        expect(page.get_by_role("button", name="Save and go to the next")).to_be_visible()
        if left == LEFT:
            axe_check(page)
        page.get_by_role("radio", name=rating.label, exact=True).check()
        page.get_by_label("What has happened since the last update?").fill(f"Update {left}")
        go(page, page.get_by_role("button", name="Save and go to the next"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your updates")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Nothing else is left to do")
    expect(summary).to_contain_text("0 of ")
    expect(page.locator(".govuk-task-list .govuk-tag")).to_have_count(0)  # none To do
