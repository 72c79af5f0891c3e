"""A whole run: every file under RAW -> the Parquet tables in OUT.

`run_extract` is what `make extract` and `python -m pipeline extract` call.

0. One run per OUT: the run holds `tables.OutLock` throughout, and first
   finishes a publish a killed run left half done (`tables.roll_forward`).
1. Each input file is handled on its own (`FileWorker`): read (once: the
   sha256 and the text come from the same bytes) -> structure -> NER, and its
   rows are written as small Arrow parts under
   `OUT/.work/parts/<table>/<key>.arrow` (a bad file writes a `failures`
   part: it never ends the run). Files are spread over `jobs` processes
   (`pool.run_pool`: each loads the model once; a process that dies costs at
   most its file, retried once; a file past the time budget is stopped), or
   over a Dask cluster with `engine="dask"`.
2. A manifest (`OUT/.work/manifest.json`) remembers the sha256 of the bytes
   each file was extracted from, and the fingerprint of the code, rules and
   model: a rerun redoes only the files that changed or are new, drops the
   parts of removed files, and gives the same tables as a run from scratch.
   A damaged manifest or part file is detected and rebuilt, with a notice.
3. `finish_run` resolves the mentions of all files (two streaming passes, see
   `resolve.Resolver`) and assembles the final tables from the parts, batch by
   batch, into temporary files that are published as a set at the end
   (`tables.StagedTables`). Memory does not grow with the number of files
   beyond the resolver's own tables.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
from tqdm import tqdm

from . import __version__
from .extract import extract_bytes
from .pool import DEFAULT_BUDGET, Lost, run_pool
from .read import ReadError, read_file, source_name
from .records import Failure, Issue
from .resolve import MentionRecord, PlaceIndex, Resolver, load_resolve_rules, mention_records
from .rules import DEFAULT_RULES_DIR, load_structure_rules
from .schemas import MENTIONS_RAW, TABLES, datapackage
from .tables import JOURNAL, OutLock, StagedTables, failure_row, issue_rows, roll_forward, write_text_atomic

# Files in RAW that document the folder rather than being issues.
DOC_FILES = ("README", "README.md", "README.txt")
WORK_DIR = ".work"
PART_TABLES = ("issues", "articles", "bylines", "failures", "mentions_raw")
# Parts read and written together when assembling a table.
ASSEMBLY_BATCH = 256


@dataclass
class RunSummary:
    files: int
    issues: int
    articles: int
    mentions: int
    errors: int
    warnings: int
    seconds: float
    reused: int = 0  # files whose parts from an earlier run were still valid
    stages: dict = field(default_factory=dict)  # seconds per stage, summed over workers
    redone: int = 0  # files read and extracted in this run
    notices: list = field(default_factory=list)  # one line each: damaged state rebuilt, a publish finished

    def line(self) -> str:
        reused = ""
        if self.reused:  # a rerun: say what it took from the last one
            reused = (", all unchanged (rows reused from the last run)" if self.reused == self.files else
                      f", {self.reused} unchanged (rows reused from the last run), {self.redone} extracted again")
        return (f"{self.files} files{reused}: {self.issues} issues, {self.articles} articles, {self.mentions} mentions, "
                f"{self.errors} failed, {self.warnings} warnings, {self.seconds:.1f} s")


# -- inputs ------------------------------------------------------------------

def discover_inputs(raw_dir: Path, unreadable: list[Failure] | None = None) -> list[Path]:
    """Every regular, non-hidden file under RAW (sorted), folder READMEs aside.

    Symbolic links are listed too (a broken or looping one fails at reading,
    with its reason); directories behind links are not walked into, and each
    such link is added to `unreadable` as a failure, as is a subfolder that
    cannot be listed and a file whose shown name (`read.source_name`) is
    another file's.
    """
    found = []

    def refuse(path: str, reason: str) -> None:
        if unreadable is not None:
            unreadable.append(Failure(source_name(Path(path), raw_dir), None, "read", "error", reason))

    def walk_error(err: OSError) -> None:
        if err.filename and Path(err.filename) != raw_dir:
            refuse(err.filename, f"cannot list folder: {err.strerror or err}")

    for root, dirs, files in os.walk(raw_dir, onerror=walk_error, followlinks=False):
        for name in dirs:
            if not name.startswith(".") and os.path.islink(os.path.join(root, name)):
                refuse(os.path.join(root, name), "a link to a folder: not followed (link or copy the files instead)")
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name in DOC_FILES:
                continue
            found.append(Path(root) / name)
    found.sort(key=lambda p: p.relative_to(raw_dir).as_posix())
    shown: dict[str, Path] = {}
    kept = []
    for path in found:
        name = source_name(path, raw_dir)
        if name in shown:
            refuse(str(path), f"its name shows as {name}, the name of another file: rename one of them")
        else:
            shown[name] = path
            kept.append(path)
    return kept


def file_sha256(path: Path) -> str | None:
    """sha256 of a file, read in chunks, to decide whether its parts can be
    reused (None when it cannot be read, or is no regular file: a pipe would
    block); the rows always come from the bytes the worker reads."""
    digest = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def part_key(raw_dir: Path, path: Path) -> str:
    """The name of a file's parts: from its path (its bytes, whatever they are)."""
    return hashlib.sha256(os.fsencode(path.relative_to(raw_dir))).hexdigest()[:16]


