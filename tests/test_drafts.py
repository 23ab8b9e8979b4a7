"""What was typed when a session ended is kept (front.drafts), but only from this site's own
forms, and only so much of it; the form page gives it back once."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from front import drafts

pytestmark = pytest.mark.django_db


def posted(origin="http://testserver", **fields):
    request = RequestFactory().post("/merton/actions/1/update/", fields, HTTP_ORIGIN=origin)
    request.session = SessionStore()
    return request


def test_a_form_from_this_site_is_kept_once():
    request = posted(commentary="Training relaunched", csrfmiddlewaretoken="x")
    assert drafts.keep(request)
    back = RequestFactory().get("/merton/actions/1/update/")
    back.session = request.session
    data = drafts.take(back)
    assert data["commentary"] == "Training relaunched" and "csrfmiddlewaretoken" not in data
    assert drafts.take(back) is None  # given back once


def test_a_form_posted_from_another_site_is_never_kept():
    assert not drafts.keep(posted(origin="https://attacker.example", commentary="Lies"))
    assert not drafts.keep(posted(origin="", commentary="No origin"))


def test_only_so_much_is_kept():
    assert not drafts.keep(posted(commentary="x" * (drafts.LIMIT + 1)))


def test_only_the_update_form_gives_a_draft_back():
    assert drafts.given_back("/merton/actions/1/update/")
    assert not drafts.given_back("/merton/plans/1/edit/")


def test_a_password_is_never_kept_or_shown():
    request = RequestFactory().post(
        "/accounts/login/",
        {"username": "chair", "password": "correct horse battery staple"},
        HTTP_ORIGIN="http://testserver",
    )
    request.session = SessionStore()
    assert not drafts.keep(request)  # not a page that gives a draft back
    assert drafts.KEY not in request.session
    assert drafts.typed_words(request) == []
