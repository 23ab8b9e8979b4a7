"""Single sign-on's rule (plans.single_sign_on): whom a verified email signs in as, and that it
never makes a member by itself; its pages where this deployment has it and where it has not;
and two-step verification not asked of a session signed in through it. The sign-ins
themselves, through a real provider, are in tests/browser/test_single_sign_on.py."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from plans import single_sign_on as rules
from plans import two_step
from plans.audit_models import AuditEvent
from plans.models import RESERVED_SLUGS, Group, Invitation, Membership, Partnership
from tests.factories import UserFactory

PROVIDER = "http://127.0.0.1:9/provider"
NOW = timezone.now()
EMAIL = "nia.okafor@merton.example"


@pytest.fixture
def configured(settings):
    """Single sign-on set up (the provider's addresses go nowhere: nothing here reaches it)."""
    settings.OIDC_RP_CLIENT_ID = "partnership-plans"
    settings.OIDC_RP_CLIENT_SECRET = "tests-only"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROVIDER}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{PROVIDER}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{PROVIDER}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{PROVIDER}/jwks/"
    settings.MSCP_OIDC_PROVIDER_NAME = "Merton Council account"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "plans.single_sign_on.Backend",
    ]
    return settings


@pytest.fixture
def merton(personas):
    merton = Partnership.objects.get(slug="merton")
    merton.single_sign_on = True
    merton.save(update_fields=["single_sign_on"])
    return merton


def invite(partnership, email=EMAIL, *, days=7, **fields) -> Invitation:
    return Invitation.objects.create(
        partnership=partnership,
        first_name="Nia",
        last_name="Okafor",
        email=email,
        role=Membership.Role.BOARD,
        token_hash=f"{Invitation.objects.count():064d}",
        expires_at=timezone.now() + datetime.timedelta(days=days),
        **fields,
    )


def give_email(user, email=EMAIL):
    user.email = email
    user.save(update_fields=["email"])
    return user


# --- The email address, and the ID token ----------------------------------------------


@pytest.mark.parametrize(
    "claims, trust, expected",
    [
        ({"email": EMAIL, "email_verified": True}, False, EMAIL),
        ({"email": EMAIL, "email_verified": "true"}, False, EMAIL),  # a string, from some
        ({"email": f" {EMAIL} ", "email_verified": True}, False, EMAIL),
        ({"email": EMAIL, "email_verified": False}, True, ""),  # said no: never trusted
        ({"email": EMAIL, "email_verified": "false"}, True, ""),
        ({"email": EMAIL}, False, ""),  # said nothing
        ({"email": EMAIL}, True, EMAIL),  # said nothing, and MSCP_OIDC_TRUST_EMAILS
        ({"email_verified": True}, True, ""),
        ({"email": "not an address", "email_verified": True}, False, ""),
        ({"email": ["a@b.example"], "email_verified": True}, False, ""),
    ],
)
def test_only_a_verified_email_counts(claims, trust, expected):
    assert rules.verified_email(claims, trust_emails=trust) == expected


@pytest.mark.parametrize(
    "payload, issuer, problem",
    [
        ({"aud": "plans", "iss": "https://idp"}, "https://idp", ""),
        ({"aud": ["other", "plans"], "iss": "https://idp"}, "", ""),
        ({"aud": "other", "iss": "https://idp"}, "", "made for another application"),
        ({"iss": "https://idp"}, "", "made for another application"),
        ({"aud": "plans", "iss": "https://elsewhere"}, "https://idp", "by another issuer"),
    ],
)
def test_an_id_token_must_be_for_this_app_and_from_its_issuer(payload, issuer, problem):
    found = rules.id_token_problem(payload, client_id="plans", issuer=issuer)
    assert (problem in found) if problem else found == ""


# --- The rule -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_of_a_partnership_with_single_sign_on_is_matched_whatever_the_case(
    merton, personas
):
    chair = give_email(personas["chair"], "Chair@Merton.example")
    assert rules.match("chair@MERTON.example", now=NOW) == rules.Match(user=chair)


