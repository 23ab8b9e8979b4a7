"""Security: sign-in lock-outs, session expiry and rotation, the health check, reserved
partnership addresses, and the headers every page carries (Content-Security-Policy...)."""

import datetime
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.utils import load_backend
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone

from front.views.sign_in import clock
from mscp import sessions
from mscp.health import database_problem, healthz
from plans.client_address import client_ip, forwarded_client
from plans.models import RESERVED_SLUGS, Partnership
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]


# --- Sign-in lock-outs (django-axes) ------------------------------------------------------


def sign_in(client, username, password, url="login", **extra):
    return client.post(reverse(url), {"username": username, "password": password}, **extra)


def fail(client, username, times, url="login", **extra):
    return [sign_in(client, username, "wrong-password", url, **extra) for _ in range(times)]


def unlock_time() -> str:
    """30 minutes from now, rounded up to the minute, as the lock-out page says it."""
    moment = timezone.localtime() + datetime.timedelta(minutes=30, seconds=59)
    return clock(moment.replace(second=0, microsecond=0))


@pytest.mark.both_databases  # failures counted in the database
def test_five_wrong_passwords_lock_the_username_from_that_address(client, personas):
    username = personas["staff"].username
    for response in fail(client, username, 4):
        assert response.status_code == 200
        assert "Sign in" in response.content.decode()
    before = unlock_time()
    response = sign_in(client, username, "wrong-password")
    after = unlock_time()
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in locked for 30 minutes" in page
    assert f"5 unsuccessful attempts to sign in as <strong>{username}</strong>" in page
    shown = re.search(r"You can try again after ([^.]+)\.", page).group(1)
    assert shown in {before, after}
    assert "govuk-heading-l" in page  # the site's own layout, not django-axes' plain text

    # Locked even with the right password...
    assert sign_in(client, username, PASSWORD).status_code == 429
    # ...but not from another address, nor for another username from this one.
    assert sign_in(client, username, PASSWORD, REMOTE_ADDR="192.0.2.7").status_code == 302
    client.logout()
    assert sign_in(client, personas["chair"].username, PASSWORD).status_code == 302


def test_a_lock_out_ends_after_30_minutes(client, personas):
    username = personas["staff"].username
    fail(client, username, 5)
    assert sign_in(client, username, PASSWORD).status_code == 429
    AccessAttempt.objects.filter(username=username).update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
    )
    assert sign_in(client, username, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, personas):
    username = personas["staff"].username
    fail(client, username, 4)
    assert sign_in(client, username, PASSWORD).status_code == 302
    client.logout()
    assert all(r.status_code == 200 for r in fail(client, username, 4))


def test_the_admin_sign_in_locks_out_too(client, personas):
    admin_user = personas["staff"]
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    responses = fail(client, admin_user.username, 5, url="admin:login")
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "Sign-in locked for 30 minutes" in responses[-1].content.decode()
    assert sign_in(client, admin_user.username, PASSWORD, "admin:login").status_code == 429


def test_behind_the_proxy_each_forwarded_address_is_counted_apart(client, personas, settings):
    settings.MSCP_TRUST_X_FORWARDED_FOR = True
    username = personas["staff"].username
    first, second = {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, {"HTTP_X_FORWARDED_FOR": "203.0.113.6"}
    fail(client, username, 5, **first)
    assert sign_in(client, username, PASSWORD, **first).status_code == 429
    assert sign_in(client, username, PASSWORD, **second).status_code == 302


@pytest.mark.parametrize(
    "header, expected",
    [
        ("203.0.113.5", "203.0.113.5"),
        ("198.51.100.1, 203.0.113.5", "203.0.113.5"),  # the left one came from the client
        (" 2001:db8::1 ", "2001:db8::1"),
        ("", None),
        ("not-an-address", None),
        ("203.0.113.5, ", "203.0.113.5"),
    ],
)
def test_forwarded_client_is_the_address_nginx_added(header, expected):
    assert forwarded_client(header) == expected


def test_client_ip_believes_x_forwarded_for_only_behind_the_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    settings.MSCP_TRUST_X_FORWARDED_FOR = False
    assert client_ip(request) == "127.0.0.1"
    settings.MSCP_TRUST_X_FORWARDED_FOR = True
    assert client_ip(request) == "1.2.3.4"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


@pytest.mark.parametrize(
    "hour, minute, expected",
    [(15, 45, "3:45pm"), (9, 0, "9am"), (9, 5, "9:05am"), (12, 0, "midday"), (0, 0, "midnight"),
     (0, 30, "12:30am"), (12, 1, "12:01pm")],
)  # fmt: skip
def test_clock_writes_times_as_gov_uk_does(hour, minute, expected):
    assert clock(datetime.time(hour, minute)) == expected


# --- Sessions -----------------------------------------------------------------------------

IDLE = 30 * 60
MAX_AGE = 10 * 60 * 60


@pytest.mark.parametrize(
    "signed_in_ago, seen_ago, expected",
    [
        (60, 0, None),
        (IDLE - 1, IDLE - 1, None),
        (IDLE, IDLE, sessions.IDLE),
        (MAX_AGE - 1, 0, None),
        (MAX_AGE, 0, sessions.MAX_AGE),
        (MAX_AGE + 1, IDLE + 1, sessions.MAX_AGE),  # the absolute limit is the one to tell
    ],
)
def test_expiry(signed_in_ago, seen_ago, expected):
    now = 1_800_000_000.0
    reason = sessions.expiry(
        now=now,
        signed_in_at=now - signed_in_ago,
        last_seen=now - seen_ago,
        idle_timeout=IDLE,
        max_age=MAX_AGE,
    )
    assert reason == expected


@pytest.mark.parametrize(
    "seconds, words",
    [(1800, "30 minutes"), (3600, "1 hour"), (36000, "10 hours"), (5400, "90 minutes"),
     (60, "1 minute"), (20, "1 minute")],
)  # fmt: skip
def test_in_words(seconds, words):
    assert sessions.in_words(seconds) == words


def test_settings_hold_the_timeouts():
    assert settings.MSCP_SESSION_IDLE_TIMEOUT == IDLE
    assert settings.MSCP_SESSION_MAX_AGE == MAX_AGE
    assert settings.SESSION_COOKIE_AGE == MAX_AGE
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def backdate(client, **seconds):
    session = client.session
    for key, ago in seconds.items():
        session[key] -= ago
    session.save()


def test_signing_in_issues_a_new_session_key(client, personas):
    session = client.session  # an anonymous session, as an attacker could plant
    session["planted"] = True
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert sign_in(client, personas["staff"].username, PASSWORD).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.get(reverse("home")).status_code == 200


def test_signing_in_starts_the_session_clocks(client, personas):
    sign_in(client, personas["staff"].username, PASSWORD)
    session = client.session
    assert session[sessions.SIGNED_IN_AT] == session[sessions.LAST_SEEN]


def test_an_idle_session_ends_with_a_message(client_for):
    client = client_for("staff")
    assert client.get(reverse("home")).status_code == 200
    backdate(client, mscp_last_seen=IDLE + 1)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not used the service for 30 minutes" in page
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("home")).status_code == 302  # still signed out


