"""Out-of-range input in addresses and forms is answered in words (a form error, or 400),
never with a server error: ids beyond the database's range, dates at the ends of Python's
calendar, updates and meetings far outside the years the app works with."""

import pytest

from reporting.models import Meeting
from tests.helpers import ess_action, ess_plan, url

pytestmark = pytest.mark.django_db
HUGE = "9999999999999999999999999"
WINDOW = "Enter a date from 2000 to"


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    "page, query, words",
    [
        ("actions:list", f"theme={HUGE}", "is not a valid value"),
        ("actions:list", f"theme={HUGE}&theme=1", "is not a valid value"),
        ("actions:list", "due_before=9999-12-31", WINDOW),
        ("actions:list", "not_updated_since=0001-01-01", WINDOW),
        ("plans:audit", "until=9999-12-31", WINDOW),
        ("plans:audit", "since=0001-01-01", WINDOW),
    ],
)
def test_filters_refuse_what_is_out_of_range_in_words(client_for, page, query, words):
    response = client_for("staff").get(f"{url(page)}?{query}")
    assert response.status_code in (200, 400)
    assert words in text(response)


def test_the_plan_page_refuses_an_id_out_of_range(client_for):
    response = client_for("staff").get(url("plans:plan", ess_plan().pk) + f"?theme={HUGE}")
    assert response.status_code in (200, 400) and "is not a valid value" in text(response)


@pytest.mark.parametrize("as_at", ["0001-01-01", "1999-12-31"])
def test_an_agency_report_as_at_a_day_out_of_range(client_for, as_at):
    from plans.models import Organisation

    agency = Organisation.objects.filter(partnership__slug="merton").first()
    address = url("actions:agency_report", agency.pk, "xlsx") + f"?as_at={as_at}"
    response = client_for("staff").get(address)
    assert response.status_code == 400 and WINDOW in text(response)


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31"])
def test_a_progress_update_dated_outside_the_years_is_refused(client_for, day):
    action = ess_action()
    response = client_for("staff").post(
        url("actions:update", action.pk),
        {"rating": "", "commentary": "Kept", "reported_on": day},
    )
    assert response.status_code == 200 and WINDOW in text(response)
    assert "Kept" in text(response)  # the input is kept


@pytest.mark.parametrize("held_on", ["0001-06-01", "9999-06-01"])
def test_a_meeting_outside_the_years_is_refused(client_for, held_on):
    from plans.models import Group

    group = Group.objects.get(partnership__slug="merton", short_name="ESS")
    response = client_for("staff").post(
        url("reporting:meeting_create"), {"group": group.pk, "held_on": held_on}
    )
    assert response.status_code == 200 and WINDOW in text(response)
    assert not Meeting.objects.filter(held_on=held_on).exists()


def test_an_action_saved_with_a_theme_id_out_of_range_is_refused(client_for):
    action = ess_action()
    response = client_for("staff").post(
        url("actions:edit", action.pk),
        {"number": action.number, "text": "Kept text", "themes": [HUGE], "version": "1"},
    )
    assert response.status_code == 200 and "is not a valid value" in text(response)
    assert "Kept text" in text(response)


@pytest.mark.django_db
def test_the_update_date_is_three_boxes_as_gov_uk_asks(client_for, personas):
    """GOV.UK's date input (day, month, year), not the browser's own date field: what is
    typed in the boxes is read, and a day that does not exist is refused with the boxes kept."""
    from tests.helpers import ess_action, url

    client = client_for("chair")
    action = ess_action("1.1")
    address = url("actions:update", action.pk)
    page = client.get(address).content.decode()
    assert 'name="reported_on_day"' in page and 'type="date"' not in page
    rating = action.outcome.plan.group.partnership.ratings.first()
    sent = {"rating": rating.pk, "commentary": "On course"}
    bad = client.post(address, sent | {"reported_on_day": "30", "reported_on_month": "2",
                                       "reported_on_year": "2024"})  # fmt: skip
    html = bad.content.decode()
    assert bad.status_code == 200 and "Enter a real date" in html
    assert 'value="30"' in html and 'value="2024"' in html
    good = client.post(address, sent | {"reported_on_day": "3", "reported_on_month": "9",
                                        "reported_on_year": "2024"})  # fmt: skip
    assert good.status_code == 302
    assert action.progress_updates.get(commentary="On course").reported_on.isoformat() == (
        "2024-09-03"
    )
