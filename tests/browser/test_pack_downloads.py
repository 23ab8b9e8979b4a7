"""Downloading a meeting pack in a real browser: the click, the page that waits for the
background render (it reloads itself through the Refresh header: no script), and the file
that the browser then downloads by itself."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from plans.models import Group
from reporting.models import Meeting, StoredPack
from reporting.stored_packs import render_stored_pack

# The click, the waiting page and the download, not the PDF's content (tests/test_pdf.py,
# and tests/browser/test_update_cycle.py reads the pack it downloads): WeasyPrint is stubbed.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("stub_pdf_render")]


@pytest.fixture
def meeting(live_site) -> Meeting:
    ess = Group.objects.get(partnership__slug="merton", short_name="ESS")
    return Meeting.objects.create(group=ess, held_on=dt.date(2024, 9, 10))


def meeting_page(page: Page, meeting: Meeting) -> None:
    page.goto(f"/merton/meetings/{meeting.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("10 September 2024")


def test_the_pack_downloads_by_itself_once_the_worker_has_made_it(
    page, sign_in, settings, meeting, axe_check, screenshot
):
    # The render waits for a worker, as in production (the tests otherwise make it at once).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    sign_in(page, "board")
    meeting_page(page, meeting)
    page.get_by_role("link", name="Download PDF pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing the PDF pack…")
    axe_check(page)
    screenshot(page, "pack-preparing")

    # The worker makes it; the page, reloading itself, sends the browser on to the file.
    stored = StoredPack.objects.get()
    with page.expect_download(timeout=15_000) as download:
        render_stored_pack(stored.pk)
    assert download.value.suggested_filename == "mscp-ess-meeting-2024-09-10.pdf"
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    # The page stays, with the link for when a download does not start.
    expect(page.get_by_role("heading", level=1)).to_have_text("The PDF pack is ready")
    link = page.get_by_role("link", name="Download mscp-ess-meeting-2024-09-10.pdf")
    expect(link).to_be_visible()
    axe_check(page)
    screenshot(page, "pack-ready")


def test_a_ready_pack_downloads_from_the_meeting_page_and_a_failed_one_explains(
    page, sign_in, meeting, axe_check, screenshot
):
    sign_in(page, "chair")
    meeting_page(page, meeting)
    # Made at once (the tests' backend): the click ends in a download, as a plain link would.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel report").click()
    assert download.value.suggested_filename == "mscp-ess-meeting-2024-09-10.xlsx"

    stored = StoredPack.objects.create(
        partnership=meeting.group.partnership, meeting=meeting, format="pdf",
        as_at=meeting.held_on, filename="mscp-ess-meeting-2024-09-10.pdf",
        content_type="application/pdf", status=StoredPack.Status.FAILED,
        error="it needed more memory than the server could give it",
    )  # fmt: skip
    page.goto(f"/merton/packs/{stored.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The PDF pack could not be made")
    axe_check(page)
    screenshot(page, "pack-failed")
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Try again").click()
    assert download.value.suggested_filename == "mscp-ess-meeting-2024-09-10.pdf"
    expect(page.get_by_role("heading", level=1)).to_have_text("The PDF pack is ready")