def config_fingerprint(rules_dir: Path, model_dir: Path | None) -> str:
    """Changes when the code, a rule file or the model changes."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):  # the code itself, not just its version
        if path.relative_to(package).parts[0] == "tools":
            continue  # evaluation, benchmark, report: they change no table
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    for path in sorted(Path(rules_dir).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(rules_dir).as_posix().encode())
            digest.update(path.read_bytes())
    if model_dir is not None:  # every file of the model: a rebuild with new rules changes it
        for path in sorted(Path(model_dir).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(model_dir).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def remove_stale_temporaries(out_dir: Path) -> None:
    """Delete the temporary files a killed run left in OUT (`.<table>.*.parquet.tmp`,
    `..publish.json.*.tmp`, `._run.json.*.tmp`, `.datapackage.json.*.tmp`) and
    in OUT/.work (the caller holds the lock, and has rolled a journal forward)."""
    if out_dir.is_dir():
        ours = list(out_dir.glob(".*.parquet.tmp")) + list(out_dir.glob(f".{JOURNAL}.*.tmp"))
        for name in ("_run.json", "datapackage.json"):
            ours += list(out_dir.glob(f".{name}.*.tmp"))
        for tmp in ours + list((out_dir / WORK_DIR).rglob("*.tmp")):
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass


# -- per-file work -----------------------------------------------------------

@dataclass
class PartInfo:
    """What one file produced (its rows are in the part files)."""

    source_file: str
    key: str
    issues: int = 0
    articles: int = 0
    mentions: int = 0
    errors: int = 0
    warnings: int = 0
    stages: dict = field(default_factory=dict)
    sha256: str | None = None  # of the bytes the worker read (None: none could be read)
    lost: bool = False  # its worker died or overran the time budget
    model_load_seconds: float = 0.0  # what the worker's process took to load the model, once


# Parts are Arrow IPC files: a part holds one file's rows, and IPC writes and
# reads such small tables several times faster than Parquet does.
PART_SUFFIX = ".arrow"


def _part_schema(table: str) -> pa.Schema:
    return MENTIONS_RAW if table == "mentions_raw" else TABLES[table]


def _write_part(parts_dir: Path, table: str, key: str, rows: list[dict]) -> None:
    folder = parts_dir / table
    folder.mkdir(parents=True, exist_ok=True)
    schema = _part_schema(table)
    fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        with pa.OSFile(tmp, "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        os.replace(tmp, folder / f"{key}{PART_SUFFIX}")
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _read_part(path: Path) -> pa.Table:
    with pa.memory_map(str(path), "r") as source:
        return pa.ipc.open_file(source).read_all()


def damaged_part(parts_dir: Path, key: str) -> str | None:
    """Why the parts of `key` cannot be reused (truncated, not Arrow, another
    schema), or None when they are sound. Reads each part's footer only."""
    for table in PART_TABLES:
        path = parts_dir / table / f"{key}{PART_SUFFIX}"
        if not path.exists():
            continue
        try:
            with pa.memory_map(str(path), "r") as source:
                schema = pa.ipc.open_file(source).schema
        except (OSError, pa.ArrowException) as err:
            return f"{table}/{path.name}: {' '.join(str(err).split())[:120]}"
        if not schema.equals(_part_schema(table)):
            return f"{table}/{path.name}: not the schema of {table}"
    return None


