"""Two-step verification: setting it up with a real authenticator code, signing in with the
code or a backup code, wrong codes refused, throttled, audited and locked out, turning it
off, and a session that has the password but not the code reaching no page at all."""

import datetime
import re
import time

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from plans import two_step
from plans.audit_models import AuditEvent
from plans.models import Membership, Partnership, Plan
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = AuditEvent.Kind


def code_for(device, *, step=None) -> str:
    """The code an authenticator app with the device's key shows, for the earliest time step
    the device still accepts (a code is good once: the next needs a later step)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    now = totp.t()
    target = max(now, device.last_t + 1) if step is None else step
    assert target <= now + device.tolerance, "no code left in this time window"
    totp.time += (target - now) * device.step
    return f"{totp.token():0{device.digits}d}"


def turn_on(user) -> tuple[TOTPDevice, list[str]]:
    device = two_step.start_set_up(user)
    codes = two_step.confirm_set_up(user, device)
    return device, codes


def is_on(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def app_device(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def unthrottle(user) -> None:
    """As if the seconds django-otp makes a device wait after a wrong code had gone by."""
    past = timezone.now() - datetime.timedelta(hours=1)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=past)
    StaticDevice.objects.filter(user=user).update(throttling_failure_timestamp=past)


def sign_in(client, user, next_url=None, **extra):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data, **extra)


def give_code(client, code="", backup_code="", next_url=None, **extra):
    data = {"code": code, "backup_code": backup_code}
    if next_url is not None:
        data["next"] = next_url
    return client.post(reverse("two_step:verify"), data, **extra)


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("pk"))


def errors(response) -> str:
    return " ".join(re.findall(r'govuk-error-message">(.*?)</p>', response.content.decode(), re.S))


@pytest.fixture
def staff(personas):
    return personas["staff"]


@pytest.fixture
def half_signed_in(client, staff):
    """A client that has given the password of a user with two-step on, not the code."""
    turn_on(staff)
    assert sign_in(client, staff).status_code == 302
    return client


# --- Setting it up ----------------------------------------------------------------------


@pytest.mark.both_databases  # the code checked under a lock
def test_setting_up_with_a_real_code_turns_it_on_and_shows_backup_codes_once(client_for, staff):
    client = client_for("staff")
    page = client.get(reverse("two_step:account")).content.decode()
    assert "Off" in page and 'id="two-step-recommended"' in page
    assert 'id="two-step-recommended"' in client.get(reverse("home")).content.decode()

    assert client.get(reverse("two_step:set_up")).status_code == 302  # nothing started yet
    response = client.post(reverse("two_step:start"))
    assert response["Location"] == reverse("two_step:set_up")
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    page = client.get(reverse("two_step:set_up")).content.decode()
    assert '<svg role="img"' in page and "<title>QR code for your authenticator app" in page
    key = two_step.written_key(device)
    assert key in page and len(key.replace(" ", "")) == 32
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert not is_on(staff)

    wrong = client.post(reverse("two_step:set_up"), {"code": "000000"})
    assert wrong.status_code == 200 and "That code is not right" in errors(wrong)
    assert "There is a problem" in wrong.content.decode()
    [refused] = events(Kind.TWO_STEP_FAILED)
    assert refused.user == staff and refused.detail["for"] == "to set up two-step verification"
    unthrottle(staff)

    response = client.post(reverse("two_step:set_up"), {"code": code_for(device)})
    assert response["Location"] == reverse("two_step:backup_codes")
    device.refresh_from_db()
    assert device.confirmed and is_on(staff)
    page = client.get(reverse("two_step:backup_codes")).content.decode()
    shown = re.findall(r"<code>(\w{4} \w{4})</code>", page)
    stored = set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    # Kept hashed: the database holds none of the codes shown.
    assert len(shown) == 10
    assert {two_step.hashed_backup_code(c.replace(" ", "")) for c in shown} == stored
    again = client.get(reverse("two_step:backup_codes")).content.decode()
    assert "<code>" not in again and "You have 10 backup codes left" in again
    [on] = events(Kind.TWO_STEP_ON)
    assert on.user == staff
    # This session gave the code: it goes on without being asked again.
    assert client.get(reverse("plans:dashboard", args=["merton"])).status_code == 200
    page = client.get(reverse("two_step:account")).content.decode()
    assert "On" in page and 'id="two-step-recommended"' not in page
    assert 'id="two-step-recommended"' not in client.get(reverse("home")).content.decode()


def test_starting_again_replaces_an_unfinished_set_up(client_for, staff):
    client = client_for("staff")
    client.post(reverse("two_step:start"))
    first = TOTPDevice.objects.get(user=staff)
    client.post(reverse("two_step:start"))
    second = TOTPDevice.objects.get(user=staff)
    assert first.pk != second.pk and first.key != second.key


def test_set_up_pages_send_someone_with_it_on_back_to_their_account(client_for, staff):
    turn_on(staff)
    client = client_for("staff")
    give_code(client, code_for(app_device(staff)))
    for url in [reverse("two_step:set_up")]:
        assert client.get(url)["Location"] == reverse("two_step:account")
    assert client.post(reverse("two_step:start"))["Location"] == reverse("two_step:account")
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_the_qr_code_and_key_pages_are_never_cached_and_need_no_inline_style(client_for):
    client = client_for("board")
    client.post(reverse("two_step:start"))
    response = client.get(reverse("two_step:set_up"))
    assert "no-store" in response["Cache-Control"]
    assert not re.search(r"\sstyle\s*=|<style|<script(?![^>]*src=)", response.content.decode())


# --- Signing in ---------------------------------------------------------------------------


@pytest.mark.both_databases  # the code checked under a lock
def test_signing_in_asks_for_the_code_after_the_password(client, staff):
    device, _ = turn_on(staff)
    response = sign_in(client, staff, next_url="/merton/")
    assert response.status_code == 302
    asked = client.get("/merton/")
    assert asked["Location"] == f"{reverse('two_step:verify')}?next=/merton/"
    page = client.get(asked["Location"]).content.decode()
    assert "Enter the code from your authenticator app" in page
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert "govuk-service-navigation" not in page  # no menu of pages it cannot reach
    [accepted] = events(Kind.PASSWORD_ACCEPTED)
    assert accepted.user == staff and not events(Kind.SIGNED_IN)

    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = give_code(client, code_for(device), next_url="/merton/")
    assert response["Location"] == "/merton/"
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert client.get("/merton/").status_code == 200
    [signed_in] = events(Kind.SIGNED_IN)
    assert signed_in.user == staff and signed_in.detail == {"two_step": two_step.APP}
    assert "authenticator app code" in signed_in.summary
    # Verified: the code page has nothing more to ask.
    assert client.get(reverse("two_step:verify"))["Location"] == reverse("home")


@pytest.mark.both_databases  # used once: checked under a lock (select_for_update)
def test_a_code_is_good_once(half_signed_in, staff):
    code = code_for(app_device(staff))
    assert give_code(half_signed_in, code).status_code == 302
    half_signed_in.post(reverse("logout"))
    sign_in(half_signed_in, staff)
    unthrottle(staff)
    response = give_code(half_signed_in, code)
    assert response.status_code == 200 and "That code is not right" in errors(response)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_the_code_page_goes_nowhere_off_the_site(half_signed_in, staff, target):
    response = give_code(half_signed_in, code_for(app_device(staff)), next_url=target)
    assert response["Location"] == reverse("home")


@pytest.mark.both_databases  # throttled under a lock
def test_a_wrong_code_is_refused_audited_and_makes_the_next_try_wait(half_signed_in, staff):
    response = give_code(half_signed_in, "123456")
    assert response.status_code == 200
    assert "That code is not right" in errors(response)
    [refused] = events(Kind.TWO_STEP_FAILED)
    assert refused.user == staff and refused.detail == {
        "two_step": two_step.APP,
        "for": "to sign in",
    }
    assert refused.ip_address == "127.0.0.1"
    # Straight away, even the right code is refused unchecked, saying why.
    response = give_code(half_signed_in, code_for(app_device(staff)))
    assert "too many wrong codes" in errors(response) and "Wait 1 second" in errors(response)
    assert len(events(Kind.TWO_STEP_FAILED)) == 1
    assert half_signed_in.get(reverse("home")).status_code == 302
    unthrottle(staff)
    assert give_code(half_signed_in, code_for(app_device(staff)))["Location"] == reverse("home")


def test_codes_of_the_wrong_shape_are_refused_without_checking(half_signed_in, staff):
    assert "Enter the 6-digit code" in errors(give_code(half_signed_in, ""))
    assert "must be 6 digits" in errors(give_code(half_signed_in, "12345"))
    assert "8 letters and numbers" in errors(give_code(half_signed_in, backup_code="x"))
    assert not events(Kind.TWO_STEP_FAILED)


@pytest.mark.both_databases  # failures counted under a lock
def test_five_wrong_codes_lock_the_sign_in_out(half_signed_in, staff):
    for _ in range(4):
        unthrottle(staff)
        assert give_code(half_signed_in, "000000").status_code == 200
    unthrottle(staff)
    response = give_code(half_signed_in, "000000")
    assert response.status_code == 429
    assert "Sign-in locked for 30 minutes" in response.content.decode()
    assert len(events(Kind.TWO_STEP_FAILED)) == 5
    # Signed out, and the password is refused until the lock-out ends.
    assert half_signed_in.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert sign_in(half_signed_in, staff).status_code == 429


@pytest.mark.both_databases  # used up under a lock (select_for_update)
def test_a_backup_code_works_once(client, staff):
    device, codes = turn_on(staff)
    sign_in(client, staff)
    response = give_code(client, backup_code=two_step.written_backup_code(codes[0]).upper())
    assert response["Location"] == reverse("home")
    assert "You used a backup code. You have 9 left" in client.get(reverse("home")).content.decode()
    assert two_step.backup_codes_left(staff) == 9
    [signed_in] = events(Kind.SIGNED_IN)
    assert signed_in.detail == {"two_step": two_step.BACKUP}

    client.post(reverse("logout"))
    sign_in(client, staff)
    response = give_code(client, backup_code=codes[0])
    assert "That backup code is not right, or it has been used" in errors(response)
    assert '<details class="govuk-details" open>' in response.content.decode()
    assert events(Kind.TWO_STEP_FAILED)[0].detail["two_step"] == two_step.BACKUP
    unthrottle(staff)
    assert give_code(client, backup_code=codes[1]).status_code == 302


def test_users_without_two_step_sign_in_as_before(client, personas):
    chair = personas["chair"]
    response = sign_in(client, chair, next_url="/merton/")
    assert response["Location"] == "/merton/"
    assert client.get("/merton/").status_code == 200
    assert client.get(reverse("two_step:verify"))["Location"] == reverse("home")
    [signed_in] = events(Kind.SIGNED_IN)
    assert signed_in.summary == "Signed in" and not events(Kind.PASSWORD_ACCEPTED)


def test_the_code_page_sends_someone_not_signed_in_to_sign_in(client, db):
    assert client.get(reverse("two_step:verify"))["Location"] == reverse("login")
    assert client.post(reverse("two_step:verify"), {"code": "123456"}).status_code == 302


# --- A session with the password but not the code ------------------------------------


def half_signed_in_urls():
    plan = Plan.objects.get(title__startswith="Effective Safeguarding")
    return [
        reverse("home"),
        reverse("plans:dashboard", args=["merton"]),
        reverse("plans:plan", args=["merton", plan.pk]),
        reverse("actions:list", args=["merton"]),
        reverse("reporting:partnership_pack", args=["merton", "xlsx"]),
        reverse("reporting:plan_pack", args=["merton", plan.pk, "pdf"]),
        reverse("plans:audit", args=["merton"]),
        reverse("two_step:account"),
        reverse("two_step:turn_off"),
        reverse("two_step:backup_codes"),
        reverse("admin:index"),
        reverse("admin:plans_plan_changelist"),
        reverse("admin:login"),
        reverse("login"),
    ]


def test_a_session_with_the_password_but_not_the_code_reaches_no_page(half_signed_in, staff):
    staff.is_staff = staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])
    for url in half_signed_in_urls():
        response = half_signed_in.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{reverse('two_step:verify')}?next="), url
    assert not AuditEvent.objects.filter(kind=Kind.PACK_DOWNLOADED).exists()


def test_a_session_with_the_password_but_not_the_code_can_change_nothing(half_signed_in, staff):
    turn_off_url = reverse("two_step:turn_off")
    assert half_signed_in.post(turn_off_url, {"password": PASSWORD}).status_code == 302
    codes_url = reverse("two_step:backup_codes")
    assert half_signed_in.post(codes_url, {"password": PASSWORD}).status_code == 302
    plan = Plan.objects.get(title__startswith="Effective Safeguarding")
    edit = reverse("plans:plan_edit", args=["merton", plan.pk])
    assert half_signed_in.post(edit, {"title": "Hijacked", "version": 1}).status_code == 302
    assert is_on(staff) and two_step.backup_codes_left(staff) == 10
    assert not Plan.objects.filter(title="Hijacked").exists()
    # It may sign out.
    assert half_signed_in.post(reverse("logout")).status_code == 302
    assert half_signed_in.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_turning_it_on_elsewhere_asks_other_sessions_for_the_code(client_for, staff):
    client = client_for("staff")  # signed in before two-step was turned on
    assert client.get(reverse("home")).status_code == 200
    turn_on(staff)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_step:verify"))


def test_the_admin_asks_for_the_code_too(client, staff):
    staff.is_staff = staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])
    device, _ = turn_on(staff)
    response = client.post(
        reverse("admin:login"),
        {"username": staff.username, "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response["Location"] == reverse("admin:index")
    asked = client.get(reverse("admin:index"))
    assert asked["Location"] == f"{reverse('two_step:verify')}?next=/admin/"
    assert give_code(client, code_for(device), next_url="/admin/")["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_never_shows_a_device_key(client, staff):
    staff.is_staff = staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])
    device, codes = turn_on(staff)
    client.force_login(staff)
    give_code(client, code_for(device))
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200 and device.key not in page.content.decode()
    static = StaticDevice.objects.get(user=staff)
    page = client.get(reverse("admin:otp_static_staticdevice_change", args=[static.pk]))
    assert page.status_code == 200 and codes[1] not in page.content.decode()


# --- Turning it off, and new backup codes --------------------------------------------------


@pytest.fixture
def verified(client, staff):
    """A client signed in with the password and the code."""
    device, codes = turn_on(staff)
    sign_in(client, staff)
    give_code(client, code_for(device))
    client.codes = codes
    return client


def test_turning_it_off_asks_for_the_password(verified, staff):
    url = reverse("two_step:turn_off")
    assert "Your password" in verified.get(url).content.decode()
    response = verified.post(url, {"password": ""})
    assert "Enter your password, or a code from your app" in errors(response)
    response = verified.post(url, {"password": "not-the-password"})
    assert "That password is not right" in errors(response)
    assert is_on(staff)
    assert len(events(Kind.SIGN_IN_FAILED)) == 1  # counted like any wrong password

    response = verified.post(url, {"password": PASSWORD})
    assert response["Location"] == reverse("two_step:account")
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    [off] = events(Kind.TWO_STEP_OFF)
    assert off.user == staff and off.detail == {"confirmed_with": "password"}
    assert verified.get(reverse("home")).status_code == 200

    # Signing in now takes the password only.
    verified.post(reverse("logout"))
    sign_in(verified, staff)
    assert verified.get(reverse("home")).status_code == 200


@pytest.mark.both_databases  # the code checked under a lock
def test_turning_it_off_with_a_code_instead(verified, staff):
    url = reverse("two_step:turn_off")
    unthrottle(staff)
    response = verified.post(url, {"code": "000000"})
    assert "That code is not right" in errors(response)
    assert events(Kind.TWO_STEP_FAILED)[-1].detail["for"] == "to turn off two-step verification"
    unthrottle(staff)
    response = verified.post(url, {"code": code_for(app_device(staff))})
    assert response.status_code == 302 and not is_on(staff)
    assert events(Kind.TWO_STEP_OFF)[0].detail == {"confirmed_with": two_step.APP}


@pytest.mark.both_databases  # replaced in one transaction
def test_new_backup_codes_replace_the_old_ones(verified, staff):
    old = verified.codes
    url = reverse("two_step:backup_codes")
    page = verified.get(url).content.decode()
    assert "You have 10 backup codes left" in page and "<code>" not in page
    assert "That password is not right" in errors(verified.post(url, {"password": "nope"}))
    response = verified.post(url, {"password": PASSWORD})
    assert response["Location"] == url
    shown = re.findall(r"<code>(\w{4} \w{4})</code>", verified.get(url).content.decode())
    new = {code.replace(" ", "") for code in shown}
    assert len(new) == 10 and not new & set(old)
    [made] = events(Kind.BACKUP_CODES_MADE)
    assert made.detail == {"count": 10, "confirmed_with": "password"}
    verified.post(reverse("logout"))
    sign_in(verified, staff)
    assert "not right" in errors(give_code(verified, backup_code=old[0]))
    unthrottle(staff)
    assert give_code(verified, backup_code=sorted(new)[0]).status_code == 302


def test_pages_for_turning_it_off_need_it_on(client_for):
    client = client_for("chair")
    for name in ["turn_off", "backup_codes"]:
        assert client.get(reverse(f"two_step:{name}"))["Location"] == reverse("two_step:account")


# --- Every persona ------------------------------------------------------------------------

ACCOUNT_PAGES = {"staff": 200, "chair": 200, "board": 200, "outsider": 200, "anonymous": 302}
NEEDS_IT_ON = {**ACCOUNT_PAGES, "staff": 302, "chair": 302, "board": 302, "outsider": 302}


@pytest.mark.parametrize("persona", ["staff", "chair", "board", "outsider", "anonymous"])
@pytest.mark.parametrize(
    "name, expected",
    [
        ("two_step:account", ACCOUNT_PAGES),
        ("two_step:set_up", NEEDS_IT_ON),  # until "two_step:start" makes a key
        ("two_step:backup_codes", NEEDS_IT_ON),
        ("two_step:turn_off", NEEDS_IT_ON),
        ("two_step:verify", NEEDS_IT_ON),  # nothing to ask: on to the home page
    ],
)
def test_every_persona(client_for, persona, name, expected):
    response = client_for(persona).get(reverse(name))
    assert response.status_code == expected[persona]
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["staff", "board", "anonymous"])
def test_start_takes_post_only(client_for, persona):
    response = client_for(persona).get(reverse("two_step:start"))
    assert response.status_code == (302 if persona == "anonymous" else 405)
    assert not TOTPDevice.objects.exists()


def test_only_staff_are_urged_to_turn_it_on(client_for):
    for persona, urged in [("staff", True), ("outsider", True), ("chair", False), ("board", False)]:
        page = client_for(persona).get(reverse("two_step:account")).content.decode()
        assert ('id="two-step-recommended"' in page) is urged, persona


# --- Business support staff turn it off for a member who lost their phone -----------------


def reset_url(user, slug="merton"):
    membership = Membership.objects.get(user=user)
    return reverse("plans:member_two_step_reset", args=[slug, membership.pk])


@pytest.mark.parametrize(
    "persona, expected",
    [("staff", 200), ("chair", 403), ("board", 403), ("outsider", 404), ("anonymous", 302)],
)
def test_only_the_partnerships_staff_reach_a_members_reset(client_for, personas, persona, expected):
    lead = UserFactory(username="lead")
    merton = Partnership.objects.get(slug="merton")
    Membership.objects.create(user=lead, partnership=merton, role=Membership.Role.CHAIR)
    turn_on(lead)
    client = client_for(persona)
    slug = "medway" if persona == "outsider" else "merton"
    assert client.get(reset_url(lead, slug)).status_code == expected
    assert client.post(reset_url(lead, slug)).status_code in {expected, 302}
    assert is_on(lead) is (persona != "staff")


def test_staff_turn_it_off_for_a_member_and_the_audit_log_says_so(client_for, personas):
    chair = personas["chair"]
    turn_on(chair)
    client = client_for("staff")
    members = client.get(reverse("plans:members", args=["merton"])).content.decode()
    assert reset_url(chair) in members  # the chair's row: On, with the link
    assert reset_url(personas["staff"]) not in members  # not for oneself
    page = client.get(reset_url(chair)).content.decode()
    assert "Turn off two-step verification for Chair?" in page
    response = client.post(reset_url(chair), follow=True)
    assert "Turned off two-step verification for Chair." in response.content.decode()
    assert not is_on(chair)
    assert not StaticToken.objects.filter(device__user=chair).exists()
    [event] = events(Kind.TWO_STEP_OFF)
    assert (event.user, event.partnership.slug, event.detail["for_user"]) == (
        personas["staff"],
        "merton",
        "chair-persona",
    )
    # They sign in with the password alone now.
    client.logout()
    assert sign_in(client, chair)["Location"] == reverse("home")


@pytest.mark.parametrize("case", ["self", "admin", "two partnerships", "not on"])
def test_staff_are_refused_where_someone_else_must_do_it(client_for, personas, case):
    staff, board = personas["staff"], personas["board"]
    target = staff if case == "self" else board
    if case != "not on":
        turn_on(target)
    if case == "admin":
        board.is_staff = True
        board.save()
    if case == "two partnerships":
        Membership.objects.create(
            user=board, partnership=Partnership.objects.get(slug="medway"), role="board"
        )
    client = client_for("staff")
    if case == "self":  # verified first, as a user with two-step on must be
        client.logout()
        sign_in(client, staff)
        give_code(client, code_for(app_device(staff)))
    url = (
        reset_url(target)
        if case != "two partnerships"
        else reverse(
            "plans:member_two_step_reset",
            args=["merton", Membership.objects.get(user=board, partnership__slug="merton").pk],
        )
    )
    response = client.post(url, follow=True)
    message = {
        "self": "Turn off your own two-step verification from Your account.",
        "admin": "ask a site administrator",
        "two partnerships": "belongs to another partnership too",
        "not on": "has not turned on two-step verification",
    }[case]
    assert message in response.content.decode()
    assert is_on(target) is (case != "not on")
    assert not events(Kind.TWO_STEP_OFF)


def test_removing_a_users_devices_in_the_admin_is_audited(client, staff, personas):
    admin_user = personas["board"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    device, _ = turn_on(staff)
    client.force_login(admin_user)
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    statics = reverse("admin:otp_static_staticdevice_changelist")
    static = StaticDevice.objects.get(user=staff)
    data = {"action": "delete_selected", "_selected_action": [static.pk], "post": "yes"}
    assert client.post(statics, data).status_code == 302
    assert not is_on(staff) and not StaticDevice.objects.filter(user=staff).exists()
    removed = events(Kind.TWO_STEP_OFF)
    assert [(e.user, e.detail["for_user"], e.detail["in_admin"]) for e in removed] == [
        (admin_user, "staff-persona", True),
        (admin_user, "staff-persona", True),
    ]
    assert [e.detail["device"] for e in removed] == ["Authenticator app", "Backup codes"]


def test_stay_signed_in_is_a_request_that_keeps_the_session(client_for):
    """The timeout warning's "Stay signed in" (front.views.account.keep_alive)."""
    assert client_for("chair").get(reverse("two_step:keep_alive")).status_code == 204
    assert client_for("anonymous").get(reverse("two_step:keep_alive")).status_code == 302
