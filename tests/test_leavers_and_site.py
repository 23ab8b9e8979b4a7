"""Leavers (a member's sign-in switched off and on, the members not seen for six months), and
the site administrator's pages: a new partnership set up in the browser, a person's data for
a subject access request, and a former member's details replaced with "Former member"."""

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import ProgressUpdate
from plans.audit_models import AuditEvent
from plans.models import Group, Invitation, Membership, Partnership, RagRating
from plans.partnership_setup import parse_groups
from tests.factories import UserFactory
from tests.helpers import PERSONAS, STAFF_ONLY, check_personas, ess_action, rated, url
from tests.test_editing import STAFF_POST

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def signs_in(user) -> bool:
    response = Client().post(reverse("login"), {"username": user.username, "password": PASSWORD})
    return response.status_code == 302


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_staff_switch_a_members_sign_in(client_for, persona, personas):
    board = Membership.objects.get(user=personas["board"])
    check_personas(
        client_for,
        persona,
        [
            ("get", url("plans:member_sign_in", board.pk), STAFF_ONLY),
            ("post", url("plans:member_sign_in", board.pk), STAFF_POST),
        ],
    )


def test_a_leaver_cannot_sign_in_and_what_they_wrote_keeps_their_name(client_for, personas):
    chair = personas["chair"]
    chair.first_name, chair.last_name = "Clare", "Chair"
    chair.save()
    rated(ess_action("2.1"), "At risk", "2024-09-01", author=chair)
    signed_in = Client()
    signed_in.force_login(chair)
    membership = Membership.objects.get(user=chair)
    staff = client_for("staff")
    page = staff.get(url("plans:member_sign_in", membership.pk)).content.decode()
    assert "Switch off Clare Chair&#x27;s sign-in?" in page
    staff.post(url("plans:member_sign_in", membership.pk))
    chair.refresh_from_db()
    assert not chair.is_active and not signs_in(chair)
    assert signed_in.get(reverse("home")).status_code == 302  # signed out at once
    members = staff.get(url("plans:members")).content.decode()
    assert "Sign-in off" in members and "Switch on sign-in" in members
    action_page = staff.get(url("actions:detail", ess_action("2.1").pk)).content.decode()
    assert "Clare Chair" in action_page
    staff.post(url("plans:member_sign_in", membership.pk))
    chair.refresh_from_db()
    assert chair.is_active and signs_in(chair)
    kinds = list(AuditEvent.objects.values_list("kind", flat=True))
    assert "sign_in_off" in kinds and "sign_in_on" in kinds


def test_a_sign_in_shared_with_another_partnership_or_your_own_is_not_switched(
    client_for, personas
):
    staff = client_for("staff")
    outsider = personas["outsider"]
    shared = Membership.objects.create(
        user=outsider, partnership=Partnership.objects.get(slug="merton"), role="board"
    )
    response = staff.post(url("plans:member_sign_in", shared.pk), follow=True)
    assert b"is also a member of" in response.content
    mine = Membership.objects.get(user=personas["staff"])
    response = staff.post(url("plans:member_sign_in", mine.pk), follow=True)
    assert b"You cannot switch off your own sign-in" in response.content
    outsider.refresh_from_db()
    assert outsider.is_active


def test_members_not_seen_for_six_months_are_listed_for_review(client_for, personas):
    now = timezone.now()
    personas["board"].last_login = now - dt.timedelta(days=200)
    personas["board"].save()
    personas["chair"].last_login = now - dt.timedelta(days=10)
    personas["chair"].save()
    html = client_for("staff").get(url("plans:members")).content.decode()
    quiet = html.split('id="quiet"')[1].split("</div>")[0]
    assert "Board" in quiet and "Chair" not in quiet
    assert "last signed in" in quiet


# The site administrator's pages


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(UserFactory(username="site-admin", is_superuser=True, is_staff=True))
    return client


