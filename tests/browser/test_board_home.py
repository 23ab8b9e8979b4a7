"""A board member's home and the dashboard, in a real browser: the headline figures (the same
as the PDF pack's summary), the latest meeting's pack to download, and the lists a director
reads in ten seconds; on a desktop and a phone, axe on each."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from actions.models import Action
from plans.models import Group, Partnership
from reporting.models import Meeting
from reporting.pack_files import partnership_pack
from reporting.pack_pdf import render_pack_pdf
from tests.browser.conftest import PHONE
from tests.helpers import rated
from tests.test_pdf import after_contents, page_texts, squeeze

pytestmark = pytest.mark.browser

FIGURES = ["off track", "at risk", "past due date", "not updated", "complete"]


@pytest.fixture
def cycle(live_site):
    """The board met a month ago and meets in three weeks; since it met, ESS 2.1 went off
    track, 1.3 at risk and 2.4 complete."""
    today = timezone.localdate()
    board = Group.objects.get(partnership__slug="merton", kind=Group.Kind.BOARD)
    met = Meeting.objects.create(group=board, held_on=today - dt.timedelta(days=30))
    coming = Meeting.objects.create(group=board, held_on=today + dt.timedelta(days=21))
    ess = "Effective Safeguarding and Support Subgroup Work Plan"
    for number, rating, days_ago in [("2.1", "On track", 40), ("2.1", "Overdue", 5),
                                     ("1.3", "At risk", 4), ("2.4", "Complete", 3)]:  # fmt: skip
        action = Action.objects.get(outcome__plan__title=ess, number=number)
        day = (today - dt.timedelta(days=days_ago)).isoformat()
        rated(action, rating, day, commentary=f"{rating}: as the subgroup heard.")
    return {"met": met, "coming": coming}


def figures(page: Page) -> dict[str, int]:
    found = {}
    for item in page.locator(".app-headline").all():
        text = " ".join(item.inner_text().split())
        number, words = re.match(r"(\d+) (.*)", text).groups()
        found[re.sub(r" since .*", "", words)] = int(number)
    return found


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_board_members_home_offers_the_latest_pack_and_the_figures(
    page: Page, sign_in, cycle, axe_check, screenshot, viewport
):
    if viewport:
        page.set_viewport_size(viewport)
    sign_in(page, "board")
    expect(page.get_by_role("heading", name="Where the plans stand today")).to_be_visible()
    shown = figures(page)
    assert shown["off track"] == 1 and shown["at risk"] == 1 and shown["complete"] == 1
    latest = page.locator("#packs-{}".format(Partnership.objects.get(slug="merton").pk))
    expect(latest).to_contain_text(f"The latest meeting: {cycle['met']}")
    expect(latest).to_contain_text(f"The next meeting: {cycle['coming']}")
    pdf = latest.get_by_role("link", name=f"PDF pack of {cycle['met']}")
    expect(pdf).to_have_attribute("href", f"/merton/meetings/{cycle['met'].pk}/pack.pdf")
    expect(page.get_by_text("Actions you update or lead")).to_have_count(0)  # not theirs
    axe_check(page)
    screenshot(page, f"board-home-{'phone' if viewport else 'desktop'}")


def test_the_dashboards_figures_are_the_packs(page: Page, sign_in, cycle, axe_check, screenshot):
    sign_in(page, "staff")
    page.goto("/merton/")
    shown = figures(page)
    expect(page.get_by_role("heading", name="Off track and at risk")).to_be_visible()
    expect(page.locator("#off-track ~ table").first).to_contain_text("Overdue: as the subgroup")
    expect(page.locator("#changed ~ table").first).to_contain_text("Down from On track")
    axe_check(page)
    screenshot(page, "dashboard-director")
    # The partnership's PDF pack, as the worker makes it, says the same in its summary.
    merton = Partnership.objects.get(slug="merton")
    pages = page_texts(render_pack_pdf(partnership_pack(merton, timezone.localdate())[0]))
    summary = squeeze(pages[after_contents(pages, "Summary")])
    for words in [*FIGURES, "changed since last meeting"]:
        number = shown[words.removesuffix(" since last meeting")]
        assert re.search(rf"(?<!\d){number}{squeeze(words)}", summary), (words, shown)
    # Each figure but the changes is a link to the actions it counts.
    go_to = page.get_by_role("link", name=re.compile(r"^\d+ off track$"))
    go_to.click()
    expect(page).to_have_url(re.compile(r"/merton/actions/\?rating=off_track$"))
    expect(page.locator("tbody tr")).to_have_count(shown["off track"])
