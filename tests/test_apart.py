"""Work done in a process of its own (reporting.apart), as every PDF is laid out: its result
comes back; an error comes back in words; a process that dies, or runs past a time limit,
fails that work and is gone, and the caller carries on."""

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from reporting.apart import FailedApart, run_apart
from reporting.time_limits import RenderTookTooLong, time_limit


def double(number):
    return number * 2, os.getpid()


def fail():
    raise ValueError("the layout went wrong")


def die():
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer does


def sleep_forever(pid_file):
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(3600)


def test_the_result_comes_back_from_another_process():
    value, pid = run_apart(double, 21)
    assert value == 42 and pid != os.getpid()


def test_an_error_comes_back_in_words():
    with pytest.raises(FailedApart, match="ValueError: the layout went wrong"):
        run_apart(fail)


def test_a_process_killed_without_a_word_is_taken_for_out_of_memory():
    with pytest.raises(MemoryError, match="ended with code -9"):
        run_apart(die)


def test_work_past_its_time_limit_is_killed(tmp_path):
    """The time limit's alarm goes off once the work has started (a thread sends it as soon
    as the pid file is written: no wall-clock bound), and the process goes with it."""
    pid_file = tmp_path / "pid"

    def alarm_once_started():
        while not pid_file.exists() or not pid_file.read_text():
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGALRM)

    threading.Thread(target=alarm_once_started, daemon=True).start()
    with pytest.raises(RenderTookTooLong), time_limit(3600):
        run_apart(sleep_forever, str(pid_file))
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)  # gone: killed, and reaped