def remove_parts(parts_dir: Path, key: str) -> None:
    for table in PART_TABLES:
        (parts_dir / table / f"{key}{PART_SUFFIX}").unlink(missing_ok=True)


def write_file_parts(parts_dir: Path, key: str, rows: dict[str, list[dict]]) -> None:
    """Replace the parts of one file by `rows` (table -> rows)."""
    remove_parts(parts_dir, key)
    for table, part in rows.items():
        if part:
            _write_part(parts_dir, table, key, part)


# A task: (source_file as shown, the path relative to RAW as on disk, part key).
Task = tuple[str, str, str]


class FileWorker:
    """Turns one input file into its part files; rules and model loaded once."""

    def __init__(self, raw_dir: Path, rules_dir: Path, model_dir: Path | None, parts_dir: Path):
        self.raw_dir, self.parts_dir = Path(raw_dir), Path(parts_dir)
        self.rules = load_structure_rules(Path(rules_dir))
        started = time.perf_counter()
        self.nlp = None
        if model_dir is not None:
            from .ner import load_model

            self.nlp = load_model(Path(model_dir))
        self.model_load_seconds = time.perf_counter() - started

    def __call__(self, task: Task, report=None) -> PartInfo:
        """Extract one file. `report(event)`, when given, hears where the work
        is: ("stage", name) and ("read", sha256), for a pool that may lose it."""
        source_file, rel, key = task
        report = report or (lambda event: None)
        info = PartInfo(source_file, key, model_load_seconds=self.model_load_seconds)
        started = time.perf_counter()
        report(("stage", "read"))
        try:
            raw = read_file(self.raw_dir / rel)
        except ReadError as err:
            result = Failure(source_file, None, "read", "error", err.reason)
        else:
            info.sha256 = raw.sha256
            report(("read", raw.sha256))
            report(("stage", "segment"))
            result = extract_bytes(source_file, raw, self.rules)
        info.stages["read+structure"] = time.perf_counter() - started
        rows: dict[str, list[dict]] = {t: [] for t in PART_TABLES}
        if isinstance(result, Issue) and self.nlp is not None:
            report(("stage", "ner"))
            started = time.perf_counter()
            result = self._find_mentions(result)
            info.stages["ner"] = time.perf_counter() - started
        if isinstance(result, Issue):
            rows.update(issue_rows(result))
            rows["mentions_raw"] = [dict(vars(r)) for r in mention_records(result)]  # flat records: no deep copy
            info.issues, info.articles, info.mentions = 1, len(result.articles), len(rows["mentions_raw"])
        else:
            rows["failures"] = [failure_row(result)]
        info.errors = sum(r["severity"] == "error" for r in rows["failures"])
        info.warnings = sum(r["severity"] == "warning" for r in rows["failures"])
        started = time.perf_counter()
        write_file_parts(self.parts_dir, key, rows)
        info.stages["write parts"] = time.perf_counter() - started
        return info

    def _find_mentions(self, issue: Issue) -> Issue | Failure:
        from .ner import find_mentions

        try:
            found = find_mentions(self.nlp, [a.body for a in issue.articles])
        except Exception as err:  # a bug must cost one file, never the run
            message = " ".join(str(err).split())[:200]
            return Failure(issue.source.source_file, issue.source.sha256, "ner", "error",
                           f"internal error while finding mentions: {type(err).__name__}: {message}")
        for article, mentions in zip(issue.articles, found):
            article.mentions = mentions
        return issue


