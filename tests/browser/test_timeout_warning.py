"""The GOV.UK timeout warning, in a real browser with Playwright's clock (no waiting): two
minutes before an idle sign-out a dialog says so and counts down; "Stay signed in" keeps the
session and the page."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_warning_comes_before_the_idle_sign_out_and_staying_keeps_the_session(
    page: Page, sign_in, axe_check, screenshot
):
    page.clock.install()
    sign_in(page, "chair")
    dialog = page.locator("#timeout-warning")
    expect(dialog).not_to_be_visible()
    page.clock.fast_forward("28:01")  # of the 30 idle minutes
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("You will be signed out in 2 minutes")
    axe_check(page)
    screenshot(page, "timeout-warning")
    with page.expect_response(lambda r: r.url.endswith("/accounts/keep-alive/")) as answer:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 204
    expect(dialog).not_to_be_visible()
    page.clock.fast_forward("10:00")
    expect(dialog).not_to_be_visible()  # the clock started again
