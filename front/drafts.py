"""Nothing typed is lost: what someone sent from a form when their session had ended (signed
out after 30 idle minutes, or signed in again elsewhere, so the form's token no longer holds)
is kept in the session as a draft, and the form gives it back after sign-in.

    keep(request)        # a POST that cannot be saved now: its fields, kept for its page
    take(request)        # on that page, after sign-in: the draft (once), or None

A draft is kept only for a form sent from this site (its Origin or Referer is this host), so
a form posted from another site never puts words into anyone's form; and only up to LIMIT
characters. Sign-in carries the session's data over (django.contrib.auth.login cycles the
key of a session that had no user), so the draft survives it.
"""

from urllib.parse import urlsplit

from django.http import QueryDict
from django.urls import Resolver404, resolve

KEY = "mscp_drafts"
LIMIT = 20_000  # characters of a form's fields kept at most
NOT_KEPT = {"csrfmiddlewaretoken"}
# The forms that give a draft back (front.views.actions.progress_update): the two-minute
# update a chair types before a meeting. Elsewhere the typed words are shown to copy.
GIVEN_BACK = {"actions:update"}


def from_this_site(request) -> bool:
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return urlsplit(source).netloc == request.get_host()


def keep(request) -> bool:
    """Keep the POST's fields for its page, if it is one that gives them back (never the
    sign-in or any other page's: no password is ever kept); whether they were kept."""
    if request.method != "POST" or not from_this_site(request):
        return False
    if not given_back(request.path):
        return False
    fields = {name: request.POST.getlist(name) for name in request.POST if name not in NOT_KEPT}
    if not fields or sum(len(v) for values in fields.values() for v in values) > LIMIT:
        return False
    drafts = request.session.get(KEY) or {}
    drafts[request.path] = fields
    request.session[KEY] = drafts
    return True


def take(request) -> QueryDict | None:
    """The draft kept for this page, as the form's data, and no longer kept."""
    drafts = request.session.get(KEY) or {}
    fields = drafts.pop(request.path, None)
    if fields is None:
        return None
    request.session[KEY] = drafts
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        data.setlist(name, values)
    return data


def given_back(path: str) -> bool:
    """Whether the page at path gives a draft back to its form."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in GIVEN_BACK


SECRET = ("password", "code", "token", "otp", "secret")


def typed_words(request) -> list[tuple[str, str]]:
    """The text fields of the POST, to show someone what they typed: (name, text); never a
    password, code or token."""
    return [
        (name.replace("_", " ").capitalize(), value)
        for name in request.POST
        if name not in NOT_KEPT and not any(word in name.lower() for word in SECRET)
        for value in request.POST.getlist(name)
        if len(value) > 20 or " " in value.strip()
    ]


class KeepDraftMiddleware:
    """A form sent with no one signed in (the session had ended, or its cookie was gone) is
    kept as a draft before the page sends its sender to sign in. After the authentication
    and session timeout middleware; before the view, and so before the CSRF check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and not request.user.is_authenticated:
            keep(request)
        return self.get_response(request)
