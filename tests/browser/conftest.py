"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live_server.

Every test here is marked `browser` (`pytest -m "not browser"` skips them). scripts/test
installs Chromium with apt; Playwright's own browser downloads are never used.
"""

import json
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from plans.models import Group, Membership, Partnership
from tests.demo_snapshot import restore_demo
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in this thread; the tests still use the ORM
# directly (outside any request), which Django otherwise refuses next to a running loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

expect.set_options(timeout=10_000)  # a loaded CI machine can take more than the default 5 s

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MSCP_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artefacts" / "screenshots"
PASSWORD = "correct-horse-battery"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}

# The same people as tests/conftest.py's `personas`, signing in with the real form.
PERSONAS = {
    "staff": ("merton", Membership.Role.STAFF),
    "chair": ("merton", Membership.Role.CHAIR),
    "board": ("merton", Membership.Role.BOARD),
    "outsider": ("medway", Membership.Role.STAFF),
}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        raise pytest.UsageError(
            f"The browser tests need Chromium at {CHROMIUM} (apt-get install chromium, or "
            'set MSCP_CHROMIUM); skip them with -m "not browser".'
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """page.goto("/...") goes to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": DESKTOP,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
    }


@pytest.fixture
def live_site(live_server, transactional_db, demo_snapshot):
    """The demo data and the personas, committed so the live server's thread sees them.

    live_server tests run on a transactional database that is emptied after each test, so
    every test writes the demo afresh (copied from demo_snapshot: milliseconds).
    """
    restore_demo(demo_snapshot)
    users = {}
    for name, (slug, role) in PERSONAS.items():
        partnership = Partnership.objects.get(slug=slug)
        user = UserFactory(
            username=f"{name}-persona", first_name=name.capitalize(), password=PASSWORD
        )
        membership = Membership.objects.create(user=user, partnership=partnership, role=role)
        if name == "chair":
            membership.groups.add(Group.objects.get(partnership=partnership, short_name="ESS"))
        users[name] = user
    return SimpleNamespace(url=live_server.url, users=users)


@pytest.fixture
def browser_problems():
    """What went wrong in the browser: JavaScript errors, failed requests (4xx, 5xx) and
    anything the Content-Security-Policy refused.

    The `page` fixture fails the test at teardown if any are left; a test that provokes
    one on purpose removes it.
    """
    return []


@pytest.fixture
def page(page: Page, browser_problems):
    page.set_default_timeout(10_000)
    page.on("pageerror", lambda error: browser_problems.append(f"JavaScript error: {error}"))
    page.on(  # what the Content-Security-Policy refused: a page that needs it is broken
        "console",
        lambda message: (
            message.type == "error"
            and "Content Security Policy" in message.text
            and browser_problems.append(f"Refused by the policy on {page.url}: {message.text}")
        ),
    )
    page.on(
        "response",
        lambda r: r.status >= 400 and browser_problems.append(f"HTTP {r.status} {r.url}"),
    )
    page.on(  # not the requests a navigation cancels (net::ERR_ABORTED)
        "requestfailed",
        lambda r: (
            "ERR_ABORTED" not in (r.failure or "")
            and browser_problems.append(f"Request failed: {r.url} ({r.failure})")
        ),
    )
    yield page
    assert not browser_problems, "Problems in the browser:\n" + "\n".join(browser_problems)


def username_for(name: str) -> str:
    return f"{name}-persona" if name in PERSONAS else name


@pytest.fixture
def sign_in(live_site):
    """sign_in(page, "chair"): sign in through the real sign-in form (a persona or a username)."""

    def sign_in(page: Page, username: str) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Email address or username").fill(username_for(username))
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Your work")
        page.wait_for_load_state("load")

    return sign_in


def axe_violations(page: Page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations on the page as it is now, of the given impacts."""
    page.wait_for_load_state("load")
    # Evaluated rather than added as a <script>: the Content-Security-Policy refuses inline
    # scripts, and rightly, while evaluate() is the test's own and is not subject to it.
    page.evaluate(AXE.read_text())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            summary = node["failureSummary"].replace("\n", "\n      ")
            lines.append(f"  - {json.dumps(node['target'])}\n      {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"  ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.fixture
def axe_check():
    """axe_check(page): no serious or critical axe-core violations on the page as it is."""

    def axe_check(page: Page) -> None:
        violations = axe_violations(page)
        assert not violations, (
            f"Accessibility violations on {page.url}:\n{describe_violations(violations)}"
        )

    return axe_check


@pytest.fixture
def screenshot():
    """screenshot(page, "name"): a full-page PNG in test-artefacts/screenshots/ (git-ignored)."""

    def screenshot(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.wait_for_load_state("load")
        page.screenshot(path=path, full_page=True)
        return path

    return screenshot


def upload_odd_word_plan(page: Page, title: str) -> None:
    """On the import page: upload, as a new ESS plan, a Word plan whose headings the app does
    not know (tests/test_word_import.py's), up to the page that asks what each column holds."""
    from tests.test_word_import import ODD_HEADER, ODD_ROWS, word_document

    page.get_by_label("Plan file").set_input_files(
        {
            "name": "plan.docx",
            "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "buffer": word_document(ODD_ROWS, ODD_HEADER),
        }
    )
    page.get_by_label("Create a new plan").check()
    page.get_by_label("Group that owns the new plan").select_option(
        label="Effective Safeguarding and Support Subgroup"
    )
    page.get_by_label("Title of the new plan").fill(title)
    page.get_by_label("Period of the new plan").fill("2026-27")
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Say what each column holds")
