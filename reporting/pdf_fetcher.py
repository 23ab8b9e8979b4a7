"""The PDF renderer's sandbox: WeasyPrint may fetch nothing but the app's own static files
and data: URIs. Untrusted HTML could otherwise make it read local files (file://) or fetch
URLs; this fetcher refuses both, and follows no redirects."""

import base64
import binascii
import mimetypes
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the pack resolve against this origin; .invalid never resolves (RFC 2606).
# The fetcher maps APP_ORIGIN + STATIC_URL to the app's static files and refuses the rest.
APP_ORIGIN = "https://pack.invalid"
BASE_URL = APP_ORIGIN + "/"


class FetchRefused(ValueError):
    """The pack asked for a resource it may not have (WeasyPrint logs it and carries on)."""


class StaticOnlyURLFetcher(URLFetcher):
    """Fetches data: URIs and the app's own static files; refuses everything else.

    No network, no file:// URLs, no redirects (nothing is ever opened through urllib's
    openers, so there is nothing to redirect). Every URL asked for is recorded in
    `attempted`, and every refusal in `refused`, so tests can see what a render tried.
    """

    def __init__(self, **kwargs):
        # fetch() below replaces the parent's, which would open URLs through urllib.
        super().__init__(allow_redirects=False, **kwargs)
        self.attempted: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        self.attempted.append(url)
        try:
            return self._fetch(url)
        except FetchRefused:
            self.refused.append(url)
            raise

    def _fetch(self, url: str) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            body, content_type = decode_data_uri(url)
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        path = static_path(url)
        if path is None:
            raise FetchRefused(f"The meeting pack may not fetch {url!r}.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def decode_data_uri(url: str) -> tuple[bytes, str]:
    """The bytes and media type of a data: URI (RFC 2397), decoded without urllib."""
    header, comma, data = url[5:].partition(",")
    if not comma:
        raise FetchRefused("A data: URI needs a comma before its data.")
    media_type, is_base64 = header, header.lower().endswith(";base64")
    if is_base64:
        media_type = header[: -len(";base64")]
    raw = unquote_to_bytes(data)
    try:
        body = base64.b64decode(raw) if is_base64 else raw
    except binascii.Error as error:
        raise FetchRefused("A data: URI with bad base64.") from error
    return body, media_type or "text/plain;charset=US-ASCII"


def static_path(url: str) -> Path | None:
    """The file behind one of the app's own static URLs, or None for any other URL."""
    parts = urlsplit(url)
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if (
        f"{parts.scheme}://{parts.netloc}".lower() != APP_ORIGIN
        or parts.query
        or not parts.path.startswith(static_prefix)
    ):
        return None
    relative = unquote(parts.path[len(static_prefix) :])
    segments = relative.split("/")
    if not relative or "\\" in relative or "\x00" in relative or ".." in segments:
        return None
    found = finders.find(relative)
    if not found:
        return None
    path = Path(found).resolve()
    if not path.is_file() or not path.is_relative_to(Path(settings.BASE_DIR).resolve()):
        return None
    return path


# --- What the templates show, computed once in Python ------------------------------------
