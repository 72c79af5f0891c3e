"""A whole run: every file under RAW -> the Parquet tables in OUT.

`run_extract` is what `make extract` and `python -m pipeline extract` call.

1. Each input file is handled on its own (`FileWorker`): read -> structure ->
   NER, and its rows are written as small Parquet parts under
   `OUT/.work/parts/<table>/<key>.arrow` (a bad file writes a `failures`
   part: it never ends the run). Files are spread over `jobs` processes (each
   loads the model once), or over a Dask cluster with `engine="dask"`.
2. A manifest (`OUT/.work/manifest.json`) remembers each file's sha256 and the
   fingerprint of the rules and model: a rerun redoes only the files that
   changed or are new, drops the parts of removed files, and gives the same
   tables as a run from scratch.
3. `finish_run` resolves the mentions of all files (two streaming passes, see
   `resolve.Resolver`) and assembles the final tables from the parts, batch by
   batch, into temporary files that are renamed into place at the end. Memory
   does not grow with the number of files beyond the resolver's own tables.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from . import __version__
from .extract import extract_issue
from .records import Failure, Issue, stable_id
from .resolve import MentionRecord, PlaceIndex, Resolver, load_resolve_rules, mention_records
from .rules import DEFAULT_RULES_DIR, load_structure_rules
from .schemas import MENTIONS_RAW, TABLES, datapackage
from .tables import StagedTables, failure_row, issue_rows

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

    def line(self) -> str:
        reused = ""
        if self.reused:  # a rerun: say what it took from the last one
            reused = (f", all unchanged (rows reused from the last run)" if self.reused == self.files else
                      f", {self.reused} unchanged (rows reused from the last run), {self.redone} extracted again")
        return (f"{self.files} files{reused}: {self.issues} issues, {self.articles} articles, {self.mentions} mentions, "
                f"{self.errors} failed, {self.warnings} warnings, {self.seconds:.1f} s")


# -- inputs ------------------------------------------------------------------

def discover_inputs(raw_dir: Path, unreadable: list[Failure] | None = None) -> list[Path]:
    """Every regular, non-hidden file under RAW (sorted), folder READMEs aside.

    Symbolic links are listed too (a broken or looping one fails at reading,
    with its reason); directories behind links are not walked into. A
    subfolder that cannot be listed is added to `unreadable` as a failure.
    """
    found = []

    def walk_error(err: OSError) -> None:
        if unreadable is not None and err.filename and Path(err.filename) != raw_dir:
            rel = Path(err.filename).relative_to(raw_dir).as_posix()
            unreadable.append(Failure(rel, None, "read", "error", f"cannot list folder: {err.strerror or err}"))

    for root, dirs, files in os.walk(raw_dir, onerror=walk_error, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name in DOC_FILES:
                continue
            found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.relative_to(raw_dir).as_posix())


def file_sha256(path: Path) -> str | None:
    """sha256 of a file, read in chunks (None when it cannot be read)."""
    digest = hashlib.sha256()
    try:
        if not os.path.isfile(path):  # never open a pipe or device: it may block
            return None
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


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
    """Delete `.<table>.*.parquet.tmp` files a killed run left in OUT."""
    if out_dir.is_dir():
        for tmp in list(out_dir.glob(".*.parquet.tmp")) + list((out_dir / WORK_DIR).rglob("*.tmp")):
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


# Parts are Arrow IPC files: a part holds one file's rows, and IPC writes and
# reads such small tables several times faster than Parquet does.
PART_SUFFIX = ".arrow"


def _write_part(parts_dir: Path, table: str, key: str, rows: list[dict]) -> None:
    folder = parts_dir / table
    folder.mkdir(parents=True, exist_ok=True)
    schema = MENTIONS_RAW if table == "mentions_raw" else TABLES[table]
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


def remove_parts(parts_dir: Path, key: str) -> None:
    for table in PART_TABLES:
        (parts_dir / table / f"{key}{PART_SUFFIX}").unlink(missing_ok=True)


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

    def __call__(self, task: tuple[str, str]) -> PartInfo:
        rel, key = task
        info = PartInfo(rel, key)
        started = time.perf_counter()
        result = extract_issue(self.raw_dir / rel, self.raw_dir, self.rules)
        info.stages["read+structure"] = time.perf_counter() - started
        rows: dict[str, list[dict]] = {t: [] for t in PART_TABLES}
        if isinstance(result, Issue):
            if self.nlp is not None:
                started = time.perf_counter()
                from .ner import find_mentions

                for article, mentions in zip(result.articles, find_mentions(self.nlp, [a.body for a in result.articles])):
                    article.mentions = mentions
                info.stages["ner"] = time.perf_counter() - started
            rows.update(issue_rows(result))
            rows["mentions_raw"] = [asdict(r) for r in mention_records(result)]
            info.issues, info.articles, info.mentions = 1, len(result.articles), len(rows["mentions_raw"])
        else:
            rows["failures"] = [failure_row(result)]
        info.errors = sum(r["severity"] == "error" for r in rows["failures"])
        info.warnings = sum(r["severity"] == "warning" for r in rows["failures"])
        started = time.perf_counter()
        remove_parts(self.parts_dir, key)
        for table, part in rows.items():
            if part:
                _write_part(self.parts_dir, table, key, part)
        info.stages["write parts"] = time.perf_counter() - started
        return info


# One FileWorker per worker process (set by the pool's initializer, or cached
# per Dask worker): the model is loaded once per process, not once per file.
_PROCESS_WORKER: FileWorker | None = None


def _init_process(*args) -> None:
    global _PROCESS_WORKER
    _exit_with_parent()
    _PROCESS_WORKER = FileWorker(*args)


def _exit_with_parent() -> None:
    """A worker whose run was killed (kill -9) would wait for work forever:
    a daemon thread ends it once its parent is gone."""
    import threading

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _process_task(task: tuple[str, str]) -> tuple[PartInfo, float]:
    return _PROCESS_WORKER(task), _PROCESS_WORKER.model_load_seconds


@lru_cache(maxsize=2)
def _dask_worker(raw_dir: str, rules_dir: str, model_dir: str | None, parts_dir: str) -> FileWorker:
    return FileWorker(Path(raw_dir), Path(rules_dir), Path(model_dir) if model_dir else None, Path(parts_dir))


def _dask_task(task: tuple[str, str], raw_dir: str, rules_dir: str, model_dir: str | None, parts_dir: str) -> tuple[PartInfo, float]:
    worker = _dask_worker(raw_dir, rules_dir, model_dir, parts_dir)
    return worker(task), worker.model_load_seconds


# -- the run -----------------------------------------------------------------

@dataclass
class Manifest:
    """Which part files hold which input file, for incremental reruns."""

    config: str = ""
    files: dict = field(default_factory=dict)  # source_file -> {"sha256": …, "key": …}
    duplicates: dict = field(default_factory=dict)  # source_file -> sha256 of a file with the same bytes

    @classmethod
    def load(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(data.get("config", ""), data.get("files", {}), data.get("duplicates", {}))
        except (OSError, ValueError):
            return cls()

    def save(self, path: Path) -> None:
        _write_atomic(path, json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, indent=1))


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def plan_tasks(raw_dir: Path, paths: list[Path], manifest: Manifest, config: str, parts_dir: Path,
               failures: list[Failure], duplicates: dict[str, str] | None = None
               ) -> tuple[list[tuple[str, str]], dict[str, dict], int]:
    """(tasks to run, the new manifest's files, number reused).

    A file's key is its sha256; a second file with the same bytes is a
    duplicate (its ids would collide) and gets a failure row instead (it is
    added to `duplicates`, and counts as reused when it was one last time too).
    A file that cannot be read (a broken link) is reused while it stays so.
    """
    files: dict[str, dict] = {}
    tasks: list[tuple[str, str]] = []
    reused = 0
    first_of: dict[str, str] = {}
    same_config = manifest.config == config
    for path in paths:
        rel = path.relative_to(raw_dir).as_posix()
        sha = file_sha256(path)
        if sha is not None and sha in first_of:
            failures.append(Failure(rel, sha, "read", "error", f"duplicate: the same bytes as {first_of[sha]}"))
            if duplicates is not None:
                duplicates[rel] = sha
            reused += same_config and manifest.duplicates.get(rel) == sha
            continue
        if sha is not None:
            first_of[sha] = rel
        key = sha or f"unreadable-{stable_id(rel)}"
        files[rel] = {"sha256": sha, "key": key}
        old = manifest.files.get(rel)
        done = any((parts_dir / t / f"{key}{PART_SUFFIX}").exists() for t in ("issues", "failures"))
        if same_config and old == files[rel] and done:
            reused += 1
        else:
            tasks.append((rel, key))
    return tasks, files, reused


def run_extract(raw_dir: Path, out_dir: Path, rules_dir: Path = DEFAULT_RULES_DIR,
                model_dir: Path | None = None, progress: bool = True, jobs: int = 1,
                engine: str = "local", scheduler: str | None = None, full: bool = False) -> RunSummary:
    """Extract every file of RAW into the tables of OUT (incrementally)."""
    started = time.perf_counter()
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    work = out_dir / WORK_DIR
    parts_dir = work / "parts"
    parts_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    config = config_fingerprint(rules_dir, model_dir)
    manifest = Manifest() if full else Manifest.load(work / "manifest.json")
    failures: list[Failure] = []
    paths = discover_inputs(raw_dir, failures)
    duplicates: dict[str, str] = {}
    tasks, files, reused = plan_tasks(raw_dir, paths, manifest, config, parts_dir, failures, duplicates)
    stages: dict[str, float] = defaultdict(float)
    model_load = 0.0
    bar = tqdm(total=len(tasks), desc="issues", unit="file", disable=not progress or None, file=sys.stderr)
    loading = model_dir is not None and bool(tasks)
    if loading:
        bar.set_postfix_str("loading the NER model", refresh=True)  # the first file waits for it
    worker_args = (raw_dir, Path(rules_dir), model_dir, parts_dir)
    client = _dask_client(jobs, scheduler) if engine == "dask" else None
    try:
        for info, load_seconds in _run_tasks(tasks, worker_args, jobs, client):
            for stage, seconds in info.stages.items():
                stages[stage] += seconds
            model_load = max(model_load, load_seconds)
            if loading:
                bar.set_postfix_str("", refresh=False)
                loading = False
            bar.update(1)
        bar.close()
        extra_key = "run-failures"
        remove_parts(parts_dir, extra_key)
        if failures:  # files that never reached a worker: duplicates, unlistable folders
            _write_part(parts_dir, "failures", extra_key, [failure_row(f) for f in failures])
        keys = [files[rel]["key"] for rel in sorted(files)] + ([extra_key] if failures else [])
        _drop_orphan_parts(parts_dir, set(keys))
        Manifest(config, files, duplicates).save(work / "manifest.json")
        if client is not None:  # resolution and assembly as a Dask step, on a worker
            counts, finish_stages = client.submit(finish_run, parts_dir, keys, out_dir, model_dir, pure=False).result()
        else:
            counts, finish_stages = finish_run(parts_dir, keys, out_dir, model_dir, progress=progress)
    finally:
        if client is not None:
            _close_dask(client, scheduler)
    stages.update(finish_stages)
    summary = RunSummary(
        files=len(paths), issues=counts["issues"], articles=counts["articles"], mentions=counts["mentions"],
        errors=counts["errors"], warnings=counts["warnings"], seconds=time.perf_counter() - started,
        reused=reused, stages=dict(stages), redone=len(tasks),
    )
    run_info = dict(asdict(summary), model_load_seconds=model_load, jobs=jobs, engine=engine,
                    chars=counts["chars"], config=config)
    _write_atomic(out_dir / "_run.json", json.dumps(run_info, ensure_ascii=False, indent=1, default=str))
    _write_atomic(out_dir / "datapackage.json", json.dumps(datapackage(), ensure_ascii=False, indent=1))
    return summary


def _run_tasks(tasks, worker_args, jobs: int, client=None):
    """Yield (PartInfo, model load seconds) for every task, as they complete."""
    if not tasks:
        return
    if client is not None:
        from dask.distributed import as_completed

        raw_dir, rules_dir, model_dir, parts_dir = (str(a) if a is not None else None for a in worker_args)
        futures = client.map(_dask_task, tasks, raw_dir=raw_dir, rules_dir=rules_dir, model_dir=model_dir,
                             parts_dir=parts_dir, pure=False)
        for future in as_completed(futures):
            yield future.result()
        return
    if jobs <= 1 or len(tasks) == 1:
        worker = FileWorker(*worker_args)
        for task in tasks:
            yield worker(task), worker.model_load_seconds
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_process, initargs=worker_args) as pool:
        chunk = max(1, min(64, len(tasks) // (jobs * 8)))
        yield from pool.map(_process_task, tasks, chunksize=chunk)


def _dask_client(jobs: int, scheduler: str | None):
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
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
               progress: bool = False) -> tuple[dict, dict]:
    """Resolve mentions and assemble the final tables of OUT from the parts.

    Returns (counts, seconds per stage). Every table is written to a
    temporary file first; all are renamed into place at the end. `progress`:
    a bar on stderr for each of resolution's two passes over the files.
    """
    parts_dir, out_dir = Path(parts_dir), Path(out_dir)

    def passing(desc: str):  # the keys, counted on a bar as a pass reads their parts
        return tqdm(keys, desc=desc, unit="file", disable=not progress or None, file=sys.stderr, leave=False)
    stages: dict[str, float] = {}
    counts = dict(issues=0, articles=0, mentions=0, errors=0, warnings=0, chars=0)
    with StagedTables(out_dir) as staged:
        started = time.perf_counter()
        for table in ("issues", "articles", "bylines", "failures"):
            with pq.ParquetWriter(staged.path(table), TABLES[table]) as writer:
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
        with pq.ParquetWriter(staged.path("mentions"), TABLES["mentions"]) as writer:
            for part in _read_parts(parts_dir, "mentions_raw", passing("resolving 2/2")):
                rows = resolver.assign(_records(part))
                counts["mentions"] += len(rows)
                writer.write_table(pa.Table.from_pylist(rows, schema=TABLES["mentions"]))
        for table, rows in (("entities", resolver.entities()), ("officials", resolver.officials())):
            pq.write_table(pa.Table.from_pylist(rows, schema=TABLES[table]), staged.path(table))
        stages["resolve"] = time.perf_counter() - started
        staged.publish()
    return counts, stages
