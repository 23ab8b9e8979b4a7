"""The update cycle end to end, in a real browser, on the demo partnership: staff set the
cycle and add the year's meetings, the reminders command emails the leads, a lead updates
from the email's link, the chair accepts one update and challenges another, staff watch the
updates come in, lock the pack, and at year end roll the plan forward.

Dates are relative to today: the update form refuses a date in the future, so the meeting
is ten days away and the period for updates is open now. The reminders command is run as
the scheduler would run it (call_command), with --today for the days after the deadline.
"""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from actions.models import Action, ProgressUpdate
from plans.models import Plan
from reporting.models import Meeting, StoredPack
from tests.browser.conftest import PASSWORD
from tests.browser.test_journeys import menu

pytestmark = pytest.mark.browser

ESS_TITLE = "Effective Safeguarding and Support Subgroup Work Plan 2024-25"
ZOES = ["1.1", "1.2", "1.3", "1.5"]  # the ESS actions whose leads name Zoe Gallen
ON_TRACK = "The escalation policy was relaunched at the October forum; 40 staff attended."
THIN = "Going well."
CHALLENGE = "What has changed for children? Please give the audit figures."
ANSWER = "Audit of 20 cases: escalation used in 6, up from 1; two cases resolved faster."
UNREVIEWED = "Draft training dates circulated to partners."
CORRECTION = "Correction: 35 staff attended, not 40."


def ess() -> Plan:
    return Plan.objects.get(title=ESS_TITLE.removesuffix(" 2024-25"), period="2024-25")


def ess_action(number: str, plan: Plan | None = None) -> Action:
    return Action.objects.get(outcome__plan=plan or ess(), number=number)


def remind(today: dt.date) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--today", today.isoformat(), stdout=out)
    return out.getvalue()


def update_links(body: str, site: str) -> list[str]:
    return re.findall(rf"{re.escape(site)}/merton/actions/\d+/update/", body)


def numbers_linked(body: str, site: str) -> list[str]:
    pks = [int(url.rstrip("/").split("/")[-2]) for url in update_links(body, site)]
    return sorted(Action.objects.get(pk=pk).number for pk in pks)


def go(page: Page, locator, timeout: float = 10_000) -> None:
    """Follow a link or press a button, and wait for the page it leads to (which may be the
    same address: a form that is saved and shown again)."""
    with page.expect_navigation(wait_until="load", timeout=timeout):
        locator.click(timeout=timeout)


def sign_in_as(page: Page, sign_in, name: str) -> None:
    page.context.clear_cookies()
    sign_in(page, name)


def give_update(page: Page, rating: str, commentary: str) -> None:
    page.get_by_role("radio", name=rating, exact=True).check()
    page.get_by_label("What has happened since the last update?").fill(commentary)
    # A chair saves; a lead's update goes to the chair, and the button says so.
    go(page, page.get_by_role("button", name=SAVE_OR_SEND))


SAVE_OR_SEND = re.compile(r"^(Save update|Send to the chair for review)$")


def banner(page: Page):
    return page.locator(".govuk-notification-banner")


def pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_the_whole_update_cycle(
    page, sign_in, live_site, mailoutbox, settings, axe_check, screenshot, browser_problems
):
    settings.MSCP_SITE_URL = live_site.url  # the emails link to the live server
    chair = live_site.users["chair"]
    chair.email = "chair@example.org"
    chair.save()
    today = timezone.localdate()
    held_on = today + dt.timedelta(days=10)

    # Staff set the cycle: updates open 21 days before a meeting, are due 5 days before.
    sign_in_as(page, sign_in, "staff")
    menu(page, "Settings")
    go(page, page.get_by_role("link", name="Update cycle"))
    page.get_by_label("Updates open this many days before a meeting").fill("21")
    page.get_by_label("Updates are due this many days before a meeting").fill("5")
    page.get_by_label("Reminders go this many days before the deadline").fill("2")
    axe_check(page)
    go(page, page.get_by_role("button", name=re.compile("Save")))
    expect(banner(page)).to_be_visible()

    # ... invite Zoe Gallen, who leads four ESS actions; she chooses her own password from
    # the email's link, and is signed in as a chair ...
    go(page, page.get_by_role("link", name="Members", exact=True))
    go(page, page.get_by_role("link", name="Invite a member"))
    page.get_by_label("First name").fill("Zoe")
    page.get_by_label("Last name").fill("Gallen")
    page.get_by_label("Email address").fill("zoe@example.org")
    page.get_by_role("radio", name=re.compile("^Chair or lead")).check()
    named_as = page.get_by_label("Named in plans as (optional)")
    named_as.select_option(label=named_as.locator("option", has_text="Zoe Gallen").inner_text())
    go(page, page.get_by_role("button", name="Send invitation"))
    expect(banner(page)).to_contain_text("Invited Zoe Gallen")
    (invitation,) = [m for m in mailoutbox if m.to == ["zoe@example.org"]]
    link = re.search(r"http://\S+/accounts/invitation/\S+/", invitation.body).group(0)
    page.context.clear_cookies()
    page.goto(link)
    axe_check(page)
    screenshot(page, "invitation-choose-password")
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Type the new password again").fill(PASSWORD)
    go(page, page.get_by_role("button", name="Join and sign in"))
    expect(banner(page)).to_contain_text("Welcome to MSCP. You sign in as zoe@example.org.")
    page.goto("/")
    expect(page.get_by_text("Actions you update or lead")).to_be_visible()  # a chair's home
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation has been used")
    browser_problems.remove(f"HTTP 410 {link}")  # the used link's page, gone on purpose
    sign_in_as(page, sign_in, "staff")

    # ... and paste the subgroup's next two meetings into the calendar.
    menu(page, "Meetings")
    go(page, page.get_by_role("link", name="Add the year's meetings"))
    page.get_by_label("Group that meets").select_option(
        label="Effective Safeguarding and Support Subgroup"
    )
    later = held_on + dt.timedelta(days=91)
    page.get_by_label("Dates of the meetings").fill(f"{held_on:%-d %B %Y}\n{later:%d/%m/%Y}\n")
    axe_check(page)
    screenshot(page, "cycle-calendar")
    go(page, page.get_by_role("button", name="Add meetings"))
    expect(banner(page)).to_contain_text("Added 2 meetings")
    meeting = Meeting.objects.get(group__short_name="ESS", held_on=held_on)
    opens, due = today - dt.timedelta(days=11), today + dt.timedelta(days=5)
    assert (meeting.updates_open_on, meeting.updates_due_on) == (opens, due)

    # The daily reminders: the first notice to Zoe, linking to her four update forms.
    remind(today)
    to_zoe = [m for m in mailoutbox if m.to == ["zoe@example.org"] and "Please" in m.subject]
    assert len(to_zoe) == 1
    notice = to_zoe[0]
    assert notice.subject == (f"Please update 4 actions by {due:%A %-d %B %Y} for the ESS meeting")
    assert numbers_linked(notice.body, live_site.url) == ZOES
    sent = len(mailoutbox)
    remind(today)  # the timer fires again: nobody is emailed twice
    assert len(mailoutbox) == sent

    # Zoe follows the email's link for 1.1 and gives her update; it waits for the chair.
    sign_in_as(page, sign_in, "zoe@example.org")
    first_link = update_links(notice.body, live_site.url)[0]
    assert first_link.endswith(f"/actions/{ess_action('1.1').pk}/update/")
    page.goto(first_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Update action 1.1")
    give_update(page, "On track", ON_TRACK)
    expect(banner(page)).to_contain_text("Update sent for review for action 1.1")
    page.goto(f"/merton/actions/{ess_action('1.2').pk}/update/")
    give_update(page, "On track", THIN)

    # Staff see two of Zoe's four received, on the meeting's board of updates.
    sign_in_as(page, sign_in, "staff")
    page.goto(f"/merton/meetings/{meeting.pk}/")
    go(page, page.get_by_role("link", name="Updates for this meeting"))
    zoe_row = page.locator("#by-lead").get_by_role("row").filter(has_text="Zoe Gallen")
    expect(zoe_row.get_by_role("cell").nth(1)).to_have_text("2")  # received
    expect(zoe_row.get_by_role("cell").nth(2)).to_have_text("2")  # outstanding
    axe_check(page)
    screenshot(page, "cycle-updates-board")

    # The chair accepts 1.1 and returns 1.2 with a challenge.
    sign_in_as(page, sign_in, "chair")
    go(page, page.get_by_role("link", name="Waiting for your review (2)"))
    axe_check(page)
    screenshot(page, "cycle-review-list")
    go(page, page.get_by_role("button", name="Accept the update to action 1.1"))
    expect(banner(page)).to_contain_text("Accepted Zoe Gallen's update to action 1.1")
    go(
        page,
        page.get_by_role(
            "link", name=re.compile(r"^Return with a challenge\W+the update to action 1\.2$")
        ),
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Review the update to action 1.2")
    page.get_by_label("Your challenge to the lead").fill(CHALLENGE)
    axe_check(page)
    screenshot(page, "cycle-review-update")
    go(page, page.get_by_role("button", name="Return with a challenge"))
    expect(banner(page)).to_contain_text("Returned Zoe Gallen's update to action 1.2")

    # Zoe sees the challenge on her home page and answers it with a new update; she also
    # sends an update for 1.3 that nobody reviews before the lock.
    sign_in_as(page, sign_in, "zoe@example.org")
    returned = page.get_by_role("listitem").filter(has_text=CHALLENGE)
    expect(returned).to_contain_text("Action 1.2")
    go(page, returned.get_by_role("link", name="Give a new update to action 1.2"))
    give_update(page, "On track", ANSWER)
    page.goto(f"/merton/actions/{ess_action('1.3').pk}/update/")
    give_update(page, "At risk", UNREVIEWED)
    sign_in_as(page, sign_in, "chair")
    page.goto("/merton/reviews/")
    go(page, page.get_by_role("button", name="Accept the update to action 1.2"))

    # After the deadline the chair is sent the actions still without an update: 1.5, not
    # Zoe's answered ones; again only once.
    before = len(mailoutbox)
    remind(due + dt.timedelta(days=1))
    missing = [m for m in mailoutbox[before:] if m.to == ["chair@example.org"]]
    assert len(missing) == 1
    assert missing[0].subject.startswith("Missing updates: ")
    assert "1.5" in missing[0].body
    assert f"/actions/{ess_action('1.1').pk}/" not in missing[0].body
    remind(due + dt.timedelta(days=2))
    assert not [m for m in mailoutbox[before + 1 :] if m.to == ["chair@example.org"]]

    # Staff lock the pack: warned that 1.3's update still waits for review.
    sign_in_as(page, sign_in, "staff")
    page.goto(f"/merton/meetings/{meeting.pk}/")
    go(page, page.get_by_role("link", name="Lock the pack"))
    expect(page.locator(".govuk-warning-text")).to_contain_text("1 update")
    axe_check(page)
    screenshot(page, "cycle-lock-confirm")
    # The lock makes and keeps the PDF and Excel files before it answers (the tests' task
    # backend runs at once): on a busy machine, some seconds.
    go(page, page.get_by_role("button", name="Lock the pack"), timeout=60_000)
    expect(banner(page)).to_contain_text("Locked the pack")
    expect(page.get_by_text("its pack shows the progress entered so far")).to_have_count(0)
    axe_check(page)
    screenshot(page, "cycle-meeting-locked")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF pack").click()
    kept = open(download.value.path(), "rb").read()
    text = pdf_text(download.value.path())
    assert ON_TRACK in text and ANSWER in text  # the accepted updates
    assert THIN not in text and UNREVIEWED not in text  # returned, and never reviewed

    # A correction after the lock is a new update; the locked pack stays as it was.
    sign_in_as(page, sign_in, "zoe@example.org")
    page.goto(f"/merton/actions/{ess_action('1.1').pk}/update/")
    give_update(page, "On track", CORRECTION)
    sign_in_as(page, sign_in, "chair")
    page.goto("/merton/reviews/")
    go(page, page.get_by_role("button", name="Accept the update to action 1.1"))
    sign_in_as(page, sign_in, "board")
    page.goto(f"/merton/meetings/{meeting.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF pack").click()
    assert open(download.value.path(), "rb").read() == kept
    assert StoredPack.objects.filter(meeting=meeting, format="pdf").count() == 1
    history = ProgressUpdate.objects.filter(action=ess_action("1.1")).order_by("pk")
    assert [u.commentary for u in history] == [ON_TRACK, CORRECTION]

    # Year end: staff roll the plan forward; every action carries (none is complete), and
    # each links back to the action whose history it continues.
    sign_in_as(page, sign_in, "staff")
    menu(page, "Dashboard")
    go(page, page.get_by_role("link", name=ESS_TITLE))
    go(page, page.get_by_role("link", name="Roll forward into a new plan…"))
    page.get_by_label("Title of the new plan").fill(ess().title)
    page.get_by_label("Period", exact=True).fill("2025-26")
    axe_check(page)
    screenshot(page, "cycle-roll-forward")
    go(page, page.get_by_role("button", name=re.compile("Preview")))
    expect(page.locator("#preview")).to_be_visible()
    go(page, page.get_by_role("button", name="Create plan"))
    expect(banner(page)).to_contain_text("with 13 actions carried forward from 2024-25")
    new_plan = Plan.objects.get(title=ess().title, period="2025-26")
    assert new_plan.status == Plan.Status.DRAFT
    carried = ess_action("1.1", new_plan)
    assert carried.carried_from == ess_action("1.1")
    page.goto(f"/merton/actions/{carried.pk}/")
    go(page, page.get_by_role("link", name="2024-25 action 1.1"))
    expect(page.get_by_role("table").filter(has_text=CORRECTION)).to_be_visible()
