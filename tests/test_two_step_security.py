"""Two-step verification against someone who has the password: backup codes kept hashed
(the database, and so every backup of it, holds none that signs in), and wrong codes that
count towards the lock-out whatever the password does."""

import gzip
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from plans import two_step
from tests.factories import UserFactory
from tests.test_two_step import code_for, give_code, sign_in, turn_on, unthrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_with_codes():
    user = UserFactory()
    codes = two_step.confirm_set_up(user, two_step.start_set_up(user))
    return user, codes


def test_backup_codes_are_stored_hashed_and_still_work_once(user_with_codes):
    user, codes = user_with_codes
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == two_step.BACKUP_CODE_COUNT
    assert not stored & set(codes)
    assert stored == {two_step.hashed_backup_code(code) for code in codes}

    assert two_step.check_backup_code(user, codes[3]).accepted
    assert two_step.backup_codes_left(user) == two_step.BACKUP_CODE_COUNT - 1
    assert not two_step.check_backup_code(user, codes[3]).accepted  # used up
    # The hash itself is no code.
    assert not two_step.check_backup_code(user, two_step.hashed_backup_code(codes[4])).accepted


def test_codes_made_before_the_secret_key_was_rotated_still_work(user_with_codes, settings):
    user, codes = user_with_codes
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-only-0123456789"  # noqa: S105
    assert two_step.check_backup_code(user, codes[0]).accepted
    assert not two_step.check_backup_code(user, codes[0]).accepted


def test_a_backup_holds_no_backup_code(user_with_codes, tmp_path):
    user, codes = user_with_codes
    call_command("backup", str(tmp_path), format="json", stdout=None)
    [path] = tmp_path.glob("mscp-*.json.gz")
    text = gzip.decompress(path.read_bytes()).decode()
    assert two_step.hashed_backup_code(codes[0]) in text  # the table is in the backup
    assert not [code for code in codes if code in text]


def test_the_migration_hashes_the_codes_kept_as_typed(user_with_codes):
    user, codes = user_with_codes
    device = StaticToken.objects.filter(device__user=user).first().device
    device.token_set.all().delete()
    StaticToken.objects.create(device=device, token="abcd2345")  # as django-otp kept it

    migration = importlib.import_module("plans.migrations.0008_hash_backup_codes")
    migration.hash_codes(apps, None)
    assert list(device.token_set.values_list("token", flat=True)) == [
        two_step.hashed_backup_code("abcd2345")
    ]
    assert two_step.check_backup_code(user, "abcd 2345").accepted


def test_giving_the_password_again_never_forgets_wrong_codes(client, personas):
    """Five wrong codes lock the sign-in out as five wrong passwords do, even when the
    password is given again between them (it used to reset the count)."""
    staff = personas["staff"]
    turn_on(staff)
    for wrong_codes in (2, 2):
        assert sign_in(client, staff).status_code == 302
        for _ in range(wrong_codes):
            unthrottle(staff)
            assert give_code(client, "000000").status_code == 200
        client.post(reverse("logout"))
    assert sign_in(client, staff).status_code == 302
    unthrottle(staff)
    response = give_code(client, "000000")  # the fifth
    assert response.status_code == 429
    assert "Sign-in locked for 30 minutes" in response.content.decode()
    assert sign_in(client, staff).status_code == 429  # the right password is refused too


def test_a_complete_sign_in_forgets_the_wrong_tries_before_it(client, personas):
    staff = personas["staff"]
    device, _ = turn_on(staff)
    assert sign_in(client, staff).status_code == 302
    for _ in range(4):
        unthrottle(staff)
        give_code(client, "000000")
    unthrottle(staff)
    assert give_code(client, code_for(device)).status_code == 302  # signed in
    client.post(reverse("logout"))
    assert sign_in(client, staff).status_code == 302
    for _ in range(4):  # four more wrong ones do not lock: the count started again
        unthrottle(staff)
        assert give_code(client, "000000").status_code == 200


def test_wrong_passwords_are_forgotten_once_signed_in_without_two_step(client, personas):
    chair = personas["chair"]
    for _ in range(4):
        client.post(reverse("login"), {"username": chair.username, "password": "wrong"})
    assert sign_in(client, chair).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert (
            client.post(
                reverse("login"), {"username": chair.username, "password": "wrong"}
            ).status_code
            == 200
        )
    assert sign_in(client, chair).status_code == 302
