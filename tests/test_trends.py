"""Each plan's ratings at its last meetings: the small charts of the dashboard and the pack's
summary, with the same figures as a table."""

import datetime as dt
import re
from collections import Counter

import pytest
from django.urls import reverse

from plans.models import Plan
from reporting.packs import TREND_MEETINGS, TrendPoint, pack_for_meeting
from reporting.trend_charts import TREND, trend_chart
from tests.helpers import ess_action, ess_plan, new_meeting, rated

D = dt.date.fromisoformat


def test_a_column_stacks_its_ratings_in_proportion_and_labels_the_blocks_that_fit():
    plan = Plan(title="A plan", period="2024-25")
    points = [
        TrendPoint(D("2024-06-15"), Counter({"on_track": 9, "at_risk": 4})),
        TrendPoint(D("2024-09-15"), Counter({"on_track": 12, "off_track": 1}), current=True),
    ]
    chart = trend_chart(plan, points)
    first, second = chart.columns
    assert [block.count for block in first.blocks] == [9, 4]
    assert sum(block.height for block in first.blocks) == pytest.approx(TREND["stack"])
    assert [block.y for block in first.blocks] == [
        0,
        pytest.approx(TREND["stack"] * 9 / 13, abs=0.01),
    ]
    # One action in thirteen is a sliver: coloured, but too thin for its figure.
    assert [block.labelled for block in second.blocks] == [True, False]
    assert second.x > first.x and chart.width >= second.x + TREND["column"]
    assert chart.rows == [("On track", [9, 12]), ("At risk", [4, 0]), ("Off track", [0, 1])]
    assert chart.totals == [13, 13] and chart.day == D("2024-09-15")


@pytest.mark.django_db
def test_a_plans_trend_rates_each_of_its_last_meetings_as_its_pack_did(demo):
    """ESS's own meetings and the board's count; an update typed in after a meeting does not
    change what that meeting showed; only the last few meetings are shown."""
    for day in ["2024-03-01", "2024-04-01", "2024-05-01"]:
        new_meeting("ESS", day)
    new_meeting("Partnership", "2024-06-15")  # the board's
    new_meeting("PPYP", "2024-07-01")  # another subgroup's: not ESS's
    meeting = new_meeting("ESS", "2024-09-15")
    rated(ess_action("1.1"), "On track", "2024-06-01")
    rated(
        ess_action("2.1"),
        "At risk",
        "2024-06-01",
        created_at=dt.datetime(2024, 7, 1, tzinfo=dt.UTC),
    )
    rated(ess_action("2.1"), "Overdue", "2024-09-01")

    trend = pack_for_meeting(meeting).trends[ess_plan().pk]

    assert [point.day for point in trend] == [
        D("2024-04-01"), D("2024-05-01"), D("2024-06-15"), D("2024-09-15")
    ][-TREND_MEETINGS - 1 :]  # fmt: skip
    june, now = trend[-2], trend[-1]
    actions = sum(now.counts.values())
    assert june.counts == Counter({"on_track": 1, None: actions - 1})  # 2.1's came later
    assert now.counts == Counter({"on_track": 1, "off_track": 1, None: actions - 2})
    assert now.current and not june.current


@pytest.mark.django_db
def test_the_dashboard_draws_each_plans_chart_with_its_figures_for_screen_readers(client_for):
    new_meeting("Partnership", "2024-06-15")
    rated(ess_action("1.1"), "On track", "2024-06-01")
    html = client_for("board").get(reverse("plans:dashboard", args=["merton"])).content.decode()
    section = html.split('id="trends"')[1]
    assert 'class="trend-chart"' in section and 'aria-hidden="true"' in section
    hidden = r'<div class="govuk-visually-hidden"><table class="govuk-table">(.*?)</table>'
    table = re.search(hidden, section, re.S).group(1)
    assert (
        "Effective Safeguarding and Support Subgroup Work Plan 2024-25: actions by rating" in table
    )
    assert "15 Jun 2024" in table and ">On track<" in table