def lost_file(parts_dir: Path, lost: Lost) -> PartInfo:
    """The failure row of a file whose worker died or overran the budget."""
    source_file, _, key = lost.task
    sha = lost.last("read")
    stage = lost.last("stage")
    failure = Failure(source_file, sha[0] if sha else None, stage[0] if stage else "read", "error", lost.reason)
    write_file_parts(parts_dir, key, {"failures": [failure_row(failure)]})
    return PartInfo(source_file, key, errors=1, lost=True)


@lru_cache(maxsize=2)
def _dask_worker(raw_dir: str, rules_dir: str, model_dir: str | None, parts_dir: str) -> FileWorker:
    return FileWorker(Path(raw_dir), Path(rules_dir), Path(model_dir) if model_dir else None, Path(parts_dir))


def _dask_task(task: Task, raw_dir: str, rules_dir: str, model_dir: str | None, parts_dir: str) -> tuple[PartInfo, float]:
    worker = _dask_worker(raw_dir, rules_dir, model_dir, parts_dir)
    return worker(task), worker.model_load_seconds


# -- the run -----------------------------------------------------------------

_KEY = re.compile(r"[0-9a-f]{16}")


@dataclass
class Manifest:
    """Which part files hold which input file, for incremental reruns."""

    config: str = ""
    files: dict = field(default_factory=dict)  # source_file -> {"sha256": …, "key": …}
    duplicates: dict = field(default_factory=dict)  # source_file -> sha256 of a file with the same bytes

    @classmethod
    def load(cls, path: Path, notices: list[str] | None = None) -> Manifest:
        """The manifest at `path`; an empty one when there is none, or (with a
        notice) when it is damaged: every file is then extracted again."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            problem = _manifest_problem(data)
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as err:
            problem = f"{type(err).__name__}: {' '.join(str(err).split())[:80]}"
        if problem is not None:
            if notices is not None:
                notices.append(f"damaged {WORK_DIR}/{path.name} ({problem}): rebuilt, every file is extracted again")
            return cls()
        return cls(data["config"], data["files"], data.get("duplicates", {}))

    def save(self, path: Path) -> None:
        write_text_atomic(path, json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, indent=1))


def _manifest_problem(data) -> str | None:
    """What is wrong with a parsed manifest, or None."""
    if not isinstance(data, dict):
        return f"a JSON {type(data).__name__}, not an object"
    if not isinstance(data.get("config"), str) or not isinstance(data.get("files"), dict):
        return "no config string or no files object"
    for rel, entry in data["files"].items():
        if not (isinstance(entry, dict) and isinstance(entry.get("key"), str) and _KEY.fullmatch(entry["key"])
                and (entry.get("sha256") is None or isinstance(entry["sha256"], str))):
            return f"a bad entry for {rel}"
    duplicates = data.get("duplicates", {})
    if not isinstance(duplicates, dict) or not all(isinstance(v, str) for v in duplicates.values()):
        return "a bad duplicates object"
    return None


def prepare_work_dir(out_dir: Path, notices: list[str]) -> Path:
    """OUT/.work/parts/<table>/ ready for use (whatever was in the way of a
    folder, or of the manifest file, is removed with a notice); returns the parts folder."""
    work = out_dir / WORK_DIR
    parts_dir = work / "parts"
    for folder in (work, parts_dir, *(parts_dir / t for t in PART_TABLES)):
        if folder.is_symlink() or folder.exists() and not folder.is_dir():
            notices.append(f"damaged {folder.relative_to(out_dir).as_posix()}: not a folder, rebuilt")
            folder.unlink()
        folder.mkdir(exist_ok=True)
    manifest = work / "manifest.json"
    if manifest.is_dir() and not manifest.is_symlink():
        notices.append(f"damaged {WORK_DIR}/manifest.json: a folder, removed")
        shutil.rmtree(manifest)
    return parts_dir


def plan_tasks(raw_dir: Path, paths: list[Path], manifest: Manifest, config: str, parts_dir: Path,
               failures: list[Failure], duplicates: dict[str, str] | None = None,
               notices: list[str] | None = None) -> tuple[list[Task], dict[str, dict], int]:
    """(tasks to run, the new manifest's files, number reused).

    A file is reused when its sha256 is the one it was extracted from (or it
    could not be read then and still cannot: a broken link) and its parts are
    sound. A second file with the same bytes is a duplicate (its ids would
    collide) and gets a failure row instead (it is added to `duplicates`, and
    counts as reused when it was one last time too).
    """
    files: dict[str, dict] = {}
    tasks: list[Task] = []
    reused = 0
    first_of: dict[str, str] = {}
    damaged: list[str] = []
    same_config = manifest.config == config
    for path in paths:
        rel = source_name(path, raw_dir)
        sha = file_sha256(path)
        if sha is not None and sha in first_of:
            failures.append(Failure(rel, sha, "read", "error", f"duplicate: the same bytes as {first_of[sha]}"))
            if duplicates is not None:
                duplicates[rel] = sha
            reused += same_config and manifest.duplicates.get(rel) == sha
            continue
        if sha is not None:
            first_of[sha] = rel
        key = part_key(raw_dir, path)
        files[rel] = {"sha256": sha, "key": key}
        old = manifest.files.get(rel)
        done = any((parts_dir / t / f"{key}{PART_SUFFIX}").exists() for t in ("issues", "failures"))
        if same_config and old == files[rel] and done:
            problem = damaged_part(parts_dir, key)
            if problem is None:
                reused += 1
                continue
            damaged.append(f"{rel} ({problem})")
        tasks.append((rel, path.relative_to(raw_dir).as_posix(), key))
    if damaged and notices is not None:
        notices.append(f"{len(damaged)} file(s) with damaged part files extracted again, the first: {damaged[0]}")
    return tasks, files, reused


def drop_changed_duplicates(files: dict[str, dict], failures: list[Failure], duplicates: dict[str, str]) -> None:
    """A file that changed while the run read it may hold another file's bytes
    now: the later one (in listing order) becomes a duplicate, as it would in a
    run from scratch, and moves from the manifest's files to its duplicates."""
    first_of: dict[str, str] = {}
    for rel in list(files):
        sha = files[rel]["sha256"]
        if sha is None:
            continue
        if sha in first_of:
            failures.append(Failure(rel, sha, "read", "error", f"duplicate: the same bytes as {first_of[sha]}"))
            duplicates[rel] = sha
            del files[rel]
        else:
            first_of[sha] = rel


def run_extract(raw_dir: Path, out_dir: Path, rules_dir: Path = DEFAULT_RULES_DIR,
                model_dir: Path | None = None, progress: bool = True, jobs: int = 1,
                engine: str = "local", scheduler: str | None = None, full: bool = False,
                file_budget: float | None = DEFAULT_BUDGET) -> RunSummary:
    """Extract every file of RAW into the tables of OUT (incrementally).

    Raises `tables.OutLocked` when another run holds OUT, and
    `pool.PoolError` when no worker process can start.
    """
    started = time.perf_counter()
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with OutLock(out_dir):
        notices = [notice for notice in [roll_forward(out_dir)] if notice]
        parts_dir = prepare_work_dir(out_dir, notices)
        work = parts_dir.parent
        remove_stale_temporaries(out_dir)
        config = config_fingerprint(rules_dir, model_dir)
        manifest = Manifest() if full else Manifest.load(work / "manifest.json", notices)
        failures: list[Failure] = []
        paths = discover_inputs(raw_dir, failures)
        duplicates: dict[str, str] = {}
        tasks, files, reused = plan_tasks(raw_dir, paths, manifest, config, parts_dir, failures, duplicates, notices)
        stages: dict[str, float] = defaultdict(float)
        model_load = 0.0
        bar = tqdm(total=len(tasks), desc="issues", unit="file", disable=not progress or None, file=sys.stderr)
        loading = model_dir is not None and bool(tasks)
        if loading:
            bar.set_postfix_str("loading the NER model", refresh=True)  # the first file waits for it
        worker_args = (raw_dir, Path(rules_dir), model_dir, parts_dir)
        client = _dask_client(jobs, scheduler) if engine == "dask" else None
        run_id = uuid.uuid4().hex[:16]
        try:
            for info, load_seconds in _run_tasks(tasks, worker_args, jobs, client, file_budget):
                if info.sha256 is not None or info.lost:  # (a file refused unread keeps its listed sha256)
                    files[info.source_file]["sha256"] = info.sha256  # of the bytes the rows come from
                if info.lost:  # its worker died or overran: never reused, tried again next time
                    files[info.source_file]["lost"] = True
                for stage, seconds in info.stages.items():
                    stages[stage] += seconds
                model_load = max(model_load, load_seconds)
                if loading:
                    bar.set_postfix_str("", refresh=False)
                    loading = False
                bar.update(1)
            bar.close()
            drop_changed_duplicates(files, failures, duplicates)
            extra_key = "run-failures"
            remove_parts(parts_dir, extra_key)
            if failures:  # files that never reached a worker: duplicates, unlistable folders
                _write_part(parts_dir, "failures", extra_key, [failure_row(f) for f in failures])
            keys = [files[rel]["key"] for rel in sorted(files)] + ([extra_key] if failures else [])
            _drop_orphan_parts(parts_dir, set(keys))
            Manifest(config, files, duplicates).save(work / "manifest.json")
            if client is not None:  # resolution and assembly as a Dask step, on a worker
                counts, finish_stages = client.submit(finish_run, parts_dir, keys, out_dir, model_dir, run_id,
                                                      pure=False).result()
            else:
                counts, finish_stages = finish_run(parts_dir, keys, out_dir, model_dir, run_id, progress=progress)
        finally:
            if client is not None:
                _close_dask(client, scheduler)
        stages.update(finish_stages)
        summary = RunSummary(
            files=len(paths), issues=counts["issues"], articles=counts["articles"], mentions=counts["mentions"],
            errors=counts["errors"], warnings=counts["warnings"], seconds=time.perf_counter() - started,
            reused=reused, stages=dict(stages), redone=len(tasks), notices=notices,
        )
        run_info = dict(asdict(summary), model_load_seconds=model_load, jobs=jobs, engine=engine,
                        chars=counts["chars"], config=config, run_id=run_id)
        write_text_atomic(out_dir / "_run.json", json.dumps(run_info, ensure_ascii=False, indent=1, default=str))
        write_text_atomic(out_dir / "datapackage.json", json.dumps(datapackage(), ensure_ascii=False, indent=1))
    return summary


def _run_tasks(tasks: list[Task], worker_args, jobs: int, client=None, budget: float | None = None):
    """Yield (PartInfo, model load seconds) for every task, as they complete;
    a file whose worker died or overran the budget yields its failure."""
    if not tasks:
        return
    parts_dir = worker_args[3]
    if client is not None:
        yield from _run_dask_tasks(tasks, worker_args, client)
        return
    for outcome in run_pool(tasks, FileWorker, worker_args, jobs, budget):
        if isinstance(outcome, Lost):
            yield lost_file(parts_dir, outcome), 0.0
        else:
            yield outcome.result, outcome.result.model_load_seconds


def _run_dask_tasks(tasks: list[Task], worker_args, client):
    from dask.distributed import as_completed

    raw_dir, rules_dir, model_dir, parts_dir = (str(a) if a is not None else None for a in worker_args)
    futures = client.map(_dask_task, tasks, raw_dir=raw_dir, rules_dir=rules_dir, model_dir=model_dir,
                         parts_dir=parts_dir, pure=False)
    task_of = dict(zip((f.key for f in futures), tasks))
    for future in as_completed(futures):
        try:
            yield future.result()
        except Exception as err:  # the scheduler gave up on it: its workers died
            died = type(err).__name__ == "KilledWorker"
            reason = "worker died (Dask gave up on the task)" if died else f"internal error: {type(err).__name__}: {err}"
            yield lost_file(Path(parts_dir), Lost(task_of[future.key], " ".join(reason.split())[:200])), 0.0


def _dask_client(jobs: int, scheduler: str | None):
    import dask
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):  # a task is retried once after a death
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
    return Client(cluster)


