"""After a change to a row of the long plan page (a move, a delete), the "Done" banner and
its Undo are where the eye is: beside the row, in the viewport, focused (checked with their
bounding boxes against the viewport), on a desktop and a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from actions.models import Action
from plans.models import Plan
from tests.browser.conftest import PHONE
from tests.browser.test_journeys import go

pytestmark = pytest.mark.browser


def in_viewport(page: Page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def banner_focused(page: Page) -> bool:
    return page.evaluate(
        "() => document.activeElement.classList.contains('govuk-notification-banner')"
    )


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_banner_and_undo_are_in_view_after_a_delete_and_a_move(
    page: Page, sign_in, live_site, axe_check, screenshot, viewport
):
    if viewport:
        page.set_viewport_size(viewport)
    plan = Plan.objects.get(title__startswith="Effective Safeguarding")
    action = Action.objects.get(outcome__plan=plan, number="2.5")
    sign_in(page, "staff")
    page.goto(f"/merton/actions/{action.pk}/delete/")
    go(page, page.get_by_role("button", name=re.compile(r"^Delete")))
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Deleted the action 2.5")
    undo = banner.get_by_role("button", name=re.compile(r"^Undo"))
    page.wait_for_load_state("load")
    expect(page.locator(".app-banner-row")).to_have_count(1)  # beside the outcome's rows
    assert in_viewport(page, banner) and in_viewport(page, undo)
    assert banner_focused(page)
    assert page.evaluate("() => window.scrollY") > 300  # not the top of the page
    axe_check(page)
    screenshot(page, f"deleted-beside-the-row-{'phone' if viewport else 'desktop'}")
    go(page, undo)
    expect(banner).to_contain_text("Restored the action 2.5")

    # A move keeps the place too: the banner comes with the row.
    page.goto(f"/merton/plans/{plan.pk}/#action-{action.pk}")
    row = page.locator(f"#action-{action.pk}")
    with page.expect_navigation(wait_until="load"):  # to the same address: the row's
        row.get_by_role("button", name=re.compile(r"^Move up")).click()
    expect(banner).to_be_visible()
    page.wait_for_load_state("load")
    assert in_viewport(page, banner) and banner_focused(page)
    expect(page.locator(".app-banner-row + tr")).to_have_id(f"action-{action.pk}")
