"""Records -> Arrow tables with the schemas of `schemas.py`, and the OUT folder.

- `StagedTables`: the tables of a run are written under temporary names in
  OUT and published as a set: a journal (`OUT/.publish.json`) naming the
  staged files is written, then each is renamed into place, then the journal
  is removed. A run killed during the renames leaves the journal, and
  `roll_forward` (called by the next run and by `pipeline.load`) finishes
  them: after a kill at any instant OUT holds the old set or the new set.
  Every table carries the id of the run that wrote it (`run_id`), so a mixed
  set is recognised (`check_one_run`) whatever made it.
- `OutLock`: one run per OUT at a time, an exclusive `flock` on `OUT/.lock`
  that the kernel releases when its holder dies.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .records import Failure, Issue
from .schemas import TABLES

JOURNAL = ".publish.json"
LOCK = ".lock"
RUN_ID_KEY = b"pipeline.run_id"  # in each table's Parquet key-value metadata


def issue_rows(issue: Issue) -> dict[str, list[dict]]:
    """The rows one issue contributes to issues, articles, bylines and failures."""
    src, mh = issue.source, issue.masthead
    rows: dict[str, list[dict]] = {name: [] for name in ("issues", "articles", "bylines", "failures")}
    rows["issues"].append(dict(
        issue_id=src.issue_id, source_file=src.source_file, sha256=src.sha256, paper=issue.paper,
        issue_date=issue.issue_date, date_source=issue.date_source, issue_number=mh.issue_number,
        lunar_date=mh.lunar_date, pages=mh.pages, n_articles=len(issue.articles), weekday=mh.weekday,
        encoding=src.encoding, n_chars=len(src.text),
    ))
    for a in issue.articles:
        rows["articles"].append(dict(
            article_id=a.article_id, issue_id=a.issue_id, seq=a.seq, headline=a.headline, kicker=a.kicker,
            subtitle=a.subtitle, kind=a.kind, source=a.source, dateline=a.dateline, body=a.body,
            raw_start=a.raw_start, raw_end=a.raw_end, dateline_place=a.dateline_place,
            continued_from=a.continued_from, continues_on=a.continues_on, issue_date=issue.issue_date,
            n_chars=len(a.body),
        ))
        for b in a.bylines:
            rows["bylines"].append(dict(article_id=a.article_id, name=b.name, role=b.role, credit=b.credit, issue_id=a.issue_id))
    rows["failures"] = [failure_row(w) for w in issue.warnings]
    return rows


def failure_row(f: Failure) -> dict:
    return dict(source_file=f.source_file, sha256=f.sha256, stage=f.stage, severity=f.severity, reason=f.reason)


def to_table(name: str, rows: list[dict]) -> pa.Table:
    schema = TABLES[name]
    return pa.Table.from_pylist(rows, schema=schema)


class StagedTables:
    """Tables written under temporary names in OUT and published together by
    `publish` (see the module doc); whatever was not published is removed
    when the block ends.

        with StagedTables(out) as staged:
            staged.write("issues", table)
            staged.publish()
    """

    def __init__(self, out_dir: Path, run_id: str | None = None):
        self.out_dir = Path(out_dir)
        self.run_id = run_id or uuid.uuid4().hex[:16]
        self.staged: list[tuple[str, str]] = []

    def __enter__(self) -> StagedTables:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        return self

    def path(self, name: str) -> str:
        """A new temporary file for table `name` (registered before anything is
        written to it, so a failed write is cleaned up too)."""
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".parquet.tmp", dir=self.out_dir)
        os.close(fd)
        self.staged.append((name, tmp))
        return tmp

    def schema(self, name: str) -> pa.Schema:
        """The table's schema, stamped with this run's id."""
        schema = TABLES[name]
        return schema.with_metadata({**(schema.metadata or {}), RUN_ID_KEY: self.run_id.encode()})

    def writer(self, name: str) -> pq.ParquetWriter:
        """A writer for table `name`, to be written batch by batch."""
        return pq.ParquetWriter(self.path(name), self.schema(name))

    def write(self, name: str, table: pa.Table) -> None:
        stamp = {**(table.schema.metadata or {}), RUN_ID_KEY: self.run_id.encode()}
        pq.write_table(table.replace_schema_metadata(stamp), self.path(name))

    def publish(self) -> None:
        for _, tmp in self.staged:
            os.chmod(tmp, 0o644)  # mkstemp makes files private; tables are for everyone
            _fsync(tmp)
        journal = {"run_id": self.run_id, "tables": {name: os.path.basename(tmp) for name, tmp in self.staged}}
        write_text_atomic(self.out_dir / JOURNAL, json.dumps(journal))
        for name, tmp in self.staged:
            os.replace(tmp, self.out_dir / f"{name}.parquet")
        _fsync(self.out_dir)
        os.unlink(self.out_dir / JOURNAL)

    def __exit__(self, *exc) -> None:
        for _, tmp in self.staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def write_tables(tables: dict[str, pa.Table], out_dir: Path) -> None:
    """Write every table as OUT/<name>.parquet, published as a set."""
    with StagedTables(out_dir) as staged:
        for name, table in tables.items():
            staged.write(name, table)
        staged.publish()


def write_text_atomic(path: Path, text: str) -> None:
    """Write a small file (JSON) under a temporary name, fsync it and rename it
    into place, readable by all like the tables."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _fsync(path.parent)


