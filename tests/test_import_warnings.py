"""What an import's preview warns of without refusing the file (issue 12, item 6)."""

import pytest

from reporting.import_warnings import import_warnings
from tests.test_imports import preview_and_confirm, row, upload, xlsx

pytestmark = pytest.mark.django_db


def action(number, text="Do it", lead="Zoe Gallen", timeframe="September 2024", row_number=2):
    return {
        "number": number,
        "text": text,
        "lead": lead,
        "timeframe": timeframe,
        "row": row_number,
        "steps": [],
    }


def plan(*actions, priorities=()):
    return {"priorities": list(priorities), "outcomes": [{"actions": list(actions)}]}


def words(data, period="2024-25") -> list[str]:
    return [str(warning) for warning in import_warnings(data, period)]


def test_a_plan_without_any_of_them_has_no_warning():
    assert words(plan(action("1.1"), action("1.2", row_number=3))) == []


def test_each_warning():
    data = plan(
        action("1.1", row_number=2),
        action("1.1", text="Another", row_number=3),  # the number twice
        action("1.2", lead="", row_number=4),
        action("1.3", timeframe="", row_number=5),
        action("1.4", timeframe="When the panel can meet", row_number=6),
        action("1.5", timeframe="March 2019", row_number=7),
        action("1.6", row_number=8),
        action("1.6", row_number=9),  # the whole row again
        priorities=[
            {"number": "1", "outcomes": [], "row": 10},
            {"number": "1", "outcomes": [], "row": 11},
        ],
    )
    assert words(data) == [
        "Row 3: action number 1.1 is the same as row 2's",
        "Row 4: action 1.2 has no lead",
        "Row 5: action 1.3 has no timeframe",
        "Row 6: action 1.4's timeframe “When the panel can meet” gives no due date, so it can "
        "never show as past its due date: add a month or a date if it has one",
        "Row 7: action 1.5 is due 31 March 2019, outside the plan's period (2024-25)",
        "Row 9: action number 1.6 is the same as row 8's",
        "Row 9: action 1.6: the whole row is the same as row 8's",
        "Row 11: priority number 1 is the same as row 10's",
    ]


@pytest.mark.parametrize("timeframe", ["Ongoing", "Quarterly", "TBC", "November"])
def test_a_recurrence_to_be_confirmed_or_a_month_of_the_period_is_no_warning(timeframe):
    assert words(plan(action("1.1", timeframe=timeframe))) == []  # November: 2024


def test_the_preview_shows_them_and_the_import_goes_on(client_for):
    client = client_for("staff")
    rows = [
        row(outcome_number="1", outcome="Children are heard", action_number="1.1",
            action="Run a survey", lead="Zoe Gallen", timeframe="When we can"),
    ]  # fmt: skip
    preview, confirmation = preview_and_confirm(client, upload(client, xlsx(rows)))
    html = preview.content.decode()
    assert 'id="import-warnings"' in html
    assert "action 1.1&#x27;s timeframe “When we can” gives no due date" in html
    assert confirmation.status_code == 302  # a warning stops nothing


def test_an_action_dated_by_its_steps_is_not_without_a_timeframe():
    """Medway's plan dates each action's steps, not the action."""
    dated = {**action("1.1.1", timeframe=""), "steps": [{"timeframe": "May 2022", "lead": ""}]}
    undated = action("1.1.2", timeframe="", row_number=3)
    assert words(plan(dated, undated)) == ["Row 3: action 1.1.2 has no timeframe"]
