"""The chair's review: whose updates wait for it, who reviews them, accepting and returning,
and that only accepted updates rate an action (pages and packs, as at acceptance)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate
from actions.progress import record_progress
from actions.queries import partnership_actions
from actions.review import (
    ReviewRefused,
    accept_update,
    return_update,
    status_on_entry,
)
from actions.update_history import Update
from ops.synthetic import build_partnership
from plans.models import Group, Membership, Partnership, Person
from plans.permissions import Standing
from reporting.as_at import latest_as_at
from reporting.models import Meeting
from reporting.packs import pack_for_meeting
from tests.factories import ProgressUpdateFactory, UserFactory
from tests.helpers import (
    NOWHERE,
    PERSONAS,
    STAFF_ONLY,
    check_personas,
    entered,
    ess_action,
    ess_plan,
    rated,
    rating,
    url,
)

# On both databases (scripts/test): reviews under a lock (select_for_update), database
# constraints, query counts.
pytestmark = pytest.mark.both_databases

Status = ProgressUpdate.Status
D = dt.date.fromisoformat
UTC = dt.UTC


def ppyp_action():
    """Promote and Protect 1.1 is led by Keith Shipman (PPYP owns the plan, not ESS)."""
    return Action.objects.select_related("outcome__plan__group").get(
        outcome__plan__title__startswith="Promote", number="1.1"
    )


# The rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, chairs_owning_group, expected",
    [
        ("staff", False, Status.ACCEPTED),  # business support staff
        ("chair", True, Status.ACCEPTED),  # a chair of the group owning the plan
        ("chair", False, Status.SUBMITTED),  # a chair of another group, or a named lead
        ("board", False, Status.SUBMITTED),  # (refused by front.access before it gets here)
        ("", False, Status.SUBMITTED),  # not a member of the partnership
        (None, False, Status.ACCEPTED),  # no author: a script or the demo loader
    ],
)
def test_the_rule_says_whose_updates_wait_for_review(role, chairs_owning_group, expected):
    assert status_on_entry(Standing(role, chairs_owning_group)) == expected


@pytest.fixture
def lead(personas):
    """A named lead of ESS 2.1 (Benedicta Ogeah), a member who chairs no group."""
    user = UserFactory(username="lead-persona", first_name="Benedicta", last_name="Ogeah")
    Membership.objects.create(
        user=user, partnership=Partnership.objects.get(slug="merton"), role=Membership.Role.CHAIR
    )
    Person.objects.filter(partnership__slug="merton", name="Benedicta Ogeah").update(user=user)
    return user


def signed_in(client, user):
    client.logout()
    client.force_login(user)
    return client


def give(action, author, label="Complete", **kwargs):
    return record_progress(
        action=action, rating=rating(label), commentary=f"{label}, says {author}", author=author,
        **kwargs,
    )  # fmt: skip


@pytest.mark.django_db
def test_each_persona_gets_the_status_the_rule_gives(personas, lead):
    """Staff, the chair of the owning group → accepted; a chair of another group (as a named
    lead) and a named lead → submitted; board members may not update at all."""
    Person.objects.filter(partnership__slug="merton", name="Keith Shipman").update(
        user=personas["chair"]
    )
    assert give(ess_action(), personas["staff"]).status == Status.ACCEPTED
    assert give(ess_action(), personas["chair"]).status == Status.ACCEPTED
    assert give(ppyp_action(), personas["chair"]).status == Status.SUBMITTED
    assert give(ess_action(), lead).status == Status.SUBMITTED
    assert give(ess_action(), None).status == Status.ACCEPTED
    assert all(u.reviewed_by is None for u in ProgressUpdate.objects.all())


def test_the_update_form_says_where_the_update_went(client, personas, lead):
    action = ess_action()
    data = {
        "rating": rating("On track").pk,
        "commentary": "Going well",
        "reported_on": "2024-10-01",
    }
    response = signed_in(client, lead).post(url("actions:update", action.pk), data, follow=True)
    assert "Update sent for review for action 2.1" in response.content.decode()
    assert "chair of Effective Safeguarding" in response.content.decode()
    response = signed_in(client, personas["chair"]).post(
        url("actions:update", action.pk), data, follow=True
    )
    assert "Update saved for action 2.1." in response.content.decode()
    assert [u.status for u in action.progress_updates.order_by("pk")] == [
        Status.SUBMITTED, Status.ACCEPTED,
    ]  # fmt: skip
    assert signed_in(client, personas["board"]).post(
        url("actions:update", action.pk), data
    ).status_code == 403  # fmt: skip


# Who may review ----------------------------------------------------------------------------


@pytest.fixture
def submitted(lead):
    """The lead's update of ESS 2.1 (Complete), waiting for the chair, over an accepted At
    risk."""
    rated(ess_action(), "At risk", "2024-09-01", commentary="The trainer left")
    return give(ess_action(), lead, evidence="Attendance register", reported_on=D("2024-10-01"))


@pytest.fixture
def elsewhere(personas, submitted):
    """A lead's update to a PPYP plan's action: ESS's chair does not review it; staff do."""
    keith = UserFactory(username="keith")
    Membership.objects.create(
        user=keith, partnership=Partnership.objects.get(slug="merton"), role=Membership.Role.CHAIR
    )
    Person.objects.filter(partnership__slug="merton", name="Keith Shipman").update(user=keith)
    return give(ppyp_action(), keith, "On track")