def test_a_session_ends_10_hours_after_sign_in_however_active(client_for):
    client = client_for("staff")
    client.get(reverse("home"))
    backdate(client, mscp_signed_in_at=MAX_AGE + 1)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('login')}?next=/"
    assert (
        "You were signed out because you signed in more than 10 hours ago"
        in response.content.decode()
    )


def test_an_active_session_goes_on_and_records_when_it_was_last_used(client_for):
    client = client_for("staff")
    client.get(reverse("home"))
    backdate(client, mscp_last_seen=IDLE - 60)
    before = client.session[sessions.LAST_SEEN]
    assert client.get(reverse("home")).status_code == 200
    assert client.session[sessions.LAST_SEEN] > before + IDLE - 120


def test_a_session_from_before_the_timeouts_gets_its_clocks_started(client_for):
    client = client_for("staff")
    session = client.session
    del session[sessions.SIGNED_IN_AT], session[sessions.LAST_SEEN]
    session.save()
    assert client.get(reverse("home")).status_code == 200
    assert sessions.SIGNED_IN_AT in client.session


# --- Health check -------------------------------------------------------------------------


def test_healthz_answers_ok_without_sign_in_or_cookies(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies
    assert client.head("/healthz/").status_code == 200
    assert client.post("/healthz/").status_code == 405


def test_healthz_comes_before_the_partnership_pages():
    assert resolve("/healthz/").func is healthz


def test_healthz_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz/").status_code == 200
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_database_problem_says_so_when_the_database_cannot_be_reached(tmp_path, db):
    from django.db import connection

    broken = load_backend("django.db.backends.sqlite3").DatabaseWrapper(
        {
            **connection.settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "missing" / "db.sqlite3"),
            "OPTIONS": {},
        },
        alias="broken",
    )
    assert database_problem(broken) == "database unavailable"
    assert database_problem(connection) is None


# --- Reserved partnership addresses -------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS) + ["Admin", "HEALTHZ"])
def test_a_partnership_cannot_take_the_sites_own_addresses(slug, db):
    partnership = Partnership(name="Test partnership", short_name="TSCP", slug=slug)
    with pytest.raises(ValidationError) as raised:
        partnership.full_clean()
    message = (
        f"“{slug}” is used by the site itself: choose another web address for the partnership."
    )
    assert raised.value.message_dict == {"slug": [message]}


def test_every_top_level_path_of_the_site_is_reserved():
    top_level = {"healthz", "admin", "accounts", settings.STATIC_URL.strip("/")}
    assert top_level <= RESERVED_SLUGS


def test_an_ordinary_partnership_address_is_fine(db):
    Partnership(name="Test partnership", short_name="TSCP", slug="kingston").full_clean()


# --- Headers ------------------------------------------------------------------------------


def test_pages_carry_a_strict_content_security_policy(client_for):
    response = client_for("staff").get(reverse("plans:dashboard", args=["merton"]))
    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_pages_carry_the_other_security_headers(client, db):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_lock_out_page_carries_the_policy_too(client, personas):
    response = fail(client, personas["staff"].username, 5)[-1]
    assert "default-src 'self'" in response["Content-Security-Policy"]


# The policy allows no inline script or style: no template may need one. The PDF templates
# are exempt: WeasyPrint renders them on the server and no browser ever loads them.
PDF_TEMPLATES = ROOT / "reporting" / "templates" / "reporting" / "pdf"
TEMPLATES = sorted(
    path
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]
    for path in folder.rglob("*.html")
    if PDF_TEMPLATES not in path.parents
)
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_templates_were_found():
    assert len(TEMPLATES) > 20
    assert ROOT / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_needs_inline_script_or_style(path):
    text = path.read_text()
    found = [what for what, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"{path.relative_to(ROOT)} has: {', '.join(found)}"