SITE_PAGES = ["site:partnerships", "site:partnership_create", "site:people"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_site_administrators_reach_the_site_pages(client_for, persona, personas):
    board = personas["board"]
    addresses = [reverse(name) for name in SITE_PAGES] + [
        reverse(name, args=[board.pk])
        for name in ["site:person", "site:person_export", "site:person_forget"]
    ]
    for address in addresses:
        response = client_for(persona).get(address)
        assert response.status_code == (302 if persona == "anonymous" else 403), address


def test_parse_pasted_groups():
    assert parse_groups(
        "Quality Assurance Subgroup (QA)\n\n - Task group: Neglect Strategy (Neglect)\n"
        "Learning and Development Subgroup\n"
    ) == [
        ("Quality Assurance Subgroup", "QA", "subgroup"),
        ("Neglect Strategy", "Neglect", "task_group"),
        ("Learning and Development Subgroup", "Learning and Development Subgroup", "subgroup"),
    ]


def test_a_new_partnership_with_a_preset_groups_and_its_first_staff(admin_client):
    data = {
        "name": "Greenwich Safeguarding Children Partnership",
        "short_name": "GSCP",
        "slug": "greenwich",
        "protective_marking": "OFFICIAL",
        "preset": "brag",
        "board": "Greenwich Safeguarding Children Partnership Executive",
        "groups": "Quality Assurance Subgroup (QA)\nTask group: Neglect Strategy (Neglect)",
        "first_name": "Gina",
        "last_name": "Green",
        "email": "gina@example.org",
    }
    response = admin_client.post(reverse("site:partnership_create"), data)
    assert response["Location"] == reverse("site:partnerships")
    greenwich = Partnership.objects.get(slug="greenwich")
    ratings = RagRating.objects.filter(partnership=greenwich).order_by("position")
    assert [(r.label, r.scale) for r in ratings] == [
        ("Blue", "complete"), ("Red", "off_track"), ("Amber", "at_risk"), ("Green", "on_track")
    ]  # fmt: skip
    kinds = dict(Group.objects.filter(partnership=greenwich).values_list("short_name", "kind"))
    assert kinds == {
        "Greenwich Safeguarding Children Partnership Executive": "board",
        "QA": "subgroup",
        "Neglect": "task_group",
    }
    invitation = Invitation.objects.get(partnership=greenwich)
    assert invitation.role == "staff" and mail.outbox[-1].to == ["gina@example.org"]
    link = re.search(r"http://testserver(/accounts/invitation/\S+/)", mail.outbox[-1].body)[1]
    gina = Client()
    gina.post(link, {"new_password1": "a quiet river", "new_password2": "a quiet river"})
    assert gina.get(reverse("plans:settings", args=["greenwich"])).status_code == 200
    assert gina.get(reverse("imports:start", args=["greenwich"])).status_code == 200
    assert AuditEvent.objects.filter(kind="partnership_created").exists()

    again = admin_client.post(reverse("site:partnership_create"), {**data, "preset": "own"})
    html = again.content.decode()
    assert "A partnership of that name exists already" in html
    assert "Another partnership has that address" in html
    assert "Enter its word for on track" in html
    reserved = admin_client.post(reverse("site:partnership_create"), {**data, "slug": "admin"})
    assert "is the site&#x27;s own" in reserved.content.decode()


def test_a_persons_data_and_replacing_a_former_members_details(admin_client, personas):
    chair = personas["chair"]
    chair.first_name, chair.last_name, chair.email = "Clare", "Chair", "clare@example.org"
    chair.save()
    update = rated(
        ess_action("2.1"), "At risk", "2024-09-01", author=chair, commentary="Funding is late."
    )
    found = admin_client.get(reverse("site:people"), {"q": "clare"}).content.decode()
    assert reverse("site:person", args=[chair.pk]) in found
    response = admin_client.get(reverse("site:person_export", args=[chair.pk]))
    assert (
        response["Content-Disposition"] == f'attachment; filename="personal-data-{chair.pk}.json"'
    )
    data = json.loads(response.content)
    assert data["account"]["email"] == "clare@example.org"
    assert data["memberships"][0]["role"] == "Chair or lead"
    (written,) = data["progress_updates_written"]
    assert written["commentary"] == "Funding is late." and written["action"] == "2.1"
    assert AuditEvent.objects.filter(kind="data_exported").exists()

    assert (
        b"This cannot be undone"
        in admin_client.get(reverse("site:person_forget", args=[chair.pk])).content
    )
    admin_client.post(reverse("site:person_forget", args=[chair.pk]))
    chair.refresh_from_db()
    assert chair.get_full_name() == "Former member" and chair.email == ""
    assert chair.username == f"former-member-{chair.pk}" and not chair.is_active
    assert not chair.has_usable_password()
    assert ProgressUpdate.objects.get(pk=update.pk).author == chair  # still attributable
    staff = Client()
    staff.force_login(personas["staff"])
    page = staff.get(url("actions:detail", ess_action("2.1").pk)).content.decode()
    assert "Former member" in page and "Clare" not in page
    assert AuditEvent.objects.filter(kind="member_forgotten").exists()
