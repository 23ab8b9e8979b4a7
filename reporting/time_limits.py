"""A time limit on a render, so that one stuck pack cannot hold the background worker."""

import signal
import threading
from contextlib import contextmanager


class RenderTookTooLong(Exception):
    pass


@contextmanager
def time_limit(seconds: float | None):
    """Raise RenderTookTooLong in this thread after `seconds` (a timer signal, so only in the
    main thread of a process, as the worker runs tasks; elsewhere, or with None, no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise RenderTookTooLong(f"Still rendering after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