@pytest.mark.django_db
def test_who_is_refused(merton, personas):
    give_email(personas["outsider"], "outsider@medway.example")  # Medway: not turned on
    assert rules.match("outsider@medway.example", now=NOW).refusal == rules.NOT_A_MEMBER
    assert rules.match("stranger@example.org", now=NOW).refusal == rules.NOT_A_MEMBER
    assert rules.match("", now=NOW).refusal == rules.UNVERIFIED
    board = give_email(personas["board"], "board@merton.example")
    board.is_active = False  # sign-in switched off
    board.save(update_fields=["is_active"])
    assert rules.match("board@merton.example", now=NOW).refusal == rules.NOT_A_MEMBER
    # Two accounts with one address: which one is meant cannot be told.
    give_email(personas["chair"], "shared@merton.example")
    give_email(personas["staff"], "shared@merton.example")
    assert rules.match("shared@merton.example", now=NOW).refusal == rules.TWO_ACCOUNTS


@pytest.mark.django_db
def test_a_pending_invitation_to_a_partnership_with_single_sign_on_is_matched(merton):
    medway = Partnership.objects.get(slug="medway")
    invitation = invite(merton, "Nia.Okafor@Merton.example")
    invite(medway)  # Medway has not turned single sign-on on
    assert rules.match(EMAIL, now=NOW) == rules.Match(invitations=(invitation,))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [{"days": -1}, {"withdrawn_at": NOW}, {"accepted_at": NOW}],
    ids=["expired", "withdrawn", "accepted"],
)
def test_an_invitation_no_longer_pending_is_refused(merton, fields):
    invite(merton, **fields)
    assert rules.match(EMAIL, now=timezone.now()).refusal == rules.NOT_A_MEMBER


@pytest.mark.django_db
def test_an_invitation_for_someone_with_an_account_adds_to_it(merton, personas):
    outsider = give_email(personas["outsider"])  # a member of Medway only
    invitation = invite(merton)
    assert rules.match(EMAIL, now=NOW) == rules.Match(user=outsider, invitations=(invitation,))
    outsider.is_active = False
    outsider.save(update_fields=["is_active"])
    assert rules.match(EMAIL, now=NOW).refusal == rules.SWITCHED_OFF


# --- The backend ----------------------------------------------------------------------------


def backend_for(path="/oidc/callback/"):
    backend = rules.Backend()
    backend.request = RequestFactory().get(path)
    return backend


@pytest.mark.django_db
def test_signing_in_accepts_the_invitation_and_makes_the_member(configured, merton):
    invitation = invite(merton, "Nia.Okafor@Merton.example")
    invitation.groups.add(Group.objects.get(partnership=merton, short_name="ESS"))
    user = backend_for().user_for_claims({"email": EMAIL, "email_verified": True})
    assert user.username == EMAIL and user.email == "Nia.Okafor@Merton.example"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user, partnership=merton)
    assert membership.role == Membership.Role.BOARD
    assert list(membership.groups.values_list("short_name", flat=True)) == ["ESS"]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.INVITATION_ACCEPTED)
    assert event.partnership == merton and event.user == user
    # The next sign-in matches the member it made.
    assert backend_for().user_for_claims({"email": EMAIL, "email_verified": True}) == user


@pytest.mark.django_db
def test_a_refused_sign_in_makes_no_user_and_says_why(configured, merton):
    users = get_user_model().objects.count()
    backend = backend_for()
    assert (
        backend.user_for_claims({"email": "stranger@example.org", "email_verified": True}) is None
    )
    assert backend.request.single_sign_on_refusal == rules.NOT_A_MEMBER
    unverified = backend_for()
    invite(merton)
    assert unverified.user_for_claims({"email": EMAIL, "email_verified": False}) is None
    assert unverified.request.single_sign_on_refusal == rules.UNVERIFIED
    assert get_user_model().objects.count() == users
    refused = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED)
    assert sorted(refused.values_list("username", "summary")) == [
        (EMAIL, f"Single sign-on refused: {rules.REFUSALS[rules.UNVERIFIED]}"),
        ("stranger@example.org", f"Single sign-on refused: {rules.REFUSALS[rules.NOT_A_MEMBER]}"),
    ]
    with pytest.raises(Exception, match="never makes a user"):
        backend.create_user({"email": "stranger@example.org"})


@pytest.mark.django_db
def test_a_session_ends_for_a_user_whose_sign_in_is_switched_off(configured, personas):
    chair = personas["chair"]
    assert rules.Backend().get_user(chair.pk) == chair
    chair.is_active = False
    chair.save(update_fields=["is_active"])
    assert rules.Backend().get_user(chair.pk) is None


