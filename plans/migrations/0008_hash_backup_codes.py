"""Backup codes kept until now as typed are replaced by their keyed hashes
(plans.two_step.hashed_backup_code, written out here as it is today)."""

from base64 import b32encode

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac

PLAIN = 8  # a code as typed: 8 base32 characters; a hash has 16


def hash_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    codes = StaticToken.objects.all()
    if codes.exists() and not settings.SECRET_KEY:
        # Hashed with no key, the codes would never match again once the site has its key.
        raise RuntimeError(
            "Backup codes are hashed with DJANGO_SECRET_KEY: set it (as the site has it) and "
            "run migrate again."
        )
    for token in codes:
        if len(token.token) == PLAIN:
            digest = salted_hmac("mscp.two_step.backup_code", token.token, algorithm="sha256")
            token.token = b32encode(digest.digest()).decode()[:16].lower()
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0007_audit_two_step_kinds"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_codes, migrations.RunPython.noop)]
