"""axe-core finds no serious or critical accessibility problem on the application's pages,
on a desktop and on a phone, where no page may be wider than the screen either.

One test per screen size visits every page (a subtest each): signing in and loading the demo
once per test, rather than once per page, keeps the scans to about a second a page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.models import Action, ProgressUpdate, Risk
from actions.progress import record_progress
from plans import two_step
from plans.models import Group, Membership, Organisation, Partnership, Person, Plan, RagRating
from reporting.models import Meeting
from reporting.plan_export import plan_workbook
from tests.browser.conftest import DESKTOP, PASSWORD, PHONE, upload_odd_word_plan
from tests.factories import UserFactory
from tests.shaped_plan import make_shaped_plan

pytestmark = pytest.mark.browser


def plan(title_start: str) -> Plan:
    return Plan.objects.select_related("group__partnership").get(title__startswith=title_start)


def plan_url(title_start: str, query: str = "") -> str:
    found = plan(title_start)
    return reverse("plans:plan", args=[found.group.partnership.slug, found.pk]) + query


def ess_action_2_1() -> Action:
    return Action.objects.get(outcome__plan=plan("Effective Safeguarding"), number="2.1")


@pytest.fixture(autouse=True)
def rated_actions(live_site):
    """Every rating of both partnerships in use, and a rated risk: their colours are checked.

    The demo plans have no progress yet, so without this no rating badge would be scanned.
    """
    for slug, title_start, author in [
        ("merton", "Effective Safeguarding", "chair"),
        ("medway", "Medway", "outsider"),  # Medway's own staff: accepted as made, so rated
    ]:
        actions = Action.objects.filter(outcome__plan=plan(title_start)).order_by("pk")
        ratings = RagRating.objects.filter(partnership__slug=slug)
        for action, rating in zip(actions, ratings, strict=False):
            record_progress(
                action=action,
                rating=rating,
                commentary=f"Progress reported as {rating.label}.",
                evidence="Minutes of the subgroup",
                author=live_site.users[author],
            )
    for rating in RagRating.objects.filter(partnership__slug="merton"):  # its history table
        record_progress(
            action=ess_action_2_1(),
            rating=rating,
            commentary=f"Progress reported as {rating.label}.",
            author=live_site.users["chair"],
        )
    # A lead's update waiting for the ESS chair's review (Zoe Gallen leads 1.1).
    merton = Partnership.objects.get(slug="merton")
    zoe = UserFactory(username="zoe", first_name="Zoe", last_name="Gallen")
    Membership.objects.create(user=zoe, partnership=merton, role=Membership.Role.CHAIR)
    Person.objects.filter(partnership=merton, name="Zoe Gallen").update(user=zoe)
    two_step.confirm_set_up(zoe, two_step.start_set_up(zoe))  # the members page offers a reset
    record_progress(
        action=Action.objects.get(outcome__plan=plan("Effective Safeguarding"), number="1.1"),
        rating=RagRating.objects.get(partnership=merton, label="On track"),
        commentary="The escalation policy was relaunched at the October forum.",
        author=zoe,
    )
    Risk.objects.create(
        partnership=merton,
        number="1",
        concern="Health partners' attendance at the subgroup has fallen.",
        risk_if_unresolved="Health's view is missing from the multi-agency response.",
        action_required="Chair to write to the designated nurse.",
        by_whom="Chair",
        by_when="March 2025",
        rating=RagRating.objects.get(partnership__slug="merton", label="At risk"),
    )


def submit_blank_update(page):
    page.get_by_role("button", name="Save update").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()


def submit_wrong_password(page):
    page.get_by_label("Email address or username").fill("chair-persona")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def save_an_update(page):
    page.get_by_role("radio", name="On track", exact=True).check()
    page.get_by_label("What has happened since the last update?").fill("Going well.")
    page.get_by_role("button", name="Save update").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()


def meeting_url():
    """Merton's board meeting, with the plans its pack covers and their counts."""
    from plans.models import Group
    from reporting.models import Meeting

    board = Group.objects.get(partnership__slug="merton", kind=Group.Kind.BOARD)
    meeting, _ = Meeting.objects.get_or_create(
        group=board, held_on="2024-09-15", defaults={"title": "Full Partnership"}
    )
    return reverse("reporting:meeting", args=["merton", meeting.pk])


