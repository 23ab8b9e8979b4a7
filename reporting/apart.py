"""Work done in a process of its own: each PDF's layout (reporting.pdf.lay_out).

The process is forked from a server process that has Django set up and WeasyPrint and the
PDF code loaded already (multiprocessing's forkserver, reporting/render_server.py), so it
starts in milliseconds. Why apart:
- the memory WeasyPrint takes (about 400 MB for a 500-action pack) goes back to the system
  when the render ends, instead of staying with the long-lived worker, and the worker's own
  objects are not in the render's way (measured: the same time, a lower peak);
- a render stopped at its time limit (reporting.time_limits) is killed, wherever it is: a
  signal cannot interrupt WeasyPrint inside Pango;
- a render that dies (the kernel's out-of-memory killer) fails that pack, not the worker.
"""

import multiprocessing
from multiprocessing.connection import wait
from pathlib import Path

CONTEXT = multiprocessing.get_context("forkserver")
CONTEXT.set_forkserver_preload(["reporting.render_server"])


class FailedApart(Exception):
    """The work raised in its process: the error's type and message (the traceback stays in
    that process's log)."""


def run_apart(function, *args):
    """function(*args) in a process of its own; what it returns (pickled back). Raises
    FailedApart if it raised, and MemoryError if its process was killed without a word (the
    kernel's out-of-memory killer)."""
    return run_apart_many(function, [args], processes=1)[0]


def run_apart_many(function, calls: list[tuple], processes: int = 2) -> list:
    """function(*args) for each args in calls, each in a process of its own, at most
    `processes` at once; their results in the order of calls. Raises as run_apart does, for
    the first that fails; every process still running is then killed, as it is when the
    caller is interrupted (a time limit's signal arrives in this, the main, thread)."""
    results: list = [None] * len(calls)
    waiting = list(enumerate(calls))
    running: dict = {}  # the pipe it answers on: (its call's index, the process)
    try:
        while waiting or running:
            while waiting and len(running) < processes:
                index, args = waiting.pop(0)
                receive, send = CONTEXT.Pipe(duplex=False)
                process = CONTEXT.Process(
                    target=run_and_send, args=(send, function, args), daemon=True
                )
                process.start()
                send.close()
                running[receive] = (index, process)
            for receive in wait(list(running)):
                index, process = running.pop(receive)
                try:
                    outcome, value = receive.recv()
                except EOFError:
                    process.join()
                    raise MemoryError(
                        f"the render's process ended with code {process.exitcode}"
                    ) from None
                finally:
                    receive.close()
                process.join()
                if outcome == "failed":
                    raise FailedApart(value)
                results[index] = value
    finally:
        for receive, (_, process) in running.items():
            process.kill()
            process.join()
            receive.close()
    return results


def run_and_send(send, function, args) -> None:
    """In the process apart: send back ("done", result) or ("failed", the error in words)."""
    try:
        result = ("done", function(*args))
    except Exception as error:  # noqa: BLE001 - whatever it raised, said in words
        result = ("failed", f"{type(error).__name__}: {error}")
    send.send(result)
    send.close()


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
