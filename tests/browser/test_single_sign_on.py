"""Single sign-on in a real browser, through a real OpenID Connect provider: django-oauth-toolkit
(tests/oidc_provider/), started on the loopback address in a process and a database of its
own. The app follows the real redirects, exchanges the real code for real tokens and checks
the ID token's signature against the provider's published keys: nothing of the protocol is
mocked. An invited member joins by signing in there; a member with two-step verification on
is not asked for our code; an unknown email, a member of a partnership without single
sign-on, a token signed with a key the app does not trust and a state that is not the
session's are all refused, and no one is signed in."""

import datetime
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from axes.models import AccessAttempt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.utils import timezone
from jwcrypto import jwk
from playwright.sync_api import Page, expect

from plans import two_step
from plans.audit_models import AuditEvent
from plans.models import Group, Invitation, Membership, Partnership
from tests.browser.conftest import DESKTOP, PHONE, ROOT

pytestmark = pytest.mark.browser

PROVIDER_NAME = "Merton Council account"
PROVIDER_PASSWORD = "provider-password"
CLIENT_ID = "partnership-plans"
CLIENT_SECRET = "tests-only-client-secret"
INVITED = "nia.okafor@merton.example"
CHAIR = "chair@merton.example"
STRANGER = "stranger@example.org"
OUTSIDER = "outsider@medway.example"
REFUSED = f"We could not sign you in with {PROVIDER_NAME}"
NOT_A_MEMBER = "Your email address is not that of a member or an invited member"
PROBLEM = "The sign-in did not finish, or its answer to this site could not be checked"
STARTUP_SECONDS = 60
SERVE = [sys.executable, "-m", "django", "runserver", "--noreload", "--skip-checks"]