def test_a_refusal_at_the_callback_does_not_count_towards_a_lock_out():
    assert rules.not_a_password(RequestFactory().get("/oidc/callback/?code=x&state=y"))
    assert not rules.not_a_password(RequestFactory().post("/accounts/login/"))


def test_no_partnership_can_take_the_single_sign_on_address():
    assert "oidc" in RESERVED_SLUGS
    assert reverse("oidc_authentication_callback").startswith("/oidc/")


# --- The pages --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_single_sign_on_its_pages_are_not_found_and_there_is_no_button(client):
    for url in ["/oidc/authenticate/", "/oidc/callback/?code=x&state=y", "/oidc/logout/"]:
        assert client.get(url).status_code == 404
    assert client.get(reverse("two_step:sso_refused")).status_code == 404
    assert "Sign in with" not in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_the_sign_in_page_offers_single_sign_on_and_the_password(client, configured):
    page = client.get(f"{reverse('login')}?next=/merton/").content.decode()
    assert "Sign in with Merton Council account" in page
    assert 'href="/oidc/authenticate/?next=/merton/"' in page
    assert "Or sign in with your password" in page
    assert 'name="password"' in page


@pytest.mark.django_db
def test_starting_sends_to_the_provider_with_a_state_nonce_and_pkce(client, configured):
    response = client.get("/oidc/authenticate/?next=/merton/")
    address = urlsplit(response["Location"])
    assert f"{address.scheme}://{address.netloc}{address.path}" == f"{PROVIDER}/authorize/"
    query = {name: values[0] for name, values in parse_qs(address.query).items()}
    assert query["client_id"] == "partnership-plans"
    assert query["scope"] == "openid email profile"
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"
    assert query["code_challenge_method"] == "S256"
    assert query["state"] in client.session["oidc_states"]
    assert client.session["oidc_login_next"] == "/merton/"


@pytest.mark.django_db
def test_a_callback_whose_state_is_not_the_sessions_is_refused(client, configured, personas):
    refused = f"{reverse('two_step:sso_refused')}?reason=problem"
    # No sign-in started in this session at all.
    assert client.get("/oidc/callback/?code=x&state=y")["Location"] == refused
    # One started, and a state that is not its own (checked before the code is used).
    client.get("/oidc/authenticate/")
    assert client.get("/oidc/callback/?code=x&state=tampered")["Location"] == refused
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.SIGN_IN_FAILED, summary__startswith="Single sign-on failed: OIDC"
    ).exists()
    # Cancelled (or refused) at the provider.
    assert client.get("/oidc/callback/?error=access_denied&state=y")["Location"] == refused


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["staff", "chair", "board", "outsider", "anonymous"])
def test_the_refusal_page_is_for_anyone(client_for, configured, name):
    client = client_for(name)
    url = reverse("two_step:sso_refused")
    page = client.get(url).content.decode()
    assert "We could not sign you in with Merton Council account" in page
    assert "not that of a member or an invited member of a partnership" in page
    problem = client.get(f"{url}?reason=problem").content.decode()
    assert "The sign-in did not finish" in problem
    unverified = client.get(f"{url}?reason=unverified").content.decode()
    assert "did not confirm that your email address is yours" in unverified
    assert client.post(url).status_code == 405


@pytest.mark.django_db
def test_a_session_signed_in_with_single_sign_on_is_not_asked_for_the_code(client, personas):
    staff = personas["staff"]
    two_step.confirm_set_up(staff, two_step.start_set_up(staff))
    client.force_login(staff)
    dashboard = reverse("plans:dashboard", args=["merton"])
    assert client.get(dashboard)["Location"].startswith(reverse("two_step:verify"))
    session = client.session
    session[two_step.SINGLE_SIGN_ON] = personas["chair"].pk  # another user's: does not count
    session.save()
    assert client.get(dashboard).status_code == 302
    session[two_step.SINGLE_SIGN_ON] = staff.pk
    session.save()
    assert client.get(dashboard).status_code == 200


@pytest.mark.django_db
def test_a_member_of_two_partnerships_is_matched_once(merton, personas):
    chair = give_email(personas["chair"])
    Membership.objects.create(
        user=chair, partnership=Partnership.objects.get(slug="medway"), role=Membership.Role.BOARD
    )
    UserFactory(username="someone-else", email="someone@else.example")
    assert rules.match(EMAIL, now=NOW) == rules.Match(user=chair)
