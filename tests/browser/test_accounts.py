"""Accounts a partnership runs itself, in Chromium (emails to Django's locmem outbox): a
password reset from the sign-in page, links refused with a clear page, changing a password,
a leaver switched off, and a new partnership set up by a site administrator whose invited
staff member signs in and imports a plan from the template."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from actions.models import Action
from plans.models import Group, Invitation, Membership, Partnership
from tests.browser.conftest import PASSWORD, PHONE
from tests.browser.test_journeys import go
from tests.factories import UserFactory
from tests.helpers import rated

pytestmark = pytest.mark.browser
NEW_PASSWORD = "seven green kettles hum"


def link_in(mailoutbox, to: str, path: str) -> str:
    (message,) = [m for m in mailoutbox if m.to == [to]][-1:]
    return re.search(rf"http://\S+{path}\S+/", message.body).group(0)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_forgotten_password_is_reset_from_the_emailed_link_once(
    page: Page, live_site, sign_in, mailoutbox, axe_check, screenshot, viewport
):
    if viewport:
        page.set_viewport_size(viewport)
    chair = live_site.users["chair"]
    chair.email = "chair@example.org"
    chair.save()
    page.goto("/accounts/login/")
    go(page, page.get_by_role("link", name="Forgotten your password?"))
    axe_check(page)
    page.get_by_label("Email address").fill("chair@example.org")
    go(page, page.get_by_role("button", name="Send the link"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    axe_check(page)
    link = link_in(mailoutbox, "chair@example.org", "/accounts/password-reset/")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    axe_check(page)
    screenshot(page, f"password-reset-{'phone' if viewport else 'desktop'}")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    go(page, page.get_by_role("button", name="Change my password"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been changed")
    page.goto(link)  # used: refused with a clear page
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    axe_check(page)
    page.goto("/accounts/login/")
    page.get_by_label("Email address or username").fill(chair.username)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    go(page, page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")


def test_an_expired_invitation_is_refused_and_a_password_is_changed(
    page: Page, live_site, sign_in, mailoutbox, axe_check, browser_problems
):
    sign_in(page, "staff")
    page.goto("/merton/settings/members/invite/")
    page.get_by_label("First name").fill("Ann")
    page.get_by_label("Last name").fill("Other")
    page.get_by_label("Email address").fill("ann@example.org")
    page.get_by_role("radio", name=re.compile("^Board member")).check()
    go(page, page.get_by_role("button", name="Send invitation"))
    link = link_in(mailoutbox, "ann@example.org", "/accounts/invitation/")
    Invitation.objects.update(expires_at=Invitation.objects.get().sent_at)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation has expired")
    axe_check(page)
    browser_problems.remove(f"HTTP 410 {link}")  # gone, on purpose

    go(page, page.get_by_role("link", name="Your account"))
    go(page, page.get_by_role("link", name="Change your password"))
    axe_check(page)
    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    go(page, page.get_by_role("button", name="Change password"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your password has been changed"
    )
    live_site.users["staff"].refresh_from_db()
    assert live_site.users["staff"].check_password(NEW_PASSWORD)


def test_a_leaver_is_switched_off_and_their_updates_keep_their_name(
    page: Page, live_site, sign_in, axe_check, screenshot
):
    chair = live_site.users["chair"]
    chair.first_name, chair.last_name = "Clare", "Chair"
    chair.save()
    action = Action.objects.get(outcome__plan__title__startswith="Effective", number="2.1")
    rated(action, "At risk", "2024-09-01", author=chair)
    sign_in(page, "staff")
    page.goto("/merton/settings/members/")
    row = page.locator(f"#member-{Membership.objects.get(user=chair).pk}")
    go(page, row.get_by_role("link", name=re.compile("^Switch off sign-in")))
    axe_check(page)
    go(page, page.get_by_role("button", name="Switch off their sign-in"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("can no longer sign in")
    screenshot(page, "members-sign-in-off")
    page.goto(f"/merton/actions/{action.pk}/")
    expect(page.get_by_text("Clare Chair").first).to_be_visible()
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email address or username").fill(chair.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_url(re.compile("/accounts/login/"))


def test_a_site_administrator_sets_up_a_partnership_whose_staff_import_a_plan(
    page: Page, live_site, mailoutbox, axe_check, screenshot
):
    UserFactory(username="site-admin", password=PASSWORD, is_superuser=True, is_staff=True)
    page.goto("/accounts/login/")
    page.get_by_label("Email address or username").fill("site-admin")
    page.get_by_label("Password").fill(PASSWORD)
    go(page, page.get_by_role("button", name="Sign in"))
    go(page, page.get_by_role("link", name="Partnerships"))
    axe_check(page)
    go(page, page.get_by_role("link", name="Create a partnership"))
    page.get_by_label("Name", exact=True).fill("Greenwich Safeguarding Children Partnership")
    page.get_by_label("Short name").fill("GSCP")
    page.get_by_label("Web address").fill("greenwich")
    page.get_by_role("radio", name="OFFICIAL", exact=True).check()
    page.get_by_role("radio", name=re.compile("^RAG")).check()
    page.get_by_label("Its board").fill("Greenwich Safeguarding Children Partnership Executive")
    page.get_by_label("Its subgroups and task groups (optional)").fill(
        "Quality Assurance Subgroup (QA)\nTask group: Neglect Strategy (Neglect)"
    )
    page.get_by_label("First name").fill("Gina")
    page.get_by_label("Last name").fill("Green")
    page.get_by_label("Email address").fill("gina@example.org")
    axe_check(page)
    screenshot(page, "partnership-create")
    go(page, page.get_by_role("button", name="Create the partnership"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Created Greenwich")
    greenwich = Partnership.objects.get(slug="greenwich")
    assert greenwich.ratings.count() == 3 and greenwich.groups.count() == 3

    # Gina follows her invitation, and imports the plan she filled in from the template.
    link = link_in(mailoutbox, "gina@example.org", "/accounts/invitation/")
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    go(page, page.get_by_role("button", name="Join and sign in"))
    page.goto("/greenwich/imports/new/")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("template")).first.click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    plan_sheet, example = workbook["Plan"], workbook["Example"]
    for row in example.iter_rows(min_row=2, values_only=True):
        plan_sheet.append(row)
    filled = io.BytesIO()
    workbook.save(filled)
    page.get_by_label("Plan file").set_input_files(
        {
            "name": "greenwich-qa.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": filled.getvalue(),
        }
    )
    page.get_by_role("radio", name="Create a new plan").check()
    page.get_by_label("Group that owns the new plan").select_option(
        label="Quality Assurance Subgroup"
    )
    page.get_by_label("Title of the new plan").fill("QA Subgroup work plan")
    page.get_by_label("Period of the new plan").fill("2026-27")
    go(page, page.get_by_role("button", name="Upload and check"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the changes")
    go(page, page.get_by_role("button", name="Confirm and import"))
    qa = Group.objects.get(partnership=greenwich, short_name="QA")
    assert Action.objects.filter(outcome__plan__group=qa).count() >= 1
