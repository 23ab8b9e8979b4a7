"""Single sign-on's pages: mozilla-django-oidc's views (mscp.settings names these as its
OIDC_AUTHENTICATE_CLASS and OIDC_CALLBACK_CLASS), and the page that says why a sign-in there
did not sign anyone in. The rule of who may sign in is plans.single_sign_on's."""

import logging

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render, resolve_url
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from plans import audit, two_step
from plans import single_sign_on as rules

logger = logging.getLogger(__name__)

# A sign-in that went wrong on the way, rather than one refused by our rule: a state that is
# not this session's, a token whose signature does not check, a provider that did not answer.
PROBLEM = "problem"
# The refusal page's words for each reason; any other refusal is NOT_A_MEMBER's.
REASONS = {
    rules.NOT_A_MEMBER: (
        "Your email address is not that of a member or an invited member of a partnership "
        "that uses single sign-on.",
        "Ask your partnership's business support staff to invite you, or sign in with your "
        "password.",
    ),
    rules.UNVERIFIED: (
        "Your organisation's sign-in did not confirm that your email address is yours.",
        "Ask your organisation's IT service desk about it, or sign in with your password.",
    ),
    PROBLEM: (
        "The sign-in did not finish, or its answer to this site could not be checked, so you "
        "have not been signed in.",
        "Try again from the sign-in page, or sign in with your password.",
    ),
}


class ConfiguredOnly:
    """Single sign-on's views answer 404 when this deployment does not have it."""

    def dispatch(self, request, *args, **kwargs):
        if not rules.configured():
            raise Http404("Single sign-on is not set up here.")
        return super().dispatch(request, *args, **kwargs)


class Start(ConfiguredOnly, OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in, with a state and a nonce kept in the
    session (and a PKCE code verifier)."""


class Callback(ConfiguredOnly, OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: the code is exchanged for tokens, the ID
    token checked, and the user matched (plans.single_sign_on.Backend)."""

    @property
    def failure_url(self):
        reason = getattr(self.request, "single_sign_on_refusal", PROBLEM)
        return f"{resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)}?reason={reason}"

    def get(self, request):
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError) as problem:
            # mozilla-django-oidc lets these through (a state not of this session, a bad
            # signature, a provider that refused the code): Django would answer 400 or 500.
            logger.warning("Single sign-on failed: %s", problem)
            audit.record(
                audit.Kind.SIGN_IN_FAILED,
                request=request,
                summary=f"Single sign-on failed: {problem}",
            )
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        two_step.mark_single_sign_on(self.request)
        return response


@require_GET
def refused(request):
    """Public, like the sign-in page: it shows nothing of anyone's."""
    if not rules.configured():
        raise Http404("Single sign-on is not set up here.")
    reason = request.GET.get("reason", "")
    why, advice = REASONS.get(reason, REASONS[rules.NOT_A_MEMBER])
    return render(
        request,
        "registration/sso_refused.html",
        {"provider": settings.MSCP_OIDC_PROVIDER_NAME, "why": why, "advice": advice},
    )