REVIEWERS = {**STAFF_ONLY, "chair": 200}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_review_pages_for_each_persona(client_for, persona, submitted, elsewhere):
    medway = ProgressUpdateFactory(
        action=Action.objects.get(outcome__plan__title__startswith="Medway", number="1.1.1"),
        rating=rating("Red", "medway"), status=Status.SUBMITTED,
    )  # fmt: skip
    check_personas(
        client_for,
        persona,
        [
            ("get", url("actions:reviews"), REVIEWERS),
            ("get", url("actions:review", submitted.pk), REVIEWERS),
            ("get", url("actions:review", elsewhere.pk), STAFF_ONLY),
            # Another partnership's update through this partnership's address: never found.
            ("get", url("actions:review", medway.pk), NOWHERE),
        ],
    )
    client = client_for(persona)
    # Accepting and returning are POSTs only; refused ones change nothing.
    for name in ("actions:accept_update", "actions:return_update"):
        if persona != "anonymous":
            assert client.get(url(name, submitted.pk)).status_code == 405
        response = client.post(url(name, elsewhere.pk), {"challenge": "Why?"})
        assert response.status_code == {**STAFF_ONLY, "staff": 302}[persona]
        response = client.post(url(name, medway.pk), {"challenge": "Why?"})
        assert response.status_code == NOWHERE[persona]
    if persona != "staff":
        assert ProgressUpdate.objects.get(pk=elsewhere.pk).status == Status.SUBMITTED
    assert ProgressUpdate.objects.get(pk=medway.pk).status == Status.SUBMITTED


def test_a_lead_who_chairs_no_group_has_no_review_page(client, lead):
    assert signed_in(client, lead).get(url("actions:reviews")).status_code == 403


# The list ----------------------------------------------------------------------------------


def test_the_list_shows_what_waits_for_the_reviewer_oldest_first(client_for, submitted, elsewhere):
    later = give(ess_action("1.4"), UserFactory(username="maureen"), "On track")
    html = client_for("chair").get(url("actions:reviews")).content.decode()
    # ESS's chair: ESS's two, oldest first; not PPYP's.
    assert html.index(f'id="update-{submitted.pk}"') < html.index(f'id="update-{later.pk}"')
    assert f'id="update-{elsewhere.pk}"' not in html
    for shown in ["Action 2.1, by Benedicta Ogeah", "Benedicta Ogeah, Sarah Slater",
                  "Complete, says lead-persona", "Attendance register", "1 October 2024",
                  "Rated now: <strong class=\"app-rag"]:  # fmt: skip
        assert shown in html, shown
    assert url("actions:accept_update", submitted.pk) in html
    assert url("actions:review", submitted.pk) in html
    staff = client_for("staff").get(url("actions:reviews")).content.decode()
    assert f'id="update-{elsewhere.pk}"' in staff