def _fsync(path) -> None:
    """Flush a file or a folder to disk (a rename is durable once its folder is).
    A file system that cannot flush a folder (EINVAL) is let be: the renames
    are atomic all the same, only their durability on power loss is its own."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as err:
        if not (os.path.isdir(path) and err.errno in (errno.EINVAL, errno.ENOTSUP, errno.EBADF)):
            raise
    finally:
        os.close(fd)


# -- an interrupted publish -----------------------------------------------------------

def roll_forward(out_dir: Path) -> str | None:
    """Finish a publish that a killed run left half done (the caller holds the
    OutLock). Returns a one-line notice when there was something to do."""
    out = Path(out_dir)
    journal = out / JOURNAL
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        staged = data["tables"]
        if not isinstance(staged, dict):
            raise TypeError("tables is not an object")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as err:
        journal.unlink(missing_ok=True)
        return f"removed a damaged publish journal {JOURNAL} ({type(err).__name__})"
    renamed = 0
    for name, tmp in staged.items():
        if name in TABLES and isinstance(tmp, str) and "/" not in tmp and (out / tmp).is_file():
            os.replace(out / tmp, out / f"{name}.parquet")
            renamed += 1
    _fsync(out)
    journal.unlink()
    return f"finished publishing the tables of an interrupted run ({renamed} renamed)" if renamed else None


class MixedTables(RuntimeError):
    """OUT holds tables written by different runs."""


def table_run_ids(out_dir: Path) -> dict[str, str | None]:
    """The run id stamped in each table file of OUT (None: written before run ids)."""
    ids = {}
    for name in TABLES:
        path = Path(out_dir) / f"{name}.parquet"
        if path.exists():
            metadata = pq.read_schema(path).metadata or {}
            ids[name] = metadata[RUN_ID_KEY].decode() if RUN_ID_KEY in metadata else None
    return ids


def check_one_run(out_dir: Path, ids: dict[str, str | None]) -> None:
    """Raise MixedTables unless all the tables of `ids` come from one run."""
    runs: dict[str | None, list[str]] = {}
    for name, run_id in ids.items():
        runs.setdefault(run_id, []).append(name)
    if len(runs) > 1:
        parts = "; ".join(f"{', '.join(names)} from run {run_id or 'unknown'}" for run_id, names in runs.items())
        raise MixedTables(f"{out_dir} holds tables of different runs ({parts}): run "
                          f"`python -m pipeline extract RAW {out_dir}` again to make a consistent set")


def settle(out_dir: Path, wait_seconds: float = 60.0) -> None:
    """Before reading OUT: finish an interrupted publish, or wait for the run
    that is publishing right now. Raises MixedTables when neither can be done."""
    out = Path(out_dir)
    deadline = time.monotonic() + wait_seconds
    while (out / JOURNAL).exists():
        try:
            with OutLock(out):
                roll_forward(out)
            return
        except OutLocked:  # a run is at work: its publish takes a moment
            if time.monotonic() > deadline:
                raise MixedTables(f"{out} is being published by a run that holds it for over "
                                  f"{wait_seconds:g} s; read it once that run has ended") from None
            time.sleep(0.2)
        except OSError as err:
            raise MixedTables(f"{out} holds the tables of a run that stopped while publishing them, and they "
                              f"cannot be completed here ({err.strerror or err}): run extract again") from None


def read_published(out_dir: Path, names: tuple[str, ...]) -> dict[str, pa.Table]:
    """Tables `names` of OUT as Arrow tables (empty ones for missing files), all
    of one run: an interrupted publish is finished first, one in progress is
    waited for, and a mixed set raises MixedTables."""
    out = Path(out_dir)
    for attempt in range(3):
        settle(out)
        ids = table_run_ids(out)
        try:
            check_one_run(out, ids)
        except MixedTables:
            if attempt < 2 and (out / JOURNAL).exists():
                continue  # a run began publishing since `settle`
            raise
        read = {}
        for name in names:
            path = out / f"{name}.parquet"
            read[name] = pq.read_table(path) if path.exists() else TABLES[name].empty_table()
        stamps = {name: (read[name].schema.metadata or {}).get(RUN_ID_KEY) for name in names if name in ids}
        if all(stamp == (ids[name].encode() if ids[name] else None) for name, stamp in stamps.items()):
            return read
    raise MixedTables(f"the tables of {out} were replaced three times while being read: read them again "
                      "once the runs writing them have ended")


# -- one run at a time -------------------------------------------------------------------

class OutLocked(RuntimeError):
    """Another run holds OUT (the message is one line, with its pid)."""


_HELD_LOCKS: set[int] = set()


def _close_inherited_locks() -> None:
    # A worker forked from the run must not keep the run's lock alive after the run dies.
    for fd in list(_HELD_LOCKS):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited_locks)


class OutLock:
    """An exclusive lock on OUT for one run; a second run is refused with a
    one-line `OutLocked` naming the holder, and never touches the first's files."""

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / LOCK
        self.fd: int | None = None

    def __enter__(self) -> OutLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                os.close(fd)
                raise  # no locks on this file system: said as an OSError of OUT
            holder = os.read(fd, 200).decode("utf-8", "replace").strip()
            os.close(fd)
            raise OutLocked(f"another run is writing to {self.path.parent} ({holder or 'pid unknown'}): "
                            "wait for it to end, or choose another OUT") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, since {dt.datetime.now():%Y-%m-%d %H:%M:%S}\n".encode())
        self.fd = fd
        _HELD_LOCKS.add(fd)
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            _HELD_LOCKS.discard(self.fd)
            os.close(self.fd)  # closing releases the lock
            self.fd = None