def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def wrong_key_set(provider_key: str, other_key: str) -> dict:
    """Another public key under the provider's key id (django-oauth-toolkit's: the key's
    thumbprint), so the app finds it and the signature check itself fails."""
    other = json.loads(jwk.JWK.from_pem(other_key.encode()).export_public())
    kid = jwk.JWK.from_pem(provider_key.encode()).thumbprint()
    return {"keys": [{**other, "alg": "RS256", "use": "sig", "kid": kid}]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answers(url: str, process: subprocess.Popen, log) -> dict:
    """The provider's OpenID configuration document, once it answers (at most
    STARTUP_SECONDS)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The test provider stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own
                return json.load(response)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    pytest.fail(f"The test provider did not answer in {STARTUP_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    """The provider, running for this module's tests: its users (the emails above, one
    password) and the app registered as a confidential client whose one redirect address
    is the live server's callback."""
    folder = tmp_path_factory.mktemp("oidc-provider")
    key = private_key_pem()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PYTHONPATH": str(ROOT),
        "OIDC_PROVIDER_DB": str(folder / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": key,
        "OIDC_PROVIDER_WRONG_JWKS": json.dumps(wrong_key_set(key, private_key_pem())),
    }
    people = [(INVITED, "Nia", "Okafor"), (CHAIR, "Chair", "Persona")]
    people += [(STRANGER, "Sam", "Stranger"), (OUTSIDER, "Olu", "Outsider")]
    config = {
        "users": [{"email": e, "first_name": f, "last_name": n} for e, f, n in people],
        "password": PROVIDER_PASSWORD,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": f"{live_server.url}/oidc/callback/",
    }
    seed = [sys.executable, "-m", "tests.oidc_provider.seed", json.dumps(config)]
    made = subprocess.run(seed, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert made.returncode == 0, made.stderr
    url = f"http://127.0.0.1:{free_port()}"
    log = folder / "provider.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            [*SERVE, url.removeprefix("http://")],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            document = wait_until_answers(f"{url}/o/.well-known/openid-configuration", process, log)
            yield SimpleNamespace(url=url, document=document)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def single_sign_on(settings, provider, live_site):
    """The app set up as deploy/README.md says, from the provider's OpenID configuration
    document; Merton uses single sign-on, Medway does not."""
    document = provider.document
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = document["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = document["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
    settings.MSCP_OIDC_ISSUER = document["issuer"]
    settings.MSCP_OIDC_PROVIDER_NAME = PROVIDER_NAME
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "plans.single_sign_on.Backend",
    ]
    Partnership.objects.filter(slug="merton").update(single_sign_on=True)
    return live_site


def sign_in_at_provider(page: Page, email: str) -> None:
    """From our sign-in page, through the provider's, and back to us."""
    page.goto("/accounts/login/")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill(email)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def expect_signed_in(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")
    expect(page).to_have_url(re.compile(r"://[^/]+/$"))


def expect_refused(page: Page, why: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(REFUSED)
    expect(page.get_by_text(why)).to_be_visible()


def expect_no_one_signed_in(page: Page) -> None:
    page.goto("/merton/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/merton/$"))


def check_on_desktop_and_phone(page: Page, axe_check) -> None:
    axe_check(page)
    page.set_viewport_size(PHONE)
    axe_check(page)
    page.set_viewport_size(DESKTOP)


def give_email(user, email: str) -> None:
    user.email = email
    user.save(update_fields=["email"])


def events(kind) -> list[str]:
    return list(AuditEvent.objects.filter(kind=kind).values_list("summary", flat=True))


def test_an_invited_member_joins_by_signing_in(page: Page, single_sign_on, axe_check):
    merton = Partnership.objects.get(slug="merton")
    invitation = Invitation.objects.create(
        partnership=merton,
        first_name="Nia",
        last_name="Okafor",
        email="Nia.Okafor@Merton.example",  # as staff typed it: matched whatever the case
        role=Membership.Role.BOARD,
        token_hash="0" * 64,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    invitation.groups.add(Group.objects.get(partnership=merton, short_name="ESS"))
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Or sign in with your password")).to_be_visible()
    check_on_desktop_and_phone(page, axe_check)

    sign_in_at_provider(page, INVITED)
    expect_signed_in(page)
    user = get_user_model().objects.get(email__iexact=INVITED)
    membership = Membership.objects.get(user=user, partnership=merton)
    assert membership.role == Membership.Role.BOARD
    assert list(membership.groups.values_list("short_name", flat=True)) == ["ESS"]
    assert not user.has_usable_password()  # single sign-on only, until they choose one
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by == user
    assert events(AuditEvent.Kind.INVITATION_ACCEPTED) == [
        "Accepted through single sign-on by Nia Okafor <Nia.Okafor@Merton.example> as board member"
    ]


def test_a_member_with_two_step_on_is_not_asked_for_our_code(page: Page, single_sign_on):
    chair = single_sign_on.users["chair"]
    give_email(chair, CHAIR)
    two_step.confirm_set_up(chair, two_step.start_set_up(chair))

    sign_in_at_provider(page, CHAIR)
    expect_signed_in(page)
    page.goto("/merton/")  # any page: TwoStepMiddleware would send a session needing a code
    expect(page).to_have_url(re.compile(r"/merton/$"))
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()


def test_an_unknown_email_is_refused_and_makes_no_user(page: Page, single_sign_on, axe_check):
    users = get_user_model().objects.count()
    sign_in_at_provider(page, STRANGER)
    expect_refused(page, NOT_A_MEMBER)
    expect(page.get_by_text("Ask your partnership's business support staff")).to_be_visible()
    check_on_desktop_and_phone(page, axe_check)
    expect_no_one_signed_in(page)
    assert get_user_model().objects.count() == users
    assert not AccessAttempt.objects.exists()  # not a wrong password: no lock-out counts it
    assert events(AuditEvent.Kind.SIGN_IN_FAILED)[-1] == (
        "Single sign-on refused: not a member or invited member of a partnership that uses "
        "single sign-on"
    )


def test_a_member_of_a_partnership_without_single_sign_on_is_refused(page, single_sign_on):
    give_email(single_sign_on.users["outsider"], OUTSIDER)  # Medway's: it has not turned it on
    sign_in_at_provider(page, OUTSIDER)
    expect_refused(page, NOT_A_MEMBER)
    expect_no_one_signed_in(page)


def test_a_token_signed_with_a_key_the_app_does_not_trust_is_refused(
    page: Page, single_sign_on, provider, settings, axe_check
):
    give_email(single_sign_on.users["chair"], CHAIR)  # a member: only the signature is wrong
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.url}/wrong-keys.json"
    sign_in_at_provider(page, CHAIR)
    expect_refused(page, PROBLEM)
    check_on_desktop_and_phone(page, axe_check)
    expect_no_one_signed_in(page)
    assert "Single sign-on failed: JWS token verification failed." in events(
        AuditEvent.Kind.SIGN_IN_FAILED
    )


def test_a_state_that_is_not_the_sessions_is_refused(page: Page, single_sign_on, provider):
    give_email(single_sign_on.users["chair"], CHAIR)  # a member: only the state is wrong
    page.goto("/accounts/login/")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    # The provider's sign-in goes on to the authorisation request the app made: change its
    # state, which the provider hands back to the app with a good code.
    genuine = dict(parse_qsl(urlsplit(page.url).query))["next"]
    request = urlsplit(genuine)
    query = dict(parse_qsl(request.query))
    assert {"state", "nonce", "code_challenge"} <= query.keys()
    tampered = urlunsplit(request._replace(query=urlencode({**query, "state": "tampered"})))
    page.goto(f"{provider.url}/accounts/login/?{urlencode({'next': tampered})}")
    page.get_by_label("Username").fill(CHAIR)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect_refused(page, PROBLEM)
    expect_no_one_signed_in(page)
    assert "Single sign-on failed: OIDC callback state not found in session `oidc_states`!" in (
        events(AuditEvent.Kind.SIGN_IN_FAILED)
    )

    # The request with its own state signs in (the chair is signed in at the provider now):
    # only the state was wrong.
    page.goto(f"{provider.url}{genuine}")
    expect_signed_in(page)
