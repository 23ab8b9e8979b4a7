"""The plan page on a phone, as staff see it (the most links): a card per action with its
rating first, its links 44 px tall and apart, the breadcrumb that goes back, and half the
height the page had when the issue measured it (8,638 px for ESS's 13 actions)."""

import pytest
from playwright.sync_api import Page, expect

from plans.models import Plan
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

HEIGHT_WHEN_MEASURED = 8638


def test_a_phone_shows_each_action_as_a_short_card(
    page: Page, sign_in, live_site, axe_check, screenshot
):
    page.set_viewport_size(PHONE)
    plan = Plan.objects.get(title__startswith="Effective Safeguarding")
    sign_in(page, "staff")
    page.goto(f"/merton/plans/{plan.pk}/")
    page.wait_for_load_state("load")
    screenshot(page, "plan-page-phone-staff")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height <= HEIGHT_WHEN_MEASURED / 2, height

    row = page.locator("tr[data-move]").first
    rating = row.locator('td[data-label="Rating"]')
    action = row.locator("td.app-plan-table__action")
    assert rating.bounding_box()["y"] < action.bounding_box()["y"]  # the rating first
    # The opening lines show; the whole text stays on the page for a screen reader.
    text = row.locator(".app-action-text")
    assert text.bounding_box()["height"] < text.evaluate("e => e.scrollHeight")
    boxes = [link.bounding_box() for link in action.locator(".app-action-links a").all()]
    assert [round(box["height"]) >= 44 for box in boxes] == [True] * len(boxes)
    assert len({round(box["y"]) for box in boxes}) == 1  # Details to Move to… on one line
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert right["x"] >= left["x"] + left["width"]  # Edit and Delete do not touch
    expect(page.locator(".govuk-breadcrumbs__list-item").first).to_be_visible()
    expect(page.locator(".govuk-breadcrumbs__list-item").last).to_be_hidden()  # the h1 says it
    axe_check(page)
