"""The risk & challenge log: board members and staff read it; staff keep it."""

import pytest
from django.urls import reverse

from actions.models import Risk
from plans.models import Partnership, RagRating
from tests.helpers import PERSONAS, STAFF_ONLY, check_personas, form_data, url
from tests.test_editing import STAFF_POST, assert_error_page

pytestmark = pytest.mark.django_db
READ = {**STAFF_ONLY, "board": 200}


def merton():
    return Partnership.objects.get(slug="merton")


@pytest.fixture
def risk(personas):
    return Risk.objects.create(
        partnership=merton(),
        number="R1",
        concern="Health attendance at meetings is low",
        risk_if_unresolved="Decisions lack health input",
        by_whom="Chair",
        by_when="March 2026",
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_read_and_keep_the_log(client_for, persona, risk):
    check_personas(
        client_for,
        persona,
        [
            ("get", url("actions:risks"), READ),
            ("get", url("actions:risk_create"), STAFF_ONLY),
            ("get", url("actions:risk_edit", risk.pk), STAFF_ONLY),
            ("get", url("actions:risk_delete", risk.pk), STAFF_ONLY),
            ("post", url("actions:risk_move", risk.pk), STAFF_POST),
        ],
    )


def test_wrong_methods_and_other_partnerships(client_for, risk):
    staff = client_for("staff")
    assert staff.post(url("actions:risks")).status_code == 405
    assert staff.put(url("actions:risk_move", risk.pk)).status_code == 405
    outsider = client_for("outsider")
    assert outsider.get(url("actions:risk_edit", risk.pk, slug="medway")).status_code == 404
    assert outsider.post(url("actions:risk_delete", risk.pk, slug="medway")).status_code == 404
    risk.refresh_from_db()
    assert risk.deleted_at is None


@pytest.mark.parametrize("persona", ["chair", "board"])
def test_only_staff_write_to_the_log(client_for, persona, risk):
    client = client_for(persona)
    assert client.post(url("actions:risk_create"), {"concern": "Sneaky"}).status_code == 403
    assert client.post(url("actions:risk_delete", risk.pk)).status_code == 403
    assert not Risk.objects.filter(concern="Sneaky").exists()
    assert Risk.objects.get(pk=risk.pk).deleted_at is None


def test_board_members_read_without_edit_links(client_for, risk):
    html = client_for("board").get(url("actions:risks")).content.decode()
    assert "Health attendance at meetings is low" in html
    assert "Add a risk" not in html and "/edit/" not in html
    html = client_for("staff").get(url("actions:risks")).content.decode()
    assert "Add a risk or challenge" in html and url("actions:risk_edit", risk.pk) in html


def test_staff_add_a_risk(client_for, risk):
    client = client_for("staff")
    amber = RagRating.objects.get(partnership__slug="merton", label="At risk")
    assert_error_page(
        client.post(url("actions:risk_create"), {"by_whom": "Kept"}), "Enter the concern"
    )
    response = client.post(
        url("actions:risk_create"),
        {
            "number": "R2",
            "concern": "Funding for training ends",
            "action_required": "Raise at the executive",
            "by_when": "June 2026",
            "rating": amber.pk,
            "confidential": "on",
        },
    )
    new = Risk.objects.get(number="R2")
    assert response["Location"] == url("actions:risks") + f"#risk-{new.pk}"
    assert new.rating == amber and new.confidential and str(new.due_date) == "2026-06-30"
    assert new.position > risk.position
    assert new.history.first().history_user.username == "staff-persona"
    html = client.get(url("actions:risks")).content.decode()
    assert html.index("Health attendance") < html.index("Funding for training ends")


def test_a_rating_of_another_partnership_is_refused(client_for, risk):
    medway_rating = RagRating.objects.filter(partnership__slug="medway").first()
    client = client_for("staff")
    data = form_data(client.get(url("actions:risk_edit", risk.pk)), rating=medway_rating.pk)
    assert_error_page(
        client.post(url("actions:risk_edit", risk.pk), data),
        "Choose one of the partnership&#x27;s ratings",
    )


@pytest.mark.both_databases  # a stale save
def test_stale_risk_edits_are_refused(client_for, risk):
    client = client_for("staff")
    address = url("actions:risk_edit", risk.pk)
    first = form_data(client.get(address), action_required="Write to the ICB")
    second = form_data(client.get(address), action_required="Escalate to the board")
    assert client.post(address, first).status_code == 302
    html = assert_error_page(client.post(address, second), "Someone else changed this risk")
    assert "Escalate to the board" in html and "Write to the ICB" in html
    risk.refresh_from_db()
    assert risk.action_required == "Write to the ICB" and risk.version == 2


def test_delete_undo_and_restore_a_risk(client_for, risk):
    client = client_for("staff")
    assert "Delete risk R1?" in client.get(url("actions:risk_delete", risk.pk)).content.decode()
    response = client.post(url("actions:risk_delete", risk.pk), follow=True)
    html = response.content.decode()
    assert "Deleted the risk R1." in html and "Undo" in html
    assert f'id="risk-{risk.pk}"' not in html and "Health attendance" not in html
    risk.refresh_from_db()
    assert risk.deleted_at is not None
    deleted = client.get(url("plans:deleted")).content.decode()
    assert f"deleted-risk-{risk.pk}" in deleted
    response = client.post(reverse("plans:restore", args=["merton", "risk", risk.pk]))
    assert response["Location"] == url("actions:risks") + f"#risk-{risk.pk}"
    assert "Health attendance" in client.get(url("actions:risks")).content.decode()


def test_reorder_risks(client_for, risk):
    second = Risk.objects.create(partnership=merton(), number="R2", concern="Second", position=5)
    client_for("staff").post(url("actions:risk_move", second.pk), {"direction": "up"})
    order = list(Risk.objects.filter(partnership=merton()).order_by("position", "pk"))
    assert order == [second, risk]