def submit_blank_meeting(page):
    page.get_by_role("button", name="Add meeting").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def ess_meeting():
    """An ESS meeting with its period for updates (the partnership's usual dates)."""
    meeting, _ = Meeting.objects.get_or_create(
        group=Group.objects.get(partnership__slug="merton", short_name="ESS"),
        held_on="2024-09-10",
    )
    return meeting


def waiting_update() -> ProgressUpdate:
    return ProgressUpdate.objects.get(status=ProgressUpdate.Status.SUBMITTED)


def merton(name, *args):
    return reverse(name, args=["merton", *[arg() if callable(arg) else arg for arg in args]])


def agency():
    """The agency that leads the most ESS actions."""
    return (
        Organisation.objects.filter(partnership__slug="merton", people__isnull=False)
        .order_by("name")
        .first()
        .pk
    )


def upload_the_plan(page):
    """Staff upload the ESS plan's own export: the preview says nothing would change."""
    page.get_by_label("Plan file").set_input_files(
        {
            "name": "ess.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": plan_workbook(plan("Effective Safeguarding")),
        }
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the changes")


def upload_a_word_plan(page):
    """Staff upload a Word plan whose headings the app does not know: the mapping page."""
    upload_odd_word_plan(page, "Odd plan")


def submit_blank_action(page):
    page.get_by_role("button", name="Add action").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()


def ess_pk():
    return plan("Effective Safeguarding").pk


def ess_outcome_pk():
    return plan("Effective Safeguarding").outcomes.get(number="2").pk


def update_url(query=""):
    return reverse("actions:update", args=["merton", ess_action_2_1().pk]) + query


def hub_manager():
    return Person.objects.get(partnership__slug="merton", name="Hub Manager")


def shaped_plan():
    """The made-up plan without outcomes, with an overarching priority and core activities."""
    return make_shaped_plan(Group.objects.get(partnership__slug="merton", short_name="ESS"))


def shaped_priority_pk():
    return shaped_plan().priorities.get(number="1").pk


def invitation_link():
    """A new invitation's link (its token is made here: the database keeps only a hash)."""
    import datetime as dt

    from django.utils import timezone

    from plans.invitations import new_token
    from plans.models import Invitation

    invitation = Invitation(
        partnership=Partnership.objects.get(slug="merton"),
        first_name="Ann",
        last_name="Other",
        email="ann.other@example.org",
        role="board",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    token = new_token(invitation)
    invitation.save()
    return reverse("two_step:accept_invitation", args=[token])


def site_admin() -> str:
    """A site administrator's username (made once)."""
    UserFactory(username="site-admin", password=PASSWORD, is_superuser=True, is_staff=True)
    return "site-admin"


def chair_membership_pk():
    return Membership.objects.get(user__username="chair-persona").pk


def chair_user_pk():
    return Membership.objects.get(user__username="chair-persona").user_id


# name: (who signs in, the page's address, its heading or None, what to do there first)
PAGES = {
    "sign-in": (None, lambda: reverse("login"), "Sign in", None),
    "sign-in-with-errors": (None, lambda: reverse("login"), "Sign in", submit_wrong_password),
    "accessibility-statement": (
        None,
        lambda: reverse("accessibility"),
        "Accessibility statement for Partnership plans",
        None,
    ),
    "privacy-notice": (None, lambda: reverse("privacy"), "Privacy notice", None),
    "password-reset": (None, lambda: reverse("two_step:password_reset"), None, None),
    "password-reset-sent": (
        None,
        lambda: reverse("two_step:password_reset_done"),
        "Check your email",
        None,
    ),
    "invitation-accept": (None, invitation_link, "Choose your password", None),
    "home": ("chair", lambda: reverse("home"), "Your work", None),
    "plan-ess": ("chair", lambda: plan_url("Effective Safeguarding"), None, None),
    "plan-filtered": (
        "chair",
        lambda: plan_url("Effective Safeguarding", "?q=neglect&rating=none&overdue=on"),
        None,
        None,
    ),
    "action": (
        "chair",
        lambda: reverse("actions:detail", args=["merton", ess_action_2_1().pk]),
        "Action 2.1",
        None,
    ),
    "update-form": ("chair", update_url, "Update action 2.1", None),
    "update-form-with-errors": ("chair", update_url, "Update action 2.1", submit_blank_update),
    "plan-after-an-update": ("chair", lambda: update_url("?from=plan"), None, save_an_update),
    "dashboard": ("board", lambda: reverse("plans:dashboard", args=["merton"]), None, None),
    "plan-ppyp": ("board", lambda: plan_url("Promote and Protect"), None, None),
    "all-actions": ("board", lambda: reverse("actions:list", args=["merton"]), "All actions", None),
    "all-actions-filtered": (
        "board",
        lambda: reverse("actions:list", args=["merton"]) + "?q=training&rating=none",
        "All actions",
        None,
    ),
    "risk-log": (
        "board",
        lambda: reverse("actions:risks", args=["merton"]),
        "Risk and challenge log",
        None,
    ),
    "meetings": ("board", lambda: reverse("reporting:meetings", args=["merton"]), "Meetings", None),
    "meeting": ("board", meeting_url, "Full Partnership, 15 September 2024", None),
    "meeting-form-with-errors": (
        "staff",
        lambda: reverse("reporting:meeting_create", args=["merton"]),
        "Add a meeting",
        submit_blank_meeting,
    ),
    "agencies": ("board", lambda: merton("actions:agencies"), "By agency", None),
    "agency": ("board", lambda: merton("actions:agency", agency), None, None),
    # The chair's review of leads' updates.
    "reviews": ("chair", lambda: merton("actions:reviews"), "Waiting for your review", None),
    "review-update": (
        "chair",
        lambda: merton("actions:review", lambda: waiting_update().pk),
        "Review the update to action 1.1",
        None,
    ),
    # Business support staff: editing, settings and the update cycle.
    "plan-for-staff": ("staff", lambda: plan_url("Effective Safeguarding"), None, None),
    "plan-edit": ("staff", lambda: merton("plans:plan_edit", ess_pk), None, None),
    "action-form-with-errors": (
        "staff",
        lambda: merton("actions:create", ess_outcome_pk),
        "Add an action",
        submit_blank_action,
    ),
    "action-edit": (
        "staff",
        lambda: merton("actions:edit", lambda: ess_action_2_1().pk),
        None,
        None,
    ),
    "step-form": (
        "staff",
        lambda: merton("actions:step_create", lambda: ess_action_2_1().pk),
        None,
        None,
    ),
    "plan-without-outcomes": ("staff", lambda: shaped_plan().url_in("merton"), None, None),
    "action-under-a-priority": (
        "staff",
        lambda: merton("actions:create_in_priority", shaped_priority_pk),
        "Add an action",
        None,
    ),
    "core-activity-form": (
        "staff",
        lambda: merton("actions:core_create", lambda: shaped_plan().pk),
        "Add a core activity",
        None,
    ),
    "action-with-measures": (
        "staff",
        lambda: merton(
            "actions:detail",
            lambda: Action.objects.get(outcome__plan=shaped_plan(), number="1.1").pk,
        ),
        "Action 1.1",
        None,
    ),
    "measure-value-form": (
        "staff",
        lambda: merton(
            "actions:measure_value",
            lambda: Action.objects.get(outcome__plan=shaped_plan(), number="1.1").pk,
        ),
        None,
        None,
    ),
    "settings": ("staff", lambda: merton("plans:settings"), "MSCP settings", None),
    "themes": ("staff", lambda: merton("plans:themes"), None, None),
    "ratings": ("staff", lambda: merton("plans:ratings"), None, None),
    "groups": ("staff", lambda: merton("plans:groups"), None, None),
    "members": ("staff", lambda: merton("plans:members"), None, None),
    "lead-records": ("staff", lambda: merton("plans:leads"), "Lead records", None),
    "lead-rename": (
        "staff",
        lambda: merton("plans:lead_rename", "agencies", agency),
        None,
        None,
    ),
    "lead-merge": (
        "staff",
        lambda: merton("plans:lead_merge", "people", lambda: hub_manager().pk),
        None,
        None,
    ),
    "member-invite": ("staff", lambda: merton("plans:member_invite"), "Invite a member", None),
    "member-sign-in": (
        "staff",
        lambda: merton("plans:member_sign_in", chair_membership_pk),
        None,
        None,
    ),
    "single-sign-on-setting": ("staff", lambda: merton("plans:sign_in"), None, None),
    "password-change": ("staff", lambda: reverse("two_step:password_change"), None, None),
    "email-change": ("staff", lambda: reverse("two_step:email_change"), None, None),
    "member-two-step-reset": (
        "staff",
        lambda: merton(
            "plans:member_two_step_reset",
            lambda: Membership.objects.get(user__username="zoe").pk,
        ),
        "Turn off two-step verification for Zoe Gallen?",
        None,
    ),
    "update-cycle": ("staff", lambda: merton("plans:cycle"), None, None),
    "deleted": ("staff", lambda: merton("plans:deleted"), None, None),
    "audit-log": ("staff", lambda: merton("plans:audit"), None, None),
    "risk-form": ("staff", lambda: merton("actions:risk_create"), None, None),
    "meeting-calendar": (
        "staff",
        lambda: merton("reporting:meeting_calendar"),
        "Add the year's meetings",
        None,
    ),
    "meeting-updates": (
        "staff",
        lambda: merton("reporting:meeting_updates", lambda: ess_meeting().pk),
        "Updates for this meeting",
        None,
    ),
    "meeting-lock": (
        "staff",
        lambda: merton("reporting:meeting_lock", lambda: ess_meeting().pk),
        "Lock the pack",
        None,
    ),
    "roll-forward": ("staff", lambda: merton("plans:roll_forward", ess_pk), None, None),
    "import-start": ("staff", lambda: merton("imports:start"), "Import a plan", None),
    "import-preview": (
        "staff",
        lambda: merton("imports:start_for_plan", ess_pk),
        None,
        upload_the_plan,
    ),
    "import-word-columns": (
        "staff",
        lambda: merton("imports:start"),
        "Say what each column holds",
        upload_a_word_plan,
    ),
    "plan-medway": ("outsider", lambda: plan_url("Medway"), None, None),  # the largest plan
    "partnerships": ("site-admin", lambda: reverse("site:partnerships"), "Partnerships", None),
    "partnership-create": (
        "site-admin",
        lambda: reverse("site:partnership_create"),
        "Create a partnership",
        None,
    ),
    "people": ("site-admin", lambda: reverse("site:people") + "?q=chair", None, None),
    "person": ("site-admin", lambda: reverse("site:person", args=[chair_user_pk()]), None, None),
    "person-forget": (
        "site-admin",
        lambda: reverse("site:person_forget", args=[chair_user_pk()]),
        None,
        None,
    ),
}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_pages_have_no_serious_accessibility_problems(
    page, sign_in, axe_check, subtests, screenshot, viewport
):
    page.set_viewport_size(viewport)
    signed_in_as = "nobody yet"
    for name, (persona, url, heading, then) in PAGES.items():
        with subtests.test(msg=name):
            if persona != signed_in_as:
                page.context.clear_cookies()
                signed_in_as = persona
                if persona == "site-admin":
                    site_admin()
                if persona:
                    sign_in(page, persona)
            page.goto(url())
            if then:
                then(page)
            if heading:
                expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            axe_check(page)
            if viewport == PHONE:  # WCAG 1.4.10, reflow: nothing scrolls sideways
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE["width"], f"{name} is {width} pixels wide on a phone"
            elif name == "plan-medway":
                screenshot(page, "plan-page-medway-desktop")
