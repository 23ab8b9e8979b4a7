"""Makes the test provider's database: its tables, its users, and the app registered as a
client. Run in a process of its own, with the provider's environment:
python -m tests.oidc_provider.seed '{"users": [...], "password": ..., "client_id": ...}'"""

import json
import sys

import django


def seed(config: dict) -> None:
    django.setup()
    # Only once django.setup() has run: these need the provider's apps loaded.
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for user in config["users"]:
        get_user_model().objects.create_user(
            user["email"],
            email=user["email"],
            password=config["password"],
            first_name=user["first_name"],
            last_name=user["last_name"],
        )
    Application.objects.create(
        name="Partnership plans",
        client_id=config["client_id"],
        client_secret=config["client_secret"],  # kept hashed, as the provider does
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=config["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


if __name__ == "__main__":
    seed(json.loads(sys.argv[1]))