def _close_dask(client, scheduler: str | None) -> None:
    cluster = client.cluster if not scheduler else None
    client.close()
    if cluster is not None:
        cluster.close()


def _drop_orphan_parts(parts_dir: Path, keys: set[str]) -> None:
    """Parts of files that are no longer in RAW (or were renamed)."""
    for table in PART_TABLES:
        folder = parts_dir / table
        if folder.is_dir():
            for part in folder.iterdir():
                if part.suffix != PART_SUFFIX or part.stem not in keys:
                    part.unlink()


# -- resolution and assembly ---------------------------------------------------

def _read_parts(parts_dir: Path, table: str, keys: list[str]):
    """Yield Arrow tables of the parts of `keys`, ASSEMBLY_BATCH parts at a time."""
    folder = parts_dir / table
    batch = []
    for key in keys:
        path = folder / f"{key}{PART_SUFFIX}"
        if path.exists():
            batch.append(_read_part(path))
        if len(batch) >= ASSEMBLY_BATCH:
            yield pa.concat_tables(batch)
            batch = []
    if batch:
        yield pa.concat_tables(batch)


def _records(table: pa.Table) -> list[MentionRecord]:
    return [MentionRecord(**row) for row in table.to_pylist()]


def default_place_index(model_dir: Path | None) -> PlaceIndex | None:
    """The place hierarchy the model was built with (MODEL/resolve/), if any."""
    if model_dir is None:
        return None
    folder = Path(model_dir) / "resolve"
    if not (folder / "hierarchy.tsv").exists():
        return None
    return PlaceIndex.from_files(folder / "hierarchy.tsv", folder / "adcodes.csv", load_resolve_rules().province_code)


