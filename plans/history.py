"""Who history records name as the author of a change made outside a request (an import, a
roll-forward): django-simple-history reads the author from the request it is given."""

from contextlib import contextmanager
from types import SimpleNamespace

from simple_history.models import HistoricalRecords


@contextmanager
def acting_as(user):
    """Record user as the author of every history record saved inside, as
    simple-history's middleware does for a request (so it holds outside requests too)."""
    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            del context.request
        else:
            context.request = previous
