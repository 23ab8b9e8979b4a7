"""Nothing typed is lost, in a real browser: a chair's update sent after the session ended
idle comes back after sign-in; one sent after signing in again in another tab gets a page in
words that gives it back (front.drafts)."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from actions.models import Action, ProgressUpdate
from mscp.sessions import LAST_SEEN
from tests.browser.conftest import PASSWORD
from tests.browser.test_journeys import go

pytestmark = pytest.mark.browser

TYPED = "The neglect toolkit was relaunched at the October forum; 40 staff came."


def open_update_form(page: Page) -> Action:
    action = Action.objects.get(outcome__plan__title__startswith="Effective", number="1.1")
    page.goto(f"/merton/actions/{action.pk}/update/")
    page.get_by_role("radio", name="On track", exact=True).check()
    page.get_by_label("What has happened since the last update?").fill(TYPED)
    return action


def sign_in_again(page: Page) -> None:
    page.get_by_label("Email address or username").fill("chair-persona")
    page.get_by_label("Password").fill(PASSWORD)
    go(page, page.get_by_role("button", name="Sign in"))


def save_and_check(page: Page, action: Action, axe_check) -> None:
    expect(page.locator("#draft-given-back")).to_contain_text("What you typed is below")
    expect(page.get_by_label("What has happened since the last update?")).to_have_value(TYPED)
    expect(page.get_by_role("radio", name="On track", exact=True)).to_be_checked()
    axe_check(page)
    go(page, page.get_by_role("button", name=re.compile(r"^Save update")))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Update saved")
    assert ProgressUpdate.objects.filter(action=action, commentary=TYPED).count() == 1


def test_an_update_sent_after_the_session_ended_comes_back_after_sign_in(
    page: Page, sign_in, axe_check, screenshot
):
    sign_in(page, "chair")
    action = open_update_form(page)
    # Thirty-one idle minutes: the session's last request is moved back (no waiting).
    session = next(s for s in Session.objects.all() if s.get_decoded().get(LAST_SEEN))
    data = session.get_decoded()
    data[LAST_SEEN] = time.time() - 31 * 60
    session.session_data = Session.objects.encode(data)
    session.save()
    go(page, page.get_by_role("button", name=re.compile(r"^Save update")))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("main")).to_contain_text("You were signed out because you had not used")
    assert not ProgressUpdate.objects.filter(action=action, commentary=TYPED).exists()
    sign_in_again(page)
    expect(page).to_have_url(re.compile(rf"/merton/actions/{action.pk}/update/"))
    screenshot(page, "draft-given-back")
    save_and_check(page, action, axe_check)


def test_a_form_sent_after_signing_in_again_elsewhere_is_given_back(
    page: Page, sign_in, axe_check, screenshot, browser_problems
):
    sign_in(page, "chair")
    action = open_update_form(page)
    other = page.context.new_page()  # another tab: out and in again, a new form token
    other.goto("/")
    other.get_by_role("button", name=re.compile(r"^Sign out")).click()
    other.wait_for_url(re.compile(r"/accounts/"))
    other.goto("/accounts/login/")
    sign_in_again(other)
    other.close()
    with page.expect_navigation(wait_until="load"):  # answered at the form's own address
        page.get_by_role("button", name=re.compile(r"^Save update")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your form was not sent")
    browser_problems.remove(next(p for p in browser_problems if p.startswith("HTTP 403")))
    axe_check(page)
    screenshot(page, "form-not-sent")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Open the form again with what you typed").click()
    save_and_check(page, action, axe_check)
