"""/healthz/: for a load balancer or monitor. No sign-in, no data: "ok" or why not."""

import logging

from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_problem(connection) -> str | None:
    """None if the database answers a query, else a short description (never its details)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Error as error:
        # One line, not a traceback: a load balancer probes every few seconds.
        logger.warning("Health check: the database did not answer: %s", error)
        return "database unavailable"
    return None


@require_safe
@never_cache
def healthz(request):
    problem = database_problem(connections[DEFAULT_DB_ALIAS])
    if problem:
        return HttpResponse(problem, status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