def finish_run(parts_dir: Path, keys: list[str], out_dir: Path, model_dir: Path | None = None,
               run_id: str | None = None, progress: bool = False) -> tuple[dict, dict]:
    """Resolve mentions and assemble the final tables of OUT from the parts.

    Returns (counts, seconds per stage). Every table is written to a
    temporary file first; all are published as a set at the end, stamped
    with `run_id`. `progress`: a bar on stderr for each of resolution's two
    passes over the files.
    """
    parts_dir, out_dir = Path(parts_dir), Path(out_dir)

    def passing(desc: str):  # the keys, counted on a bar as a pass reads their parts
        return tqdm(keys, desc=desc, unit="file", disable=not progress or None, file=sys.stderr, leave=False)
    stages: dict[str, float] = {}
    counts = dict(issues=0, articles=0, mentions=0, errors=0, warnings=0, chars=0)
    with StagedTables(out_dir, run_id) as staged:
        started = time.perf_counter()
        for table in ("issues", "articles", "bylines", "failures"):
            with staged.writer(table) as writer:
                for part in _read_parts(parts_dir, table, keys):
                    writer.write_table(part)
                    if table == "issues":
                        counts["issues"] += part.num_rows
                        counts["chars"] += sum(part.column("n_chars").to_pylist())
                    elif table == "articles":
                        counts["articles"] += part.num_rows
                    elif table == "failures":
                        severity = part.column("severity").to_pylist()
                        counts["errors"] += severity.count("error")
                        counts["warnings"] += severity.count("warning")
        stages["assemble"] = time.perf_counter() - started
        started = time.perf_counter()
        first = passing("resolving 1/2")
        first.set_postfix_str("loading the place index" if model_dir is not None else "", refresh=True)
        resolver = Resolver(load_resolve_rules(), default_place_index(model_dir))
        first.set_postfix_str("", refresh=False)
        for part in _read_parts(parts_dir, "mentions_raw", first):
            resolver.observe(_records(part))
        with staged.writer("mentions") as writer:
            for part in _read_parts(parts_dir, "mentions_raw", passing("resolving 2/2")):
                rows = resolver.assign(_records(part))
                counts["mentions"] += len(rows)
                writer.write_table(pa.Table.from_pylist(rows, schema=TABLES["mentions"]))
        for table, rows in (("entities", resolver.entities()), ("officials", resolver.officials())):
            staged.write(table, pa.Table.from_pylist(rows, schema=TABLES[table]))
        stages["resolve"] = time.perf_counter() - started
        staged.publish()
    return counts, stages