def test_home_links_reviewers_to_their_list(client_for, submitted):
    html = client_for("chair").get(reverse("home")).content.decode()
    assert f'href="{url("actions:reviews")}">Waiting for your review (1)</a>' in html
    assert (
        "Waiting for your review (1)" in client_for("staff").get(reverse("home")).content.decode()
    )
    assert (
        "Waiting for your review" not in client_for("board").get(reverse("home")).content.decode()
    )


# Accepting and returning -------------------------------------------------------------------


def test_accepting_an_update_makes_it_rate_the_action(client_for, submitted, personas):
    assert current_label(ess_action()) == "At risk"  # the submitted Complete does not count yet
    response = client_for("chair").post(url("actions:accept_update", submitted.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("actions:reviews")
    assert "Accepted Benedicta Ogeah&#x27;s update to action 2.1" in response.content.decode()
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == (Status.ACCEPTED, personas["chair"])
    assert timezone.now() - submitted.reviewed_at < dt.timedelta(minutes=1)
    assert current_label(ess_action()) == "Complete"
    html = client_for("board").get(url("actions:detail", submitted.action_id)).content.decode()
    assert "Accepted" in html and "Chair, " in html


def current_label(action):
    return (
        partnership_actions(action.outcome.plan.group.partnership)
        .get(pk=action.pk)
        .current_rating_label
    )


def test_returning_needs_a_challenge_and_keeps_the_update_in_the_history(
    client_for, client, submitted, lead, personas
):
    chair = client_for("chair")
    response = chair.post(url("actions:return_update", submitted.pk), {"challenge": "   "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Review the update to action 2.1" in html
    assert "There is a problem" in html
    assert 'href="#id_challenge">Enter your challenge: say why the update is returned</a>' in html
    assert "Attendance register" in html  # the update is still shown beside the form
    assert ProgressUpdate.objects.get(pk=submitted.pk).status == Status.SUBMITTED

    challenge = "Which audit shows the training reached front-line staff?"
    response = chair.post(url("actions:return_update", submitted.pk), {"challenge": challenge})
    assert response["Location"] == url("actions:reviews")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.challenge, submitted.reviewed_by) == (
        Status.RETURNED, challenge, personas["chair"]
    )  # fmt: skip
    assert current_label(ess_action()) == "At risk"  # a returned update never rates

    # The lead sees it, with the challenge and a link to give a new update.
    lead_client = signed_in(client, lead)
    page = lead_client.get(url("actions:detail", submitted.action_id)).content.decode()
    assert "Your update of 1 October 2024 was returned</strong> by Chair" in page
    assert f"“{challenge}”" in page
    assert f'href="{url("actions:update", submitted.action_id)}">Give a new update' in page
    assert f"Returned: “{challenge}”" in page  # and in the history, with who and when
    home = lead_client.get(reverse("home")).content.decode()
    assert "Returned to you (1)" in home and challenge in home
    form = lead_client.get(url("actions:update", submitted.action_id)).content.decode()
    assert challenge in form

    # A new update answers it; the returned one stays in the history.
    lead_client.post(
        url("actions:update", submitted.action_id),
        {"rating": rating("Complete").pk, "commentary": "Audit attached",
         "reported_on": "2024-10-02"},
    )  # fmt: skip
    page = lead_client.get(url("actions:detail", submitted.action_id)).content.decode()
    assert "was returned</strong>" not in page
    assert f"Returned: “{challenge}”" in page and "Submitted for review" in page
    assert "Returned to you" not in lead_client.get(reverse("home")).content.decode()


def test_a_second_review_is_refused(client_for, submitted, personas):
    accept_update(update=submitted, reviewer=personas["chair"])
    with pytest.raises(ReviewRefused, match="already accepted by Chair on"):
        accept_update(update=submitted, reviewer=personas["staff"])
    with pytest.raises(ReviewRefused, match="already accepted"):
        return_update(update=submitted, reviewer=personas["staff"], challenge="Late")
    response = client_for("staff").post(
        url("actions:return_update", submitted.pk), {"challenge": "Late"}, follow=True
    )
    assert "This update was already accepted by Chair on" in response.content.decode()
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by, submitted.challenge) == (
        Status.ACCEPTED, personas["chair"], ""
    )  # fmt: skip


def test_a_returned_update_must_say_why(submitted, personas):
    with pytest.raises(ValidationError):
        return_update(update=submitted, reviewer=personas["chair"], challenge=" \n ")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.filter(pk=submitted.pk).update(status=Status.RETURNED)


def test_nobody_reviews_their_own_update(personas, lead):
    update = give(ess_action(), lead)
    # The lead has since become a chair of ESS: still not theirs to review.
    membership = Membership.objects.get(user=lead)
    membership.groups.add(Group.objects.get(partnership__slug="merton", short_name="ESS"))
    with pytest.raises(ReviewRefused, match="your own update"):
        accept_update(update=update, reviewer=lead)


# Only accepted updates rate ----------------------------------------------------------------


def test_the_plan_page_and_the_filters_ignore_submitted_and_returned_updates(
    client_for, submitted, personas
):
    chair = client_for("chair")
    plan_url = url("plans:plan", ess_plan().pk)
    html = chair.get(plan_url).content.decode()
    row = html[html.index(f'<tr id="action-{submitted.action_id}"') :]
    row = row[: row.index("</tr>")]
    assert "At risk" in row and "Complete" not in row
    assert "1 update waiting for review" in row
    complete = rating("Complete").scale
    filtered = chair.get(plan_url, {"rating": complete}).content.decode()
    assert f'id="action-{submitted.action_id}"' not in filtered

    return_update(update=submitted, reviewer=personas["chair"], challenge="Evidence?")
    html = chair.get(plan_url).content.decode()
    row = html[html.index(f'<tr id="action-{submitted.action_id}"') :]
    row = row[: row.index("</tr>")]
    assert "At risk" in row and "waiting for review" not in row


def test_the_pack_ignores_submitted_and_returned_updates(submitted, personas):
    today = timezone.localdate()
    meeting = Meeting.objects.create(group=ess_plan().group, held_on=today)
    assert line(pack_for_meeting(meeting), "2.1").rating.label == "At risk"
    return_update(update=submitted, reviewer=personas["chair"], challenge="Evidence?")
    assert line(pack_for_meeting(meeting), "2.1").rating.label == "At risk"


def line(pack, number):
    return next(line for line in pack.lines if line.action.number == number)


# As at: a reviewed update counts from its acceptance ------------------------------------------


def update(reported, entered, scale, *, accepted=True, reviewed=None, pk=0):
    return Update(
        D(reported), dt.datetime.fromisoformat(entered).replace(tzinfo=UTC), scale, 1, pk,
        status="accepted" if accepted else "submitted",
        reviewed_at=dt.datetime.fromisoformat(reviewed).replace(tzinfo=UTC) if reviewed else None,
    )  # fmt: skip


def end_of(day):
    return dt.datetime.fromisoformat(day).replace(hour=23, minute=59, second=59, tzinfo=UTC)


def test_as_at_a_reviewed_update_counts_from_its_acceptance():
    updates = [
        update("2024-06-01", "2024-06-01T10:00", "at_risk", pk=1),
        # Submitted before the meeting (10 September), accepted two days after it.
        update("2024-09-08", "2024-09-08T10:00", "complete", reviewed="2024-09-12T09:00", pk=2),
    ]
    assert latest_as_at(updates, end_of("2024-09-10")).scale == "at_risk"
    assert latest_as_at(updates, end_of("2024-12-01")).scale == "complete"
    # Accepted on the meeting day: in its pack.
    on_the_day = [updates[0], update("2024-09-08", "2024-09-08T10:00", "complete",
                                     reviewed="2024-09-10T15:00", pk=2)]  # fmt: skip
    assert latest_as_at(on_the_day, end_of("2024-09-10")).scale == "complete"


def test_as_at_submitted_and_returned_updates_never_count():
    updates = [
        update("2024-06-01", "2024-06-01T10:00", "at_risk", pk=1),
        update("2024-09-08", "2024-09-08T10:00", "complete", accepted=False, pk=2),
        update("2024-09-09", "2024-09-09T10:00", "complete", accepted=False,
               reviewed="2024-09-09T12:00", pk=3),  # returned
    ]  # fmt: skip
    assert latest_as_at(updates, end_of("2025-01-01")).pk == 1


def test_as_at_the_report_date_orders_updates_not_the_acceptance():
    """Accepted late, a lead's update about an earlier day does not pass a later one."""
    updates = [
        update("2024-09-08", "2024-09-08T10:00", "complete", reviewed="2024-11-01T10:00", pk=1),
        update("2024-10-01", "2024-10-01T10:00", "at_risk", pk=2),
    ]
    assert latest_as_at(updates, end_of("2024-12-01")).pk == 2


def test_an_update_accepted_after_the_meeting_day_does_not_rewrite_its_pack(submitted, personas):
    """The lead's update of 1 October, accepted now, is not in the pack of 2 October; the
    pack of a meeting after the acceptance has it, as a change since the first meeting."""
    ProgressUpdate.objects.filter(pk=submitted.pk).update(created_at=entered("2024-10-01"))
    group = ess_plan().group
    october = Meeting.objects.create(group=group, held_on=D("2024-10-02"))
    before = pack_for_meeting(october)
    accept_update(update=submitted, reviewer=personas["chair"])
    after = pack_for_meeting(october)
    assert line(before, "2.1").rating.label == line(after, "2.1").rating.label == "At risk"
    assert line(after, "2.1").update.commentary == "The trainer left"
    later = Meeting.objects.create(group=group, held_on=timezone.localdate())
    pack = pack_for_meeting(later)
    assert line(pack, "2.1").rating.label == "Complete"
    assert line(pack, "2.1").previous_rating.label == "At risk"


# The review page's cost --------------------------------------------------------------------


@pytest.fixture
def big(db):
    """Large and small synthetic partnerships, a tenth of their updates waiting for review."""
    user = UserFactory(username="big-staff")
    author = UserFactory(username="a-lead", first_name="A", last_name="Lead")
    made = []
    for slug, size in (("big", 300), ("small", 30)):
        partnership = build_partnership(slug=slug, actions_per_plan=size)
        Membership.objects.create(user=user, partnership=partnership, role=Membership.Role.STAFF)
        ids = ProgressUpdate.objects.filter(rating__partnership=partnership).values_list(
            "pk", flat=True
        )
        ProgressUpdate.objects.filter(pk__in=list(ids)[::10]).update(
            status=Status.SUBMITTED, author=author
        )
        made.append(partnership)
    return made, user


def test_the_review_page_costs_a_fixed_number_of_queries(
    client, big, django_assert_max_num_queries
):
    partnerships, user = big
    client.force_login(user)
    counts = []
    for partnership in partnerships:
        address = url("actions:reviews", slug=partnership.slug)
        client.get(address)
        # Session, user, membership; the page's count and rows; ratings; current ratings.
        with django_assert_max_num_queries(8) as captured:
            response = client.get(address)
        assert response.status_code == 200
        assert response.content.decode().count('class="govuk-summary-card"') == (
            50 if partnership.slug == "big" else 12
        )
        counts.append(len(captured))
    assert counts[0] == counts[1], "the query count must not grow with the partnership"


@pytest.mark.django_db
def test_the_update_form_shows_the_last_update_and_says_where_a_leads_goes(client, lead, personas):
    action = ess_action()
    chair = personas["chair"]
    give(action, chair, "At risk")
    form_url = url("actions:update", action.pk)
    response = signed_in(client, lead).get(form_url)
    html = response.content.decode()
    # The last update in full, its rating chosen already (to keep or change).
    assert "The last update, " in html and "At risk, says chair-persona" in html
    assert response.context["form"]["rating"].initial == rating("At risk").pk
    assert ">Send to the chair for review</button>" in html
    html = signed_in(client, personas["staff"]).get(form_url).content.decode()
    assert ">Save update</button>" in html
