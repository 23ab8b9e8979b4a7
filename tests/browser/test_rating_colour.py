"""A rating's colour is picked, not typed: the browser's colour picker beside the hex box."""

import re

import pytest
from playwright.sync_api import Page, expect

from plans.models import RagRating
from tests.browser.conftest import PHONE
from tests.browser.test_journeys import go

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_staff_pick_a_ratings_colour(
    page: Page, sign_in, live_site, axe_check, screenshot, viewport
):
    if viewport:
        page.set_viewport_size(viewport)
    rating = RagRating.objects.get(partnership__slug="merton", label="At risk")
    sign_in(page, "staff")
    page.goto(f"/merton/settings/ratings/{rating.pk}/edit/")
    box, picker = page.get_by_label(re.compile(r"^Colour")), page.get_by_label("Pick the colour")
    expect(picker).to_have_value(rating.colour)  # it starts at the rating's own
    picker.fill("#4c2c92")
    expect(box).to_have_value("#4c2c92")
    box.fill("#FFDD00")
    expect(picker).to_have_value("#ffdd00")
    axe_check(page)
    screenshot(page, f"rating-colour-{'phone' if viewport else 'desktop'}")
    go(page, page.get_by_role("button", name="Save changes"))
    rating.refresh_from_db()
    assert rating.colour == "#ffdd00"
