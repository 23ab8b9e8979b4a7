"""The limit on how fast one person saves (plans.write_limits), for every form of the site,
the admin's included: past MSCP_WRITES_PER_MINUTE saves in a minute, a save is refused with
a page that says why (429), and nothing is written."""

from django.conf import settings
from django.shortcuts import render

from plans.write_limits import count_write

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class WriteLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MSCP_WRITES_PER_MINUTE
        if (
            limit
            and request.method not in SAFE_METHODS
            and request.user.is_authenticated
            and count_write(request.user) > limit
        ):
            return render(request, "write_limit.html", {"limit": limit}, status=429)
        return self.get_response(request)
