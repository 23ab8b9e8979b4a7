"""What chairs and board members do, in a real browser, on the demo data."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from actions.models import Action, ProgressUpdate
from actions.progress import record_progress
from plans.models import Plan, RagRating
from tests.browser.conftest import DESKTOP, PHONE, upload_odd_word_plan

pytestmark = pytest.mark.browser

ESS_TITLE = "Effective Safeguarding and Support Subgroup Work Plan 2024-25"
COMMENTARY = (
    "Two of four neglect training sessions ran; the trainer has left, so dates are at risk."
)
EVIDENCE = "Training register for September and October"


def ess() -> Plan:
    return Plan.objects.get(title__startswith="Effective Safeguarding")


def ess_action(number: str) -> Action:
    return Action.objects.get(outcome__plan=ess(), number=number)


def plan_url(plan: Plan) -> str:
    return reverse("plans:plan", args=[plan.group.partnership.slug, plan.pk])


def update_url(action: Action) -> str:
    return reverse("actions:update", args=["merton", action.pk])


def go(page: Page, locator) -> dict[str, list[str]]:
    """Follow a link or submit a form, wait until the new page has loaded; its query."""
    before = page.url
    locator.click()
    page.wait_for_url(lambda url: url != before, wait_until="load")
    return parse_qs(urlsplit(page.url).query)


def menu(page: Page, name: str) -> None:
    """Follow a link of the service navigation, opening the menu first on a phone."""
    page.wait_for_load_state("load")  # GOV.UK Frontend's JavaScript has set the menu up
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    go(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True))


def shown_actions(page: Page) -> set[int]:
    """The pks of the actions in the plan table as the browser shows it."""
    ids = page.locator(".app-plan-table tbody tr[id^='action-']").evaluate_all(
        "rows => rows.map(row => row.id)"
    )
    return {int(row_id.removeprefix("action-")) for row_id in ids}


def test_stylesheet_and_scripts_load(page, sign_in):
    """The compiled GOV.UK Frontend CSS (static/build/app.css) and its JavaScript run."""
    sign_in(page, "chair")
    header = page.locator(".govuk-header")
    expect(header).to_have_css("background-color", "rgb(29, 112, 184)")  # GOV.UK blue
    expect(header.get_by_role("link")).to_have_css("font-family", "arial, sans-serif")
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    # The partnership's own rating colours come from its ratings.css.
    at_risk = RagRating.objects.get(partnership__slug="merton", label="At risk")  # #f47738
    record_progress(action=ess_action("2.1"), rating=at_risk, commentary="Late", author=None)
    page.goto(plan_url(ess()))
    badge = page.locator(f"#action-{ess_action('2.1').pk} .app-rag")
    expect(badge).to_have_text("At risk")
    expect(badge).to_have_css("background-color", "rgb(244, 119, 56)")
    expect(badge).to_have_css("color", "rgb(11, 12, 12)")  # dark text: the readable one


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_chair_rates_an_action_at_risk(page, sign_in, screenshot, viewport):
    size = "phone" if viewport == PHONE else "desktop"
    page.set_viewport_size(viewport)
    target = ess_action("2.1")
    sign_in(page, "chair")

    menu(page, "Dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("MSCP dashboard")
    go(page, page.get_by_role("link", name=ESS_TITLE))
    expect(page.get_by_role("heading", level=1)).to_have_text(ESS_TITLE)
    go(page, page.get_by_role("link", name="Update action 2.1", exact=True))

    expect(page).to_have_url(re.compile(re.escape(update_url(target)) + r"\?from=plan$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Update action 2.1")
    screenshot(page, f"update-form-{size}")
    page.get_by_role("radio", name="At risk", exact=True).check()
    page.get_by_label("What has happened since the last update?").fill(COMMENTARY)
    page.get_by_label("Evidence (optional)").fill(EVIDENCE)
    go(page, page.get_by_role("button", name="Save update"))

    # Back on the plan, at the action's row, which shows the new rating and commentary.
    expect(page).to_have_url(re.compile(re.escape(plan_url(ess())) + rf"#action-{target.pk}$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Update saved for action 2.1."
    )
    row = page.locator(f"#action-{target.pk}")
    expect(row.locator("td[data-label='Rating']")).to_contain_text("At risk")
    expect(row.locator("td[data-label='Latest commentary']")).to_have_text(COMMENTARY)
    expect(row).to_be_in_viewport()
    screenshot(page, f"plan-page-{size}")

    # The dashboard counts it at risk, and lists it (past its due date since 2024) with its
    # rating word.
    menu(page, "Dashboard")
    plan_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=ESS_TITLE))
    expect(plan_row).to_contain_text("1 at risk")
    detail = reverse("actions:detail", args=["merton", target.pk])
    past_due = page.get_by_role("table", name="Past their due date")
    overdue_row = past_due.get_by_role("row").filter(has=page.locator(f"a[href='{detail}']"))
    expect(overdue_row.get_by_role("cell").last).to_have_text("At risk")
    screenshot(page, f"dashboard-{size}")

    # The action's own page has the whole update, by the chair.
    go(page, overdue_row.get_by_role("link"))
    update_row = page.get_by_role("row").filter(has_text=COMMENTARY)
    expect(update_row).to_contain_text("At risk")
    expect(update_row).to_contain_text(EVIDENCE)
    expect(update_row).to_contain_text("Chair")

    update = ProgressUpdate.objects.get(action=target)
    assert (update.rating.label, update.commentary, update.evidence) == (
        "At risk",
        COMMENTARY,
        EVIDENCE,
    )


def test_board_member_cannot_reach_the_update_form(page, sign_in, browser_problems, axe_check):
    target = ess_action("2.1")
    sign_in(page, "board")

    response = page.goto(update_url(target))
    assert response.status == 403
    expected = f"HTTP 403 {page.url}"
    assert browser_problems == [expected]
    browser_problems.remove(expected)
    # A page in the service's own style that says why, with a way back.
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see or change this page")
    expect(page.get_by_role("main")).to_contain_text("You can update the actions of plans")
    expect(page.get_by_role("link", name="Go to your work")).to_be_visible()
    axe_check(page)

    page.goto(plan_url(ess()))
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Details of action 2.1", exact=True)).to_be_visible()
    expect(main.get_by_role("link", name=re.compile(r"^Update"))).to_have_count(0)

    page.goto(reverse("actions:detail", args=["merton", target.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Action 2.1")
    expect(main.get_by_role("link", name="Update progress")).to_have_count(0)
    assert not ProgressUpdate.objects.exists()


def test_update_form_errors_are_summarised_and_keep_what_was_typed(page, sign_in, screenshot):
    evidence = "Audit of 20 case files in October"
    sign_in(page, "chair")
    page.goto(update_url(ess_action("2.1")))
    page.get_by_label("Evidence (optional)").fill(evidence)
    page.get_by_role("button", name="Save update").click()

    expect(page).to_have_title(re.compile(r"^Error: Update action 2.1"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        ["Choose a rating, or keep the rating as it is", "Enter a line of commentary"]
    )
    expect(page.locator(".govuk-error-message")).to_have_text(
        ["Error: Choose a rating, or keep the rating as it is", "Error: Enter a line of commentary"]
    )
    expect(page.get_by_label("Evidence (optional)")).to_have_value(evidence)
    commentary = page.get_by_label("What has happened since the last update?")
    expect(commentary).to_have_attribute("aria-describedby", re.compile(r"id_commentary-error"))
    screenshot(page, "update-form-errors-desktop")

    # The summary's links take the user to each question.
    summary.get_by_role("link", name="Choose a rating, or keep the rating as it is").click()
    expect(page.get_by_role("radio").first).to_be_focused()
    summary.get_by_role("link", name="Enter a line of commentary").click()
    expect(commentary).to_be_focused()
    assert not ProgressUpdate.objects.exists()


def test_plan_filters_live_in_the_url_and_show_only_matching_actions(page, sign_in):
    plan = ess()
    chair_rating = {r.scale: r for r in RagRating.objects.filter(partnership__slug="merton")}
    for number, scale in [("2.1", "at_risk"), ("1.1", "on_track"), ("1.4", "at_risk")]:
        record_progress(
            action=ess_action(number),
            rating=chair_rating[scale],
            commentary="Progress",
            author=None,
        )
    all_actions = {a.pk for a in Action.objects.filter(outcome__plan=plan)}
    sign_in(page, "chair")
    page.goto(plan_url(plan))
    assert shown_actions(page) == all_actions
    # The filters are folded away until opened, and stay open while they apply.
    filters = page.get_by_role("search", name="Filter actions")
    show_filters = page.locator("summary", has_text="Filter actions")
    expect(filters).to_be_hidden()
    show_filters.click()

    # By rating.
    filters.get_by_role("checkbox", name="At risk").check()
    query = go(page, filters.get_by_role("button", name="Apply filters"))
    expect(page.get_by_role("status")).to_have_text("Showing the actions that match the filters.")
    assert query["rating"] == ["at_risk"]
    assert shown_actions(page) == {ess_action("2.1").pk, ess_action("1.4").pk}
    expect(filters.get_by_role("checkbox", name="At risk")).to_be_checked()

    # By a search term, with the rating filter cleared.
    assert go(page, filters.get_by_role("link", name="Clear filters")) == {}
    assert shown_actions(page) == all_actions
    expect(filters).to_be_hidden()
    show_filters.click()
    filters.get_by_label("Search").fill("neglect")
    query = go(page, filters.get_by_role("button", name="Apply filters"))
    assert query["q"] == ["neglect"]
    mention_neglect = {
        action.pk
        for action in Action.objects.filter(outcome__plan=plan).prefetch_related("steps")
        if "neglect"
        in " ".join(
            [action.number, action.text, action.lead, action.timeframe]
            + [f"{step.text} {step.lead}" for step in action.steps.all()]
        ).lower()
    }
    assert ess_action("2.1").pk in mention_neglect and mention_neglect < all_actions
    assert shown_actions(page) == mention_neglect
    expect(filters.get_by_label("Search")).to_have_value("neglect")

    # Both: the URL alone gives the same page (it can be bookmarked or sent on).
    filters.get_by_role("checkbox", name="At risk").check()
    query = go(page, filters.get_by_role("button", name="Apply filters"))
    assert (query["q"], query["rating"]) == (["neglect"], ["at_risk"])
    assert shown_actions(page) == {ess_action("2.1").pk}
    page.goto(page.url)
    assert shown_actions(page) == {ess_action("2.1").pk}

    # Nothing matches: said in words.
    filters.get_by_label("Search").fill("no such words anywhere")
    go(page, filters.get_by_role("button", name="Apply filters"))
    assert shown_actions(page) == set()
    expect(page.get_by_role("main")).to_contain_text("No action matches these filters.")


def test_staff_add_an_action_then_delete_it_and_undo(page, sign_in, axe_check, screenshot):
    text = "Run a multi-agency audit of neglect cases open to early help."
    plan = ess()
    sign_in(page, "staff")
    menu(page, "Dashboard")
    go(page, page.get_by_role("link", name=ESS_TITLE))
    outcome_2 = plan.outcomes.get(number="2")
    go(page, page.get_by_role("link", name="Add an action to outcome 2", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an action")
    page.get_by_label("Number (optional)").fill("2.7")
    page.get_by_label("What we will do").fill(text)
    page.get_by_role("checkbox", name="B) Think Family").check()
    page.get_by_label("Lead (optional)").fill("Claire Bailey / QA Sub-Group")
    page.get_by_label("Timeframe (optional)").fill("March 2025")
    axe_check(page)
    screenshot(page, "action-form-desktop")
    go(page, page.get_by_role("button", name="Add action"))

    # On the new action's page: saved, with its lead linked to the person and the group, and
    # its due date worked out from the timeframe as written.
    action = Action.objects.get(outcome=outcome_2, number="2.7")
    expect(banner_of(page)).to_contain_text("Added action 2.7.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Action 2.7")
    expect(page.get_by_role("main")).to_contain_text(text)
    assert (action.text, action.lead, action.timeframe) == (
        text,
        "Claire Bailey / QA Sub-Group",
        "March 2025",
    )
    assert action.due_date.isoformat() == "2025-03-31"
    assert [t.code for t in action.themes.all()] == ["B"]
    assert {p.name for p in action.lead_people.all()} == {"Claire Bailey"}
    assert {g.short_name for g in action.lead_groups.all()} == {"QA"}
    assert action.position == 1 + max(a.position for a in outcome_2.actions.exclude(pk=action.pk))

    # The plan shows it last in outcome 2, as the Word table would.
    page.goto(plan_url(plan))
    row = page.locator(f"#action-{action.pk}")
    expect(row.locator("td[data-label='Lead']")).to_have_text("Claire Bailey / QA Sub-Group")
    expect(row.locator("td[data-label='Timeframe']")).to_contain_text("March 2025")
    expect(row).to_contain_text("B")

    # Deleted after a confirmation, and back with Undo.
    page.goto(reverse("actions:detail", args=["merton", action.pk]))
    go(page, page.get_by_role("link", name=re.compile(r"^Delete")).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete action 2.7?")
    go(page, page.get_by_role("button", name=re.compile(r"^Delete")))
    expect(banner_of(page)).to_contain_text("Deleted the action 2.7")
    expect(page.locator(f"#action-{action.pk}")).to_have_count(0)
    go(page, banner_of(page).get_by_role("button", name=re.compile(r"^Undo")))
    expect(banner_of(page)).to_contain_text("Restored the action 2.7")
    action.refresh_from_db()
    assert action.deleted_at is None


def banner_of(page: Page):
    return page.locator(".govuk-notification-banner")


def test_a_word_plan_is_uploaded_its_columns_named_previewed_and_confirmed(
    page, sign_in, screenshot
):
    """Staff upload a plan kept in Word whose headings the app does not know, say what each
    column holds, check the changes and import it."""
    sign_in(page, "staff")
    page.goto(reverse("imports:start", args=["merton"]))
    upload_odd_word_plan(page, "Riverton plan from Word")
    page.get_by_label("Column 1: Area").select_option("Outcome")
    page.get_by_label("Column 2: What").select_option("Action")
    page.get_by_label("Column 3: Named person").select_option("Lead")
    page.get_by_label("Column 4: Date").select_option("Timeframe")
    screenshot(page, "import-word-columns")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the changes")
    expect(page.locator("#changes")).to_contain_text("Run a survey of young people")
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverton plan from Word 2026-27")
    plan = Plan.objects.get(title="Riverton plan from Word")
    assert Action.objects.filter(outcome__plan=plan).count() == 2


def test_staff_rename_and_merge_lead_records_with_the_history_kept(page, sign_in, screenshot):
    """A post spelt two ways is renamed, then merged into the person who holds it: what it
    led moves, and the audit log says who did what."""
    sign_in(page, "staff")
    page.goto(reverse("plans:settings", args=["merton"]))
    page.get_by_role("link", name="Lead records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lead records")
    screenshot(page, "lead-records")
    page.get_by_role("link", name="Rename Hub Manager").click()
    page.get_by_label("New name").fill("Hub Lead")
    page.get_by_role("button", name="Rename").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Renamed “Hub Manager” to “Hub Lead”"
    )
    page.get_by_role("link", name="Merge Hub Lead into another").click()
    page.get_by_label("Merge into").select_option(label="Zoe Gallen (MSCP BSU)")
    page.get_by_role("button", name="Merge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Merged “Hub Lead” into “Zoe Gallen”"
    )
    zoe_row = page.locator("tr", has=page.get_by_text("Zoe Gallen", exact=True))
    expect(zoe_row).to_contain_text("Hub Manager")  # both old names stay linked
    expect(zoe_row).to_contain_text("Hub Lead")
    page.goto(reverse("plans:audit", args=["merton"]))
    expect(page.locator("main")).to_contain_text("Merged the person or post “Hub Lead” into")
    expect(page.locator("main")).to_contain_text("Renamed the person or post “Hub Manager”")
