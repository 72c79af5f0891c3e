"""Worker processes that survive their workers: the local engine of `run.py`.

`run_pool(tasks, init, init_args, jobs, budget)` starts `jobs` processes, each
building its worker once (`init(*init_args)`, e.g. loading the model), and
hands every process one task at a time over its own pipe, so the parent always
knows which task each process holds. It yields `Done(task, result)` or
`Lost(task, reason, events)`:

- a process that dies (kill -9, the OOM killer, a crash in C code) costs at
  most its task: the task is retried once in a fresh process, and if that one
  dies too the task is `Lost` with `worker died: signal 9`;
- a task that runs past `budget` seconds is stopped (its process is killed
  and replaced) and `Lost` with the stage it was in;
- an exception raised by the worker is the worker's business (run.py's
  `FileWorker` turns every error into a failure row), but one that escapes
  still costs only its task.

While working, a worker may send events about its task (`report(event)`:
the stage it is in, the sha256 it read); they come back in `Lost.events`.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait

# Seconds one task may take before it is stopped (`make extract` files: an
# issue takes well under a second, the largest file read about 15 s).
DEFAULT_BUDGET = 60.0
# A process that dies before it is ready (while building its worker) this many
# times in a row means no process can start: the run stops with the reason.
MAX_START_FAILURES = 3


class PoolError(RuntimeError):
    """No worker process can start (the reason is one line)."""


@dataclass
class Done:
    task: object
    result: object


@dataclass
class Lost:
    task: object
    reason: str  # one line: "worker died: signal 9", "stopped: over the 60 s time budget per file (in ner)"
    events: list = field(default_factory=list)  # what the worker reported about the task

    def last(self, kind: str):
        """The payload of the last event of `kind` (e.g. "stage"), or None."""
        return next((event[1:] for event in reversed(self.events) if event[0] == kind), None)


def exit_with_parent() -> None:
    """A worker whose run was killed (kill -9) would wait for work forever:
    a daemon thread ends it once its parent is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _one_line(err: BaseException) -> str:
    return f"{type(err).__name__}: {' '.join(str(err).split())[:200]}"


def _child(conn, init, init_args) -> None:
    exit_with_parent()
    try:
        worker = init(*init_args)
    except BaseException as err:
        conn.send(("failed", _one_line(err)))
        return
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        try:
            conn.send(("done", worker(task, lambda event: conn.send(("event", event)))))
        except Exception as err:
            conn.send(("error", _one_line(err)))


class _Process:
    """One worker process, its pipe, and the task it holds: (index, task) or None."""

    def __init__(self, context, init, init_args, first=None):
        self.conn, child_end = context.Pipe()
        self.process = context.Process(target=_child, args=(child_end, init, init_args), daemon=True)
        self.process.start()
        child_end.close()
        self.ready = False
        self.first = first  # a retried task, kept for this fresh process
        self.task = None
        self.started = 0.0
        self.events: list = []

    def feed(self, pending: deque) -> None:
        """Give the process its next task when it is ready and idle."""
        if not self.ready or self.task is not None or not (self.first or pending):
            return
        self.task = self.first or pending.popleft()
        self.first, self.started, self.events = None, time.monotonic(), []
        try:
            self.conn.send(self.task[1])
        except OSError:
            pass  # it died: seen when its sentinel fires

    def collect(self):
        """Read what the process sent: a Done or Lost for its task, or None."""
        try:
            while self.conn.poll():
                kind, payload = self.conn.recv()
                if kind == "ready":
                    self.ready = True
                elif kind == "failed":
                    raise PoolError(f"a worker process cannot start: {payload}")
                elif kind == "event":
                    self.events.append(payload)
                elif self.task is not None:  # "done" or "error"
                    (_, task), self.task = self.task, None
                    if kind == "done":
                        return Done(task, payload)
                    return Lost(task, f"internal error: {payload}", self.events)
        except (EOFError, OSError):
            pass  # the pipe closed: the process is gone, which the caller sees
        return None

    def overdue(self, budget: float | None) -> bool:
        return bool(budget) and self.task is not None and time.monotonic() - self.started > budget

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()

    def death(self) -> str:
        code = self.process.exitcode
        return f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"


def _context():
    # fork: a worker starts in milliseconds with the parent's code already loaded.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_pool(tasks, init, init_args: tuple, jobs: int, budget: float | None = None, retries: int = 1):
    """Yield a `Done` or a `Lost` for every task, as they complete (see the module doc)."""
    pending = deque(enumerate(tasks))
    if not pending:
        return
    context = _context()

    def spawn(first=None) -> _Process:
        return _Process(context, init, init_args, first)

    deaths: dict[int, int] = {}  # task index -> processes that died holding it
    start_failures = 0
    procs = [spawn() for _ in range(min(jobs, len(pending)))]
    try:
        while procs:
            for p in procs:
                p.feed(pending)
            deadlines = [p.started + budget for p in procs if p.task is not None] if budget else []
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            wait([p.conn for p in procs] + [p.process.sentinel for p in procs], timeout)
            outcomes, alive, error = [], [], None
            for p in procs:
                try:
                    done = p.collect()
                except PoolError as err:
                    error, done = err, None
                if done is not None:
                    outcomes.append(done)
                if p.ready:
                    start_failures = 0
                if p.overdue(budget):
                    p.stop()
                    stage = next((e[1] for e in reversed(p.events) if e[0] == "stage"), None)
                    where = f" (in {stage})" if stage else ""
                    outcomes.append(Lost(p.task[1], f"stopped: over the {budget:g} s time budget per file{where}",
                                         p.events))
                    p.task = None
                elif p.process.is_alive():
                    alive.append(p)
                    continue
                else:
                    p.stop()
                    if not p.ready:
                        start_failures += 1
                        if start_failures >= MAX_START_FAILURES:
                            error = PoolError(f"worker processes die while starting ({p.death()})")
                    if p.task is not None:
                        index = p.task[0]
                        deaths[index] = deaths.get(index, 0) + 1
                        if deaths[index] <= retries:  # once more, in a fresh process
                            p.first, p.task = p.task, None
                        else:
                            outcomes.append(Lost(p.task[1], f"worker died: {p.death()}", p.events))
                            p.task = None
                if p.first is not None or pending:  # a replacement, only when there is work for it
                    alive.append(spawn(p.first))
            procs = alive
            if error is not None:
                raise error
            if not pending and all(p.task is None and p.first is None for p in procs):
                procs, idle = [], procs
                _close(idle)
            yield from outcomes
    finally:
        _close(procs)


def _close(procs: list[_Process]) -> None:
    """Ask idle processes to exit; kill those still starting (and the slow)."""
    for p in procs:
        try:
            if p.ready and p.task is None:
                p.conn.send(None)
            else:
                p.process.kill()
        except OSError:
            pass
    deadline = time.monotonic() + 5
    for p in procs:
        p.process.join(timeout=max(0.0, deadline - time.monotonic()))
        p.stop()
