"""Two-step verification in a real browser: a member of staff sets up an authenticator app
from the key the page shows, saves the backup codes, and signs in again with a code; the same
sign-in without JavaScript."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD
from tests.browser.test_journeys import go, menu

pytestmark = pytest.mark.browser


def app_code(key: str, steps_ahead: int = 0) -> str:
    """What an authenticator app given this key (as the page writes it) shows."""
    totp = TOTP(b32decode(key.replace(" ", "")))
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def give_password(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address or username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    go(page, page.get_by_role("button", name="Sign in"))


def set_up(page: Page, axe_check) -> tuple[str, list[str]]:
    """From "Your account", set up two-step verification; the key and the backup codes."""
    menu(page, "Your account")
    expect(page.locator("#two-step-recommended")).to_be_visible()
    go(page, page.get_by_role("button", name="Set up two-step verification"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    axe_check(page)
    key = page.locator("#key").inner_text()
    page.get_by_label("Code from your authenticator app").fill(app_code(key))
    go(page, page.get_by_role("button", name="Turn on two-step verification"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your backup codes")
    codes = page.locator("#backup-codes code").all_inner_texts()
    axe_check(page)
    go(page, page.get_by_role("link", name="I have saved my backup codes"))
    expect(page.get_by_text("On", exact=True)).to_be_visible()
    return key, codes


def test_staff_set_up_two_step_and_sign_in_with_a_code(page: Page, sign_in, axe_check):
    sign_in(page, "staff")
    key, codes = set_up(page, axe_check)
    assert len(codes) == 10

    go(page, page.get_by_role("button", name="Sign out (Staff)"))
    give_password(page, "staff-persona")
    expect(page).to_have_url(re.compile(r"/accounts/login/code/"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Enter the code from your authenticator app")
    axe_check(page)

    # A wrong code first: the error summary says so, and the code page stays.
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    axe_check(page)
    time.sleep(1.1)  # django-otp makes the device wait a second after a wrong code
    # The set-up used this time step's code: the app's next one.
    page.get_by_label("Code from your authenticator app").fill(app_code(key, steps_ahead=1))
    go(page, page.get_by_role("button", name="Continue", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")

    # Another time, with a backup code instead.
    go(page, page.get_by_role("button", name="Sign out (Staff)"))
    give_password(page, "staff-persona")
    page.get_by_text("I cannot use my authenticator app").click()
    page.get_by_label("Backup code").fill(codes[0])
    go(page, page.get_by_role("button", name="Continue with a backup code"))
    expect(page.get_by_text("You used a backup code. You have 9 left")).to_be_visible()


def test_the_code_page_works_without_javascript(browser, live_site):
    from plans import two_step

    staff = live_site.users["staff"]
    device = two_step.start_set_up(staff)
    two_step.confirm_set_up(staff, device)
    key = " ".join(re.findall(".{4}", two_step.written_key(device).replace(" ", "")))
    context = browser.new_context(base_url=live_site.url, java_script_enabled=False)
    page = context.new_page()
    try:
        give_password(page, "staff-persona")
        page.goto("/merton/")  # asked for first: given the code, the user goes on there
        expect(page).to_have_url(re.compile(r"/accounts/login/code/\?next=/merton/"))
        page.get_by_label("Code from your authenticator app").fill(app_code(key))
        go(page, page.get_by_role("button", name="Continue", exact=True))
        expect(page).to_have_url(re.compile(r"/merton/$"))
        expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    finally:
        context.close()
