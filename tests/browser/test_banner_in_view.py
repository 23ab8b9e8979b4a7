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
    if viewport:  # a phone has the move page, not the up and down buttons
        go(page, row.get_by_role("link", name=re.compile(r"^Move to")))
        page.get_by_label(re.compile(r"^First")).check()
        go(page, page.get_by_role("button", name="Move"))
    else:
        with page.expect_navigation(wait_until="load"):  # to the same address: the row's
            row.get_by_role("button", name=re.compile(r"^Move up")).click()
    expect(banner).to_be_visible()
    page.wait_for_load_state("load")
    assert in_viewport(page, banner) and banner_focused(page)
    expect(page.locator(".app-banner-row + tr")).to_have_id(f"action-{action.pk}")


def test_an_action_dragged_to_its_place_then_renumbered_as_offered(
    page: Page, sign_in, live_site, axe_check, screenshot
):
    """Drag and drop by the row's handle (a mouse's enhancement of the move page): 1.1
    dropped on 1.3's row takes its place; the banner beside it offers to renumber."""
    plan = Plan.objects.get(title__startswith="Effective Safeguarding")
    one = Action.objects.get(outcome__plan=plan, number="1.1")
    sign_in(page, "staff")
    page.goto(f"/merton/plans/{plan.pk}/")
    handle = page.locator(f"#action-{one.pk} .app-drag-handle")
    target = page.locator("tr[data-move]").nth(2).locator("td").first  # 1.3's action cell
    handle.hover()
    page.mouse.down()
    box = target.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 10, steps=5)
    with page.expect_navigation(wait_until="load"):
        page.mouse.move(box["x"] + 50, box["y"] + 20, steps=5)
        page.mouse.up()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Moved action 1.1 to after action 1.3.")
    expect(banner).to_contain_text("renumber them 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7?")
    assert in_viewport(page, banner) and banner_focused(page)
    axe_check(page)
    screenshot(page, "moved-offer-to-renumber")
    with page.expect_navigation(wait_until="load"):
        banner.get_by_role("button", name=re.compile(r"^Renumber")).click()
    expect(banner).to_contain_text("Renumbered: 1.2 is now 1.1, 1.3 is now 1.2, 1.1 is now 1.3.")
    numbers = page.locator("tr[data-move] td .app-plan-table__number").all_inner_texts()
    assert numbers[:4] == ["1.1", "1.2", "1.3", "1.4"]

    # Without a mouse: the move page, then the same offer.
    page.goto(f"/merton/actions/{one.pk}/move/")
    axe_check(page)
    screenshot(page, "move-to-a-chosen-place")
    page.get_by_label("First, before action 1.1").check()
    go(page, page.get_by_role("button", name="Move"))
    expect(banner).to_contain_text("Moved action 1.3 to the top.")
