"""Invitations: staff invite a member by name, email, role and groups; the email's link,
single-use and expiring, lets them choose their own password. Staff never see or set one."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plans.audit_models import AuditEvent
from plans.models import Group, Invitation, Membership, Person
from tests.helpers import PERSONAS, STAFF_ONLY, check_personas, url
from tests.test_editing import STAFF_POST, assert_error_page

pytestmark = pytest.mark.django_db

PASSWORD = "a quiet river at dusk"


def invite(client, **changes):
    ess = Group.objects.get(partnership__slug="merton", short_name="ESS")
    zoe = Person.objects.get(partnership__slug="merton", name="Zoe Gallen")
    data = {
        "first_name": "Zoe",
        "last_name": "Gallen",
        "email": "Zoe.Gallen@example.org",
        "role": "chair",
        "groups": [ess.pk],
        "person": zoe.pk,
        **changes,
    }
    return client.post(url("plans:member_invite"), data)


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/invitation/\S+/)", message.body).group(1)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_staff_invite_send_again_or_withdraw(client_for, persona, personas):
    invitation = Invitation.objects.create(
        partnership=personas["staff"].memberships.get().partnership,
        first_name="A",
        last_name="B",
        email="a@example.org",
        role="board",
        token_hash="x" * 64,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    check_personas(
        client_for,
        persona,
        [
            ("get", url("plans:member_invite"), STAFF_ONLY),
            ("post", url("plans:invitation_resend", invitation.pk), STAFF_POST),
            ("post", url("plans:invitation_withdraw", invitation.pk), STAFF_POST),
        ],
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_link_that_names_no_invitation_is_not_found_for_anyone(client_for, persona):
    address = reverse("two_step:accept_invitation", args=["not-a-token"])
    response = client_for(persona).get(address)
    assert response.status_code == 404 and b"does not work" in response.content


@pytest.mark.both_databases  # the link used once, in a transaction that locks it
def test_an_invited_member_chooses_a_password_and_is_signed_in_with_their_role(client_for):
    staff = client_for("staff")
    response = invite(staff)
    assert response["Location"] == url("plans:members")
    (message,) = mail.outbox
    assert message.to == ["Zoe.Gallen@example.org"]
    assert "invited you to join Merton Safeguarding Children Partnership" in message.body
    assert "as chair or lead" in message.body
    link = link_in(message)
    invitation = Invitation.objects.get()
    assert link.split("/")[-2] not in invitation.token_hash  # only a hash is kept
    html = staff.get(url("plans:members")).content.decode()
    assert "Invited, not yet joined" in html and "Zoe.Gallen@example.org" in html
    assert AuditEvent.objects.filter(kind="invited", summary__contains="Zoe Gallen").exists()

    zoe = Client()
    html = zoe.get(link).content.decode()
    assert "Choose your password" in html and "Zoe.Gallen@example.org" in html
    html = assert_error_page(
        zoe.post(link, {"new_password1": "password123", "new_password2": "password123"}),
        "This password is too common",
    )
    response = zoe.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response["Location"] == reverse("two_step:account")  # two-step offered there
    user = get_user_model().objects.get(username="zoe.gallen@example.org")
    membership = Membership.objects.get(user=user)
    assert membership.role == "chair" and [g.short_name for g in membership.groups.all()] == ["ESS"]
    assert Person.objects.get(name="Zoe Gallen", partnership__slug="merton").user == user
    assert "Actions you update or lead" in zoe.get(reverse("home")).content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.status == "accepted"

    again = Client().get(link)
    assert again.status_code == 410 and b"This invitation has been used" in again.content
    signed_in = Client().post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert signed_in.status_code == 302


def test_an_expired_a_withdrawn_and_an_older_link_are_refused_with_a_clear_page(client_for):
    staff = client_for("staff")
    invite(staff)
    first = link_in(mail.outbox[-1])
    invitation = Invitation.objects.get()
    staff.post(url("plans:invitation_resend", invitation.pk))
    second = link_in(mail.outbox[-1])
    assert first != second
    response = Client().get(first)
    assert response.status_code == 404 and b"This invitation link does not work" in response.content
    assert Client().get(second).status_code == 200

    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    response = Client().get(second)
    assert response.status_code == 410 and b"This invitation has expired" in response.content
    html = staff.get(url("plans:members")).content.decode()
    assert "Link expired" in html

    staff.post(url("plans:invitation_withdraw", invitation.pk))
    response = Client().get(second)
    assert b"This invitation has been withdrawn" in response.content
    assert "Invited, not yet joined" not in staff.get(url("plans:members")).content.decode()
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {"invited", "invitation_resent", "invitation_withdrawn", "invitation_refused"} <= kinds
    assert not get_user_model().objects.filter(email__iexact="zoe.gallen@example.org").exists()


def test_someone_with_an_account_joins_once_signed_in_to_it(client_for, personas):
    """A link alone never signs into an existing account: Medway's member signs in first."""
    outsider = personas["outsider"]  # a Medway member
    outsider.email = "medway.member@example.org"
    outsider.save()
    invite(client_for("staff"), email="Medway.Member@example.org", person="")
    link = link_in(mail.outbox[-1])
    html = Client().get(link).content.decode()
    assert "Sign in to join" in html and "Choose your password" not in html
    client = client_for("outsider")
    assert b"Join Merton" in client.get(link).content
    client.post(link)
    assert Membership.objects.filter(user=outsider, partnership__slug="merton").exists()


def test_no_one_is_invited_twice_or_when_already_a_member(client_for, personas):
    staff = client_for("staff")
    personas["board"].email = "board@example.org"
    personas["board"].save()
    assert_error_page(invite(staff, email="BOARD@example.org"), "is already a member of MSCP")
    invite(staff)
    assert_error_page(invite(staff, email="zoe.gallen@EXAMPLE.org"), "has been invited already")
    html = assert_error_page(invite(staff, email="nope", first_name=""), "Enter their first name")
    assert "Enter an email address in the correct format" in html
