"""The test provider's pages: its own sign-in, django-oauth-toolkit's OAuth 2 and OpenID Connect
endpoints under /o/, and a wrong key set."""

import json
import os

from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import include, path


def wrong_keys(request):
    """A key set that names the provider's key but holds another one: an ID token checked
    against it fails its signature check (the bad signature test points the app here)."""
    return JsonResponse(json.loads(os.environ["OIDC_PROVIDER_WRONG_JWKS"]))


urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("wrong-keys.json", wrong_keys),
]
