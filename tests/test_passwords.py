"""Forgotten passwords, changing your password and your email address.

The reset page answers the same, whether or not the address is a member's: its status, its
words and its redirect (the email, if any, is sent by a background task: the tests' task
backend runs it at once)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from plans.accounts import RESETS_PER_ADDRESS, RESETS_PER_CLIENT
from plans.audit_models import AuditEvent
from tests.helpers import PERSONAS

pytestmark = pytest.mark.django_db

PASSWORD = "a quiet river at dusk"
NEW_PASSWORD = "seven green kettles hum"
RESET = reverse("two_step:password_reset")


def ask_reset(email: str, client=None, address="10.0.0.1"):
    client = client or Client(REMOTE_ADDR=address)
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def member(personas, name="chair", email="chair@example.org"):
    user = personas[name]
    user.email = email
    user.set_password(PASSWORD)
    user.save()
    return user


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(personas):
    member(personas)
    known, unknown = ask_reset("Chair@Example.org"), ask_reset("nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("two_step:password_reset_done")
    assert known.content == unknown.content
    done = Client().get(known["Location"]).content.decode()
    assert "If the address you entered is that of a member" in done
    assert [m.to for m in mail.outbox] == [["chair@example.org"]]  # only the member's
    asked = AuditEvent.objects.filter(kind="reset_asked").values_list("username", flat=True)
    assert sorted(asked) == ["Chair@Example.org", "nobody@example.org"]


def test_the_emailed_link_sets_a_new_password_once(personas):
    user = member(personas)
    ask_reset("chair@example.org")
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body).group(1)
    confirm_at = reverse("two_step:password_reset_confirm", args=["uid", "token"])
    assert link.startswith(confirm_at.removesuffix("uid/token/"))
    client = Client()
    form_page = client.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    confirm = form_page.redirect_chain[-1][0]  # Django hides the token from the address
    response = client.post(confirm, {"new_password1": "password", "new_password2": "password"})
    assert b"This password is too common" in response.content
    response = client.post(confirm, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("two_step:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    again = Client().get(link, follow=True)
    assert b"This link does not work" in again.content  # used: the password changed
    assert AuditEvent.objects.filter(kind="password_reset", user=user).exists()


def test_resets_are_throttled_per_address_and_per_client_silently(personas):
    member(personas)
    for _ in range(RESETS_PER_ADDRESS + 1):
        response = ask_reset("chair@example.org", address="10.0.0.2")
        assert response["Location"] == reverse("two_step:password_reset_done")
    assert len(mail.outbox) == RESETS_PER_ADDRESS
    for i in range(RESETS_PER_CLIENT):
        ask_reset(f"someone{i}@example.org", address="10.0.0.3")
    ask_reset("other@example.org", address="10.0.0.3")
    assert AuditEvent.objects.filter(summary__contains="nothing sent").count() == 2


def test_a_switched_off_member_gets_no_link(personas):
    user = member(personas)
    user.is_active = False
    user.save()
    ask_reset("chair@example.org")
    assert mail.outbox == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pages_of_your_own_account_need_you_signed_in(client_for, persona):
    for name in ["two_step:password_change", "two_step:email_change"]:
        response = client_for(persona).get(reverse(name))
        assert response.status_code == (302 if persona == "anonymous" else 200), name
    token = reverse("two_step:email_confirm", args=["x"])
    assert client_for(persona).get(token).status_code == 302


def test_change_your_password(client_for, personas):
    user = member(personas)
    client = client_for("chair")
    address = reverse("two_step:password_change")
    data = {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert b"Your old password was entered incorrectly" in client.post(address, data).content
    response = client.post(address, {**data, "old_password": PASSWORD})
    assert response["Location"] == reverse("two_step:account")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("home")).status_code == 200  # still signed in
    assert AuditEvent.objects.filter(kind="password_changed", user=user).exists()


def test_change_your_email_by_a_link_to_the_new_address(client_for, personas):
    user = member(personas, email="old@example.org")
    user.username = "old@example.org"  # an invited member signs in with their email
    user.save()
    client = client_for("chair")
    address = reverse("two_step:email_change")
    refused = client.post(address, {"email": "new@example.org", "password": "wrong"})
    assert b"Your password is not right" in refused.content
    client.post(address, {"email": "New@Example.org", "password": PASSWORD})
    confirm, notice = mail.outbox
    assert confirm.to == ["New@Example.org"] and notice.to == ["old@example.org"]
    link = re.search(r"http://testserver(/accounts/email/confirm/\S+/)", confirm.body).group(1)
    user.refresh_from_db()
    assert user.email == "old@example.org"  # nothing changes until the link is followed

    board = Client()
    board.force_login(personas["board"])
    assert b"for another account" in board.get(link, follow=True).content
    response = client.get(link, follow=True)
    assert b"Your email address is now New@Example.org" in response.content
    user.refresh_from_db()
    assert (user.email, user.username) == ("New@Example.org", "new@example.org")
    assert b"This link has been used" in client.get(link, follow=True).content
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {"email_change_asked", "email_changed"} <= kinds
    assert get_user_model().objects.filter(username="new@example.org").count() == 1


def test_sign_in_offers_the_reset(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{RESET}">Forgotten your password?' in html
