"""Benchmark: a synthetic archive of any size, extracted end to end and timed.

    python -m pipeline.tools.bench [--sizes 100,1000,10000] [--jobs 2] [--out FILE]

`generate_archive` builds an archive from the project's own sample issues in
data/raw (never from ../shared/corpus): the samples are cut into article blocks
(raw spans from `extract_issue`), and issue k of the archive is a seeded random
choice of 6-12 blocks, dated `start + k` days, with a masthead printed in one of
the two forms the samples show (or none), in markdown headings or bare lines,
with LF, CRLF or CR line ends, in UTF-8, UTF-8 with BOM or GB18030, and with
column-wrap spaces (`党员干 部`) in some paragraphs. Files are laid out like a
real archive: `YYYY/MM/zzrb-YYYY-MM-DD.txt`, plus a hidden `.manifest.jsonl`
(one line per issue: date, masthead form, encoding, line ends, ...), which the
pipeline skips because it is hidden.

`main` generates each size into bench/work/, runs `python -m pipeline extract`
on it as a child process (wall time, peak memory, CPU time), times two
baselines on the same article bodies in the same command (spaCy's bare `zh`
char tokenizer, jieba's POS tagger) and writes bench/results.json (only for
the full sizes; a smaller run writes bench/work/results-SIZES.json). Every
figure that depends on the machine is also given as a ratio to a baseline
measured in the same command: the machine is shared and noisy. See
bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import regex

from pipeline.tools import worst_cases

ROOT = Path(__file__).resolve().parents[2]
SAMPLES_DIR = ROOT / "data" / "raw"
MODEL_DIR = ROOT / "models" / "ner"
MANIFEST = ".manifest.jsonl"

# Sample_01 is issue 23912 of 2025-03-12 and sample_02 issue 23995 of
# 2025-06-03: one issue a day, so the number follows from the date.
ISSUE_NUMBER_ANCHOR = (dt.date(2025, 3, 12), 23912)
DEFAULT_START = dt.date(2025, 1, 1)

WEEKDAYS = "一二三四五六日"
STEMS = "甲乙丙丁戊己庚辛壬癸"
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
LUNAR_MONTHS = ["正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"]
LUNAR_DAYS = (["初" + c for c in "一二三四五六七八九十"] + ["十" + c for c in "一二三四五六七八九"]
              + ["二十"] + ["廿" + c for c in "一二三四五六七八九"] + ["三十"])
SYNODIC_MONTH = 29.530588
NEW_MOON = dt.date(2000, 1, 6)  # a new moon (Beijing time)

# (choice, weight): how often each layout variant is drawn for an issue.
MASTHEADS = (("block", 45), ("split", 30), (None, 25))
HEADINGS = (("markdown", 35), ("bare", 35), ("as-printed", 30))
NEWLINES = (("lf", 70), ("crlf", 15), ("cr", 15))
ENCODINGS = (("utf-8", 70), ("utf-8-sig", 15), ("gb18030", 15))
COLUMN_WRAP_SHARE = 0.2  # issues whose paragraphs carry column-wrap spaces
NEWLINE_CHARS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}

_HEADING = regex.compile(r"^#{1,6}[ \t]+")
_HAN_CHAR = regex.compile(r"\p{Han}")
_ANY_NEWLINE = regex.compile(r"\r\n|\r")


# --------------------------------------------------------------------------- generator


@dataclass(frozen=True)
class Block:
    """One article of a sample issue, as printed, with `\\n` line ends, in three heading styles."""

    origin: str  # sample_01_markdown.txt#3
    as_printed: str
    markdown: str
    bare: str


@dataclass(frozen=True)
class Template:
    """The pieces issues are made of: article blocks and the two masthead forms."""

    blocks: tuple[Block, ...]
    mastheads: dict  # "block" / "split" -> masthead text with `\n` line ends
    rules: object  # StructureRules, used to rewrite the masthead fields


@dataclass
class IssueSpec:
    """What was generated for one issue (one line of `.manifest.jsonl`)."""

    file: str  # relative to the archive, forward slashes
    date: str  # ISO date the issue is for (printed in the masthead when there is one)
    masthead: str | None  # "block", "split" or None
    issue_number: int
    pages: int
    headings: str
    newline: str
    encoding: str
    column_wrap: bool
    blocks: list[str]
    chars: int  # decoded characters (a BOM is not one)
    bytes: int


def _normalise_newlines(text: str) -> str:
    return _ANY_NEWLINE.sub("\n", text)


def _bare(text: str) -> str:
    return "\n".join(_HEADING.sub("", line) for line in text.split("\n"))


def _markdown(text: str, max_headline: int) -> str:
    """The block with its first line as a `##` heading (when it can be a headline)."""
    first, sep, rest = text.partition("\n")
    if first.startswith("#") or len(first.strip()) > max_headline or first.lstrip().startswith(("◀", "◄", "<", "上接")):
        return text
    return "## " + first + sep + rest


def load_template(samples_dir: Path = SAMPLES_DIR) -> Template:
    """Cut the sample issues into article blocks and masthead forms."""
    from pipeline.extract import extract_issue
    from pipeline.records import Issue
    from pipeline.repair import split_lines
    from pipeline.rules import load_structure_rules

    rules = load_structure_rules()
    blocks: list[Block] = []
    mastheads: dict[str, str] = {}
    paths = sorted(p for p in Path(samples_dir).iterdir() if p.is_file() and not p.name.startswith("."))
    for path in paths:
        issue = extract_issue(path, Path(samples_dir), rules)
        if not isinstance(issue, Issue):
            continue
        text = issue.source.text
        for article in issue.articles:
            raw = _normalise_newlines(text[article.raw_start:article.raw_end]).strip("\n")
            if not raw:
                continue
            blocks.append(Block(f"{path.name}#{article.seq}", raw, _markdown(raw, rules.headline_max_chars), _bare(raw)))
        wanted = set(issue.masthead.line_indexes)
        if wanted:
            lines = [line for line in split_lines(text) if line.index in wanted]
            parts = []
            for k, line in enumerate(lines):
                parts.append("\n" * (min(line.blank_before, 2) + 1) if k else "")
                parts.append(line.text)
            masthead = "".join(parts)
            form = "split" if any(line.text.strip() in ("掌上株洲", "客户端") or line.text.startswith("客户端")
                                  for line in lines) else "block"
            mastheads.setdefault(form, masthead)
    if not blocks:
        raise ValueError(f"no article blocks found in {samples_dir}")
    if not mastheads:
        raise ValueError(f"no masthead found in {samples_dir}")
    if len(mastheads) == 1:  # one form only: use it for both
        only = next(iter(mastheads.values()))
        mastheads = {"block": only, "split": only}
    return Template(tuple(blocks), mastheads, rules)


def _weighted(rng: random.Random, options) -> object:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for value, weight in options:
        x -= weight
        if x < 0:
            return value
    return options[-1][0]


def lunar_date(day: dt.date) -> str:
    """A lunar date of the printed shape (`乙巳年二月十三`), close to the real one.

    Mean synodic months from a known new moon give the day; the year starts at
    the first new moon on or after 21 January (the rule for 春节, which falls
    21 Jan - 20 Feb). Leap months are not modelled, so in a leap year the
    months after the leap month are one off: only the shape is parsed, and
    that is all a benchmark needs.
    """
    lunation = int((day - NEW_MOON).days // SYNODIC_MONTH)

    def new_year(year: int) -> int:  # the lunation that starts 正月 of `year`
        return -int(-((dt.date(year, 1, 21) - NEW_MOON).days) // SYNODIC_MONTH)

    year = day.year if lunation >= new_year(day.year) else day.year - 1
    month_index = min(lunation - new_year(year), 11)
    lunar_day = min(int((day - NEW_MOON).days - lunation * SYNODIC_MONTH), 29)
    stem_branch = STEMS[(year - 4) % 10] + BRANCHES[(year - 4) % 12]
    return f"{stem_branch}年{LUNAR_MONTHS[month_index]}月{LUNAR_DAYS[max(lunar_day, 0)]}"


def _masthead_text(template: Template, form: str, day: dt.date, number: int, pages: int) -> str:
    r = template.rules
    text = template.mastheads[form]
    text = r.masthead_date.sub(f"{day.year}年{day.month}月{day.day}日", text, count=1)
    text = r.weekday.sub("星期" + WEEKDAYS[day.weekday()], text, count=1)
    text = r.lunar_date.sub(lunar_date(day), text, count=1)
    text = r.issue_number.sub(f"第{number}期", text, count=1)
    return r.pages.sub(f"今日{pages}版", text, count=1)


def _column_wrap(block: str, rng: random.Random, width: int) -> str:
    """Spaces where a printed column of `width` characters wrapped, in some body paragraphs.

    Only between two Chinese characters, never in a heading or a dateline line,
    as the converter leaves them (`党员干 部`).
    """
    out = []
    for line in block.split("\n"):
        if (len(line) <= width + 4 or line.startswith("#") or "讯" in line[:24] or "电" in line[:24]
                or rng.random() < 0.4):
            out.append(line)
            continue
        pieces, last = [], 0
        for at in range(width, len(line) - 2, width):
            if _HAN_CHAR.match(line[at - 1]) and _HAN_CHAR.match(line[at]):
                pieces.append(line[last:at])
                last = at
        pieces.append(line[last:])
        out.append(" ".join(pieces))
    return "\n".join(out)


def _issue_rng(seed: int, k: int) -> random.Random:
    # A string seed is hashed with SHA-512: the same on every machine and run,
    # and issue k does not depend on how many issues are generated.
    return random.Random(f"zzrb-bench/{seed}/{k}")


def build_issue(template: Template, k: int, seed: int = 0, start: dt.date = DEFAULT_START) -> tuple[str, IssueSpec]:
    """The text of issue k (with `\\n` line ends still) and its spec (bytes not yet known)."""
    rng = _issue_rng(seed, k)
    day = start + dt.timedelta(days=k)
    number = ISSUE_NUMBER_ANCHOR[1] + (day - ISSUE_NUMBER_ANCHOR[0]).days
    pages = 4 if day.weekday() >= 5 else rng.choice((8, 8, 8, 12, 16))
    masthead = _weighted(rng, MASTHEADS)
    headings = _weighted(rng, HEADINGS)
    newline = _weighted(rng, NEWLINES)
    encoding = _weighted(rng, ENCODINGS)
    column_wrap = rng.random() < COLUMN_WRAP_SHARE
    width = rng.randint(20, 26)
    chosen = rng.sample(range(len(template.blocks)), k=min(rng.randint(6, 12), len(template.blocks)))
    parts = []
    if masthead:
        parts.append(_masthead_text(template, masthead, day, number, pages))
    for index in chosen:
        block = template.blocks[index]
        if headings == "markdown":
            text = block.markdown
        elif headings == "bare":
            text = block.bare
        else:
            text = block.as_printed
        if column_wrap:
            text = _column_wrap(text, rng, width)
        parts.append(text)
    text = "\n\n".join(parts) + "\n"
    rel = f"{day:%Y}/{day:%m}/zzrb-{day:%Y-%m-%d}.txt"
    spec = IssueSpec(rel, day.isoformat(), masthead, number, pages, headings, newline, encoding, column_wrap,
                     [template.blocks[i].origin for i in chosen],
                     len(text) + (text.count("\n") if newline == "crlf" else 0), 0)
    return text, spec


def encode_issue(text: str, newline: str, encoding: str) -> bytes:
    if newline != "lf":
        text = text.replace("\n", NEWLINE_CHARS[newline])
    return text.encode(encoding)


def generate_archive(samples_dir: Path, out_dir: Path, n_issues: int, seed: int = 0,
                     start: dt.date = DEFAULT_START) -> list[Path]:
    """Write `n_issues` synthetic issues under `out_dir` (which must be empty or new).

    Deterministic for a seed: the same bytes on every run, and the first k
    issues of a larger archive are the k issues of a smaller one. The list of
    written files is returned in date order; `out_dir/.manifest.jsonl` describes
    each (see `IssueSpec`).
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ValueError(f"{out_dir} is not empty: generate an archive into a new or empty folder")
    template = load_template(Path(samples_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    made: set[Path] = set()
    paths: list[Path] = []
    with open(out_dir / MANIFEST, "w", encoding="utf-8") as manifest:
        for k in range(n_issues):
            text, spec = build_issue(template, k, seed, start)
            data = encode_issue(text, spec.newline, spec.encoding)
            spec.bytes = len(data)
            path = out_dir / spec.file
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_bytes(data)
            manifest.write(json.dumps(asdict(spec), ensure_ascii=False) + "\n")
            paths.append(path)
    return paths


def read_manifest(archive: Path) -> list[IssueSpec]:
    with open(Path(archive) / MANIFEST, encoding="utf-8") as f:
        return [IssueSpec(**json.loads(line)) for line in f if line.strip()]


# --------------------------------------------------------------------------- measuring a child


class _TreeRss:
    """Samples the summed resident memory of a process and its descendants.

    `ru_maxrss` is the peak of the largest single process; with worker
    processes the machine holds the sum, which this approximates (pages shared
    after fork are counted once per process, so it errs high). The tree is
    found from /proc/PID/task/*/children, or, where the kernel does not offer
    that file, from the parent ids in /proc/*/stat (rescanned every second,
    which costs about 1% of a core). Linux only; 0 elsewhere.
    """

    def __init__(self, pid: int, interval: float = 0.2, rescan: float = 1.0):
        self.pid, self.interval, self.rescan = pid, interval, rescan
        self.peak = 0
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        self._has_children_file = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
        self._tree: set[int] = {pid}
        self._scanned = 0.0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _children(self, pid: int) -> list[int]:
        kids = []
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    kids.extend(int(x) for x in f.read().split())
        except OSError:
            pass
        return kids

    def _scan_tree(self) -> set[int]:
        """The root and its descendants, from every process's parent id."""
        parents: dict[int, list[int]] = {}
        try:
            names = os.listdir("/proc")
        except OSError:
            return {self.pid}
        for name in names:
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(name))
        tree, todo = set(), [self.pid]
        while todo:
            pid = todo.pop()
            if pid not in tree:
                tree.add(pid)
                todo.extend(parents.get(pid, ()))
        return tree

    def _rss(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm") as f:
                return int(f.read().split()[1]) * self._page
        except (OSError, IndexError, ValueError):
            return 0

    def _sample(self) -> int:
        if self._has_children_file:
            total, todo, seen = 0, [self.pid], set()
            while todo:
                pid = todo.pop()
                if pid not in seen:
                    seen.add(pid)
                    total += self._rss(pid)
                    todo.extend(self._children(pid))
            return total
        now = time.monotonic()
        if now - self._scanned >= self.rescan:
            self._tree, self._scanned = self._scan_tree(), now
        return sum(self._rss(pid) for pid in self._tree)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)


@dataclass
class ChildRun:
    argv: list[str]
    returncode: int
    wall_seconds: float
    cpu_seconds: float  # user + system of the child and the workers it waited for
    maxrss_mb: float  # ru_maxrss: the largest single process of the tree
    tree_peak_rss_mb: float  # sampled sum over the tree
    stderr_tail: str

    @property
    def peak_mb(self) -> float:
        return max(self.maxrss_mb, self.tree_peak_rss_mb)


def run_child(argv: list[str], log: Path, cwd: Path = ROOT) -> ChildRun:
    """Run argv to completion; its own rusage comes from wait4, so every run is measured alone."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as err, open(os.devnull, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd)
        with _TreeRss(proc.pid) as sampler:
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    maxrss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
    return ChildRun(argv, proc.returncode, wall, usage.ru_utime + usage.ru_stime, round(maxrss, 1),
                    round(sampler.peak / 2**20, 1), "\n".join(tail))


def code_version() -> dict:
    """The commit measured, and how many files of the work tree differed from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, cwd=ROOT, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return {}
    if head.returncode:
        return {}
    return {"commit": head.stdout.strip(), "changed_files": len(dirty.stdout.splitlines())}


def extract_flags() -> dict[str, bool]:
    """Which optional flags `python -m pipeline extract` has (the lead adds --jobs and --model)."""
    out = subprocess.run([sys.executable, "-m", "pipeline", "extract", "--help"], capture_output=True,
                         text=True, cwd=ROOT)
    return {flag: f"--{flag}" in out.stdout for flag in ("jobs", "model", "quiet", "full")}


def extract_argv(raw: Path, out: Path, flags: dict, jobs: int | None, model: Path | None) -> list[str]:
    argv = [sys.executable, "-m", "pipeline", "extract", str(raw), str(out)]
    if flags.get("quiet"):
        argv.append("--quiet")
    if flags.get("full"):  # never reuse an earlier run's results (OUT is fresh anyway)
        argv.append("--full")
    if flags.get("jobs") and jobs:
        argv += ["--jobs", str(jobs)]
    if flags.get("model") and model is not None:
        argv += ["--model", str(model)]
    return argv


def _burn(n: int) -> float:
    started = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - started


def machine_speedup(jobs: int, n: int = 5_000_000) -> dict:
    """What `jobs` processes can gain on this machine right now: a pure-Python loop run
    once alone, then `jobs` copies at once. On a shared machine whose cores other
    tenants are using this is well below `jobs`; our JOBS speedup is read against it."""
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(jobs) as pool:
        pool.map(_burn, [1000] * jobs)  # workers started before timing
        alone = _burn(n)
        started = time.perf_counter()
        pool.map(_burn, [n] * jobs, chunksize=1)
        together = time.perf_counter() - started
    return {"jobs": jobs, "alone_seconds": round(alone, 3), "together_seconds": round(together, 3),
            "speedup": round(jobs * alone / together, 2)}


# --------------------------------------------------------------------------- in-process stages


def _timed(fn, *args):
    """fn(*args) and the CPU seconds it took: CPU time, not wall, so that other
    tenants of a shared machine do not show up in the stage figures."""
    started = time.process_time()
    value = fn(*args)
    return value, time.process_time() - started


def time_stages(raw: Path, model: Path | None) -> dict:
    """CPU seconds per stage, run in this process over every file of `raw` (one core)."""
    wall_started = time.perf_counter()
    from pipeline.masthead import parse_masthead
    from pipeline.read import ReadError, read_issue
    from pipeline.records import Issue
    from pipeline.repair import split_lines
    from pipeline.rules import load_structure_rules
    from pipeline.run import discover_inputs
    from pipeline.segment import segment_articles

    rules = load_structure_rules()
    paths = discover_inputs(raw)
    from pipeline.extract import extract_issue, structure_issue

    for path in paths[:3]:  # warm up lazily built caches so the first file does not carry them
        extract_issue(path, raw, rules)
    seconds = {"read": 0.0, "repair": 0.0, "masthead": 0.0, "segment+bylines": 0.0}
    sources = []
    for path in paths:
        try:
            source, s = _timed(read_issue, path, raw)
        except ReadError:
            continue
        seconds["read"] += s
        sources.append(source)
        lines, s = _timed(split_lines, source.text)
        seconds["repair"] += s
        masthead, s = _timed(parse_masthead, lines, rules)
        seconds["masthead"] += s
        _, s = _timed(segment_articles, source, lines, masthead, rules)
        seconds["segment+bylines"] += s
    # The whole structure step (the sum above plus date inference), as run.py calls it.
    issues, s = _timed(lambda: [structure_issue(src, rules) for src in sources])
    seconds["structure (whole)"] = s
    issues = [i for i in issues if isinstance(i, Issue)]
    result: dict = {"files": len(paths), "chars": sum(len(s.text) for s in sources)}
    if model is not None and (ROOT / "pipeline" / "ner").is_dir():
        try:
            from pipeline.ner import find_mentions, load_model

            nlp, s = _timed(load_model, model)
            result["model_load_seconds"] = s
            bodies = [a.body for i in issues for a in i.articles]
            _, s = _timed(lambda: list(find_mentions(nlp, bodies)))
            seconds["ner"] = s
        except Exception as err:  # noqa: BLE001 - a stage that cannot run is reported, not fatal
            result["ner_error"] = f"{type(err).__name__}: {err}"
    try:
        from pipeline.resolve import resolve
        from pipeline.tables import issue_rows, to_table, write_tables

        resolved, seconds["resolve"] = _timed(resolve, issues)

        def tables():
            rows: dict[str, list] = {n: [] for n in ("issues", "articles", "bylines", "failures")}
            for issue in issues:
                for name, part in issue_rows(issue).items():
                    rows[name].extend(part)
            built = {n: to_table(n, part) for n, part in rows.items()}
            built["mentions"] = to_table("mentions", resolved.mentions)
            built["entities"] = to_table("entities", resolved.entities)
            built["officials"] = to_table("officials", resolved.officials)
            with tempfile.TemporaryDirectory() as tmp:
                write_tables(built, Path(tmp))

        _, seconds["tables"] = _timed(tables)
    except Exception as err:  # noqa: BLE001
        result["tables_error"] = f"{type(err).__name__}: {err}"
    result["seconds"] = {k: round(v, 4) for k, v in seconds.items()}
    result["wall_seconds_total"] = round(time.perf_counter() - wall_started, 3)
    return result


def profile_extract(raw: Path, model: Path | None = None, top: int = 25) -> dict:
    """cProfile of an in-process `run_extract` over `raw` (with the NER model when given).

    Returns the top functions by own time, and the project's functions by
    cumulative time (where the stages spend it).
    """
    import cProfile
    import pstats

    from pipeline.run import run_extract

    profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        profiler.enable()
        if model is not None:
            run_extract(raw, Path(tmp), model_dir=model, progress=False)
        else:
            run_extract(raw, Path(tmp), progress=False)
        profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, name), (cc, nc, tt, ct, _) in stats.stats.items():
        where = filename
        if str(ROOT) in filename:
            where = os.path.relpath(filename, ROOT)
        elif "site-packages" in filename:
            where = filename.split("site-packages/")[-1]
        rows.append({"function": f"{where}:{line}({name})", "calls": nc, "own_s": round(tt, 4), "cum_s": round(ct, 4),
                     "ours": where.startswith("pipeline/")})
    by_own = sorted(rows, key=lambda r: r["own_s"], reverse=True)[:top]
    by_cum = sorted((r for r in rows if r["ours"]), key=lambda r: r["cum_s"], reverse=True)[:top]
    total = max((r["cum_s"] for r in rows if r["function"].endswith("(run_extract)")), default=None)
    return {"total_s": total, "with_model": model is not None, "top_by_own_time": by_own, "ours_by_cumulative_time": by_cum}


# --------------------------------------------------------------------------- baselines


def baseline_text(out_dir: Path, cap: int) -> list[str]:
    """Article bodies of an extracted archive, in order, up to `cap` characters."""
    import pyarrow.parquet as pq

    bodies = pq.read_table(out_dir / "articles.parquet", columns=["body"]).column("body").to_pylist()
    return _cap([b for b in bodies if b], cap)


def _best_of(fn, repeats: int) -> tuple[float, float]:
    """The best (wall, CPU) seconds of `repeats` calls."""
    wall = cpu = float("inf")
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - cpu_started)
    return wall, cpu


def _cap(bodies: list[str], cap: int) -> list[str]:
    out, total = [], 0
    for body in bodies:
        if total + len(body) > cap and out:
            break
        out.append(body)
        total += len(body)
    return out


def time_baselines(bodies: list[str], jieba_chars: int = 200_000, repeats: int = 3) -> dict:
    """Characters per second of two baselines over `bodies` (best of `repeats`, loading excluded).

    jieba's POS tagger reads about 20,000 characters a second, so it gets only
    the first `jieba_chars` of the same bodies (a rate per character does not
    depend on how much text it is measured on).
    """
    chars = sum(len(b) for b in bodies)
    result: dict = {"chars": chars, "texts": len(bodies)}
    if not chars:
        return result
    try:
        import spacy

        nlp = spacy.blank("zh")  # the default segmenter: one token per character
        list(nlp.pipe(bodies[:5]))
        s, cpu = _best_of(lambda: [len(doc) for doc in nlp.pipe(bodies, batch_size=256)], repeats)
        result["spacy_blank_zh"] = {"seconds": round(s, 4), "chars_per_second": round(chars / s),
                                    "cpu_seconds": round(cpu, 4), "cpu_chars_per_second": round(chars / cpu),
                                    "segmenter": nlp.tokenizer.segmenter if hasattr(nlp.tokenizer, "segmenter") else None}
    except Exception as err:  # noqa: BLE001
        result["spacy_blank_zh"] = {"error": f"{type(err).__name__}: {err}"}
    if jieba_chars <= 0:
        result["jieba_posseg"] = {"error": "skipped (--jieba-chars 0)"}
        return result
    try:
        import logging

        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        started = time.perf_counter()
        jieba.initialize()
        load = time.perf_counter() - started
        list(jieba.posseg.cut(bodies[0]))
        few = _cap(bodies, jieba_chars)
        few_chars = sum(len(b) for b in few)
        s, cpu = _best_of(lambda: [sum(1 for _ in jieba.posseg.cut(b)) for b in few], 1)
        result["jieba_posseg"] = {"seconds": round(s, 4), "chars": few_chars, "chars_per_second": round(few_chars / s),
                                  "cpu_seconds": round(cpu, 4), "cpu_chars_per_second": round(few_chars / cpu),
                                  "load_seconds": round(load, 3), "version": jieba.__version__}
    except ImportError as err:
        result["jieba_posseg"] = {"error": f"not installed ({err}); pip install -e '.[baselines]'"}
    except Exception as err:  # noqa: BLE001
        result["jieba_posseg"] = {"error": f"{type(err).__name__}: {err}"}
    return result


# --------------------------------------------------------------------------- the command


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def _target(name: str, value, threshold: str, met: bool | None, note: str = "") -> dict:
    return {"target": name, "value": value, "threshold": threshold, "met": met, "note": note}


def _fmt(value, spec: str = ".2f", none: str = "-") -> str:
    return none if value is None else format(value, spec)


# The sizes of a full run: only a run of these (or an explicit --out) replaces
# RESULTS, the file the README's speed figures are generated from.
FULL_SIZES = (100, 1000, 10000)
RESULTS = "bench/results.json"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline.tools.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default=",".join(map(str, FULL_SIZES)), help="archive sizes in issues, comma-separated")
    p.add_argument("--jobs", type=int, default=2, help="--jobs for extract (`make bench` passes all cores)")
    p.add_argument("--out", help=f"results file (JSON); default {RESULTS} for the full sizes, "
                                 "else WORK/results-SIZES.json")
    p.add_argument("--work", default="bench/work", help="scratch folder for archives and outputs (gitignored)")
    p.add_argument("--seed", type=int, default=0, help="seed of the archive's random choices (the same seed, the same bytes)")
    p.add_argument("--samples", default=str(SAMPLES_DIR), help="sample issues to build the archive from")
    p.add_argument("--model", default=str(MODEL_DIR), help="NER model folder, used when it exists and extract has --model")
    p.add_argument("--baseline-chars", type=int, default=1_000_000, help="cap on the text the bare tokenizer reads")
    p.add_argument("--jieba-chars", type=int, default=200_000, help="cap on the text jieba's POS tagger reads (it is slow; 0 skips it)")
    p.add_argument("--no-baselines", action="store_true", help="skip the spaCy and jieba baselines")
    p.add_argument("--profile", action="store_true", help="also cProfile an in-process run on the smallest archive")
    p.add_argument("--no-worst", action="store_true", help="skip the worst-case inputs (pipeline/tools/worst_cases.py)")
    p.add_argument("--worst-scale", type=float, default=1.0, help="repeat the worst-case phrases this much more or less")
    p.add_argument("--keep", action="store_true", help="keep the generated archives and outputs in --work")
    return p


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = build_parser()
    args = p.parse_args(argv)
    try:
        args.size_list = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        p.error(f"--sizes must be whole numbers separated by commas, not {args.sizes!r}")
    if not args.size_list or min(args.size_list) < 1:
        p.error("--sizes needs at least one size of 1 or more")
    if args.out is None:
        full = tuple(args.size_list) == FULL_SIZES
        args.out = RESULTS if full else str(Path(args.work) / f"results-{'-'.join(map(str, args.size_list))}.json")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work, out_file = Path(args.work).resolve(), Path(args.out).resolve()
    work.mkdir(parents=True, exist_ok=True)
    flags = extract_flags()
    model = Path(args.model).resolve() if Path(args.model).joinpath("meta.json").exists() else None
    use_model = model if flags["model"] else None
    jobs = args.jobs if flags["jobs"] else None
    results: dict = {
        "created": dt.datetime.now().isoformat(timespec="seconds"),
        "command": "python -m pipeline.tools.bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "code": code_version(),
        "extract_flags": flags,
        "jobs": jobs,
        "model": str(use_model) if use_model else None,
        "seed": args.seed,
    }
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    notes = []
    if not flags["jobs"]:
        notes.append("extract has no --jobs yet: every run is one process")
    if not flags["model"]:
        notes.append("extract has no --model yet: no NER in the runs")
    elif model is None:
        notes.append(f"no model in {args.model}: runs without NER")
    results["notes"] = notes

    # Fixed cost of one run: interpreter, imports, model load, tables written (a one-issue archive).
    empty = work / "one"
    shutil.rmtree(empty, ignore_errors=True)
    generate_archive(Path(args.samples), empty / "raw", 1, args.seed)
    fixed = run_child(extract_argv(empty / "raw", empty / "out", flags, jobs, use_model), empty / "stderr.log")
    results["fixed_overhead"] = {"wall_seconds": round(fixed.wall_seconds, 3), "cpu_seconds": round(fixed.cpu_seconds, 3),
                                 "maxrss_mb": fixed.maxrss_mb, "returncode": fixed.returncode}
    say(f"fixed cost (one-issue run): {fixed.wall_seconds:.2f} s, {fixed.maxrss_mb:.0f} MB")

    runs, archives = [], {}
    for size in args.size_list:
        raw, out = work / f"raw-{size}", work / f"out-{size}"
        shutil.rmtree(raw, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        paths = generate_archive(Path(args.samples), raw, size, args.seed)
        generate_s = time.perf_counter() - started
        specs = read_manifest(raw)
        chars, nbytes = sum(s.chars for s in specs), sum(s.bytes for s in specs)
        archives[size] = (raw, out)
        plan = [jobs] if jobs is None or size != 1000 or jobs == 1 else [1, jobs]
        if len(plan) > 1:
            results.setdefault("machine_speedup", []).append(machine_speedup(jobs))
        for j in plan:
            target_out = out if j == jobs else work / f"out-{size}-jobs{j}"
            shutil.rmtree(target_out, ignore_errors=True)
            say(f"extracting {size:,} issues ({chars:,} chars){f' with --jobs {j}' if j else ''} ...")
            load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
            child = run_child(extract_argv(raw, target_out, flags, j, use_model), work / f"stderr-{size}-{j}.log")
            run = {
                "size": size, "jobs": j, "files": len(paths), "chars": chars, "bytes": nbytes,
                "generate_seconds": round(generate_s, 3), "returncode": child.returncode,
                "wall_seconds": round(child.wall_seconds, 3), "cpu_seconds": round(child.cpu_seconds, 3),
                "chars_per_second": round(chars / child.wall_seconds), "issues_per_second": round(size / child.wall_seconds, 1),
                "us_per_char": round(child.wall_seconds / chars * 1e6, 4),
                "cpu_us_per_char": round(child.cpu_seconds / chars * 1e6, 4),
                "maxrss_mb": child.maxrss_mb, "tree_peak_rss_mb": child.tree_peak_rss_mb, "peak_mb": child.peak_mb,
                # CPU seconds per wall second: ~jobs when the cores were ours, less when other tenants took them.
                "parallelism": round(child.cpu_seconds / child.wall_seconds, 2),
                "loadavg_1min_before": round(load_before, 2) if load_before is not None else None,
                "summary": child.stderr_tail.splitlines()[-1] if child.stderr_tail else "",
            }
            run_json = target_out / "_run.json"
            if run_json.exists():
                try:
                    run["run_json"] = json.loads(run_json.read_text(encoding="utf-8"))
                except ValueError as err:
                    run["run_json_error"] = str(err)
            if child.returncode != 0:
                run["error"] = child.stderr_tail
                say(f"  extract failed ({child.returncode}): {child.stderr_tail}")
            runs.append(run)
            say(f"  {child.wall_seconds:.2f} s, {chars / child.wall_seconds:,.0f} chars/s, peak {child.peak_mb:.0f} MB")
        if len(plan) > 1:
            results["machine_speedup"].append(machine_speedup(jobs))
    results["runs"] = runs
    main_runs = {r["size"]: r for r in runs if r["jobs"] == jobs}

    # Per stage: from the run's own _run.json when it writes one, else timed here.
    stage_size = 100 if 100 in archives else min(archives)
    stage_run = main_runs.get(stage_size, {})
    if "run_json" in stage_run:
        rj = stage_run["run_json"]
        results["stages"] = {"source": "_run.json", "size": stage_size, "seconds": rj.get("stages", {}),
                             "model_load_seconds": rj.get("model_load_seconds")}
    else:
        say(f"timing stages in-process on the {stage_size:,}-issue archive ...")
        stages = time_stages(archives[stage_size][0], model)
        results["stages"] = {"source": "in-process, CPU seconds", "size": stage_size, **stages}
    st = results["stages"]
    st_chars = st.get("chars") or (stage_run.get("chars"))
    if st_chars:
        st["us_per_char"] = {k: round(v / st_chars * 1e6, 4) for k, v in st.get("seconds", {}).items()}

    if not args.no_worst:
        say(f"worst-case inputs, one file each, against the average of the {stage_size:,}-issue archive ...")
        results["worst_cases"] = worst_cases.time_cases(use_model, archives[stage_size][0], scale=args.worst_scale,
                                                        work=work)

    if args.profile:
        say(f"profiling an in-process run on the {min(archives):,}-issue archive ...")
        results["profile"] = {"size": min(archives), **profile_extract(archives[min(archives)][0], use_model)}

    # Baselines on the article bodies of the 1,000-issue archive (or the nearest smaller one).
    ratios: dict = {}
    ok_runs = [r for r in main_runs.values() if r["returncode"] == 0]
    if not args.no_baselines and ok_runs:
        base_size = max((s for s in main_runs if s <= 1000 and main_runs[s]["returncode"] == 0), default=min(r["size"] for r in ok_runs))
        bodies = baseline_text(archives[base_size][1], args.baseline_chars)
        say(f"baselines on {sum(map(len, bodies)):,} chars of article bodies ({base_size:,}-issue archive) ...")
        base = time_baselines(bodies, args.jieba_chars)
        base["archive_size"] = base_size
        results["baselines"] = base
        ours = main_runs[base_size]
        ours_s = ours["wall_seconds"] / ours["chars"]
        ours_cpu = ours["cpu_seconds"] / ours["chars"]
        for key, label in (("jieba_posseg", "jieba"), ("spacy_blank_zh", "bare_tokenizer")):
            cps, cpu_cps = base.get(key, {}).get("chars_per_second"), base.get(key, {}).get("cpu_chars_per_second")
            if cps:
                ratios[f"ours_vs_{label}"] = round(ours_s * cps, 3)
            if cpu_cps:
                ratios[f"ours_cpu_vs_{label}"] = round(ours_cpu * cpu_cps, 3)
        ratios["ours_measured_on"] = f"{base_size:,}-issue archive, end to end per char"
    j1 = next((r for r in runs if r["size"] == 1000 and r["jobs"] == 1), None)
    jn = main_runs.get(1000)
    if j1 and jn and jn["jobs"] and jn["jobs"] != 1:
        ratios["jobs_speedup"] = _ratio(j1["wall_seconds"], jn["wall_seconds"])
        # CPU spent with N jobs per CPU spent with one: the cost of parallelism itself (model
        # loaded per worker, parts written and read back), which contention does not change.
        ratios["jobs_cpu_cost"] = _ratio(jn["cpu_seconds"], j1["cpu_seconds"])
        ratios["jobs_parallelism"] = {"jobs1": j1["parallelism"], f"jobs{jn['jobs']}": jn["parallelism"]}
        probes = [p["speedup"] for p in results.get("machine_speedup", [])]
        if probes:
            ratios["machine_speedup"] = round(sum(probes) / len(probes), 2)
            ratios["jobs_speedup_vs_machine"] = _ratio(ratios["jobs_speedup"], ratios["machine_speedup"])
    if 1000 in main_runs and 10000 in main_runs:
        ratios["peak_mem_10k_vs_1k"] = _ratio(main_runs[10000]["peak_mb"], main_runs[1000]["peak_mb"])
        ratios["maxrss_10k_vs_1k"] = _ratio(main_runs[10000]["maxrss_mb"], main_runs[1000]["maxrss_mb"])
    results["ratios"] = ratios

    targets = []
    rj, rb = ratios.get("ours_vs_jieba"), ratios.get("ours_vs_bare_tokenizer")
    targets.append(_target(">= 10x faster than jieba POS per char", rj, "<= 0.1x", None if rj is None else rj <= 0.1))
    targets.append(_target("within 3x of the bare char tokenizer", rb, "<= 3x", None if rb is None else rb <= 3))
    big = main_runs.get(10000)
    if big:
        note = "" if jobs == 2 else f"measured with jobs={jobs} (extract has {'no ' if not flags['jobs'] else ''}--jobs)"
        targets.append(_target("10,000 issues end to end in < 10 min with JOBS=2", big["wall_seconds"], "< 600 s",
                               big["wall_seconds"] < 600 and big["returncode"] == 0 if jobs == 2 else None, note))
    else:
        targets.append(_target("10,000 issues end to end in < 10 min with JOBS=2", None, "< 600 s", None, "10,000 not in --sizes"))
    rm = ratios.get("peak_mem_10k_vs_1k")
    targets.append(_target("peak memory 10,000 < 2x 1,000", rm, "< 2x", None if rm is None else rm < 2,
                           "" if rm is not None else "needs 1000 and 10000 in --sizes"))
    sp = ratios.get("jobs_speedup")
    if sp is None:
        note = "extract has no --jobs" if not flags["jobs"] else "needs 1000 in --sizes and --jobs 2"
    elif ratios.get("machine_speedup") is not None:
        note = (f"the machine itself gave {ratios['machine_speedup']:.2f}x to {jobs} CPU-bound processes in the same command"
                + (": its cores were shared, so the target cannot show here" if ratios["machine_speedup"] < 1.7 else ""))
    else:
        note = ""
    targets.append(_target("JOBS=2 >= 1.7x faster than JOBS=1 (1,000 issues)", sp, ">= 1.7x", None if sp is None else sp >= 1.7, note))
    worst = results.get("worst_cases")
    if worst:
        slowest = max(worst["cases"], key=lambda r: r["cpu_seconds"])
        targets.append(_target("worst-case inputs: no file under 1 MB takes more than 5 s (CPU)", slowest["cpu_seconds"],
                               f"<= {worst['limit_seconds']:g} s", all(r["within_limit"] for r in worst["cases"]),
                               f"slowest: {slowest['name']}, {slowest['seconds']:.2f} s wall"))
    results["targets"] = targets

    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(render(results))
    print(f"\nwritten to {out_file}")
    if not args.keep:
        for raw, out in archives.values():
            shutil.rmtree(raw, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
        for extra in work.glob("out-*-jobs*"):
            shutil.rmtree(extra, ignore_errors=True)
        shutil.rmtree(empty, ignore_errors=True)
    return 0 if all(r["returncode"] == 0 for r in runs) else 1


def render(results: dict) -> str:
    """The short table printed at the end of a run."""
    lines = [f"{'issues':>7} {'jobs':>4} {'chars':>11} {'wall s':>8} {'cpu s':>8} {'cpu/wall':>8} {'chars/s':>9} {'issues/s':>8} {'peak MB':>8}"]
    for r in results["runs"]:
        lines.append(f"{r['size']:>7,} {r['jobs'] or 1:>4} {r['chars']:>11,} {r['wall_seconds']:>8.2f} {r['cpu_seconds']:>8.2f} "
                     f"{r['cpu_seconds'] / r['wall_seconds']:>8.2f} {r['chars_per_second']:>9,} {r['issues_per_second']:>8.1f} {r['peak_mb']:>8.0f}"
                     + ("  FAILED" if r["returncode"] else ""))
    fo = results.get("fixed_overhead")
    if fo:
        lines.append(f"fixed cost per run (a one-issue run: startup, imports, model load, tables): {fo['wall_seconds']:.2f} s")
    st = results.get("stages", {})
    if st.get("seconds"):
        per = st.get("us_per_char", {})
        parts = ", ".join(f"{k} {v:.3f} s" + (f" ({per[k]:.2f} µs/char)" if k in per else "") for k, v in st["seconds"].items())
        lines.append(f"stages ({st['source']}, {st['size']:,} issues): {parts}")
        if st.get("model_load_seconds") is not None:
            lines.append(f"model load: {st['model_load_seconds']:.2f} s (once per run, not in the stage figures)")
    base = results.get("baselines", {})
    for key, label in (("spacy_blank_zh", "spaCy blank zh tokenizer"), ("jieba_posseg", "jieba POS")):
        b = base.get(key)
        if b:
            lines.append(f"baseline {label}: " + (f"{b['chars_per_second']:,} chars/s (cpu {b['cpu_chars_per_second']:,})"
                                                  if "chars_per_second" in b else b.get("error", "")))
    ra = results.get("ratios", {})
    if "ours_vs_jieba" in ra or "ours_vs_bare_tokenizer" in ra:
        lines.append(f"ours per char: {_fmt(ra.get('ours_vs_jieba'))}x jieba, {_fmt(ra.get('ours_vs_bare_tokenizer'))}x bare tokenizer "
                     f"(cpu vs cpu: {_fmt(ra.get('ours_cpu_vs_jieba'))}x, {_fmt(ra.get('ours_cpu_vs_bare_tokenizer'))}x; {ra.get('ours_measured_on')})")
    if ra.get("jobs_speedup"):
        par = ra.get("jobs_parallelism", {})
        lines.append(f"JOBS speedup on 1,000 issues: {ra['jobs_speedup']:.2f}x wall; CPU with jobs / CPU with one: "
                     f"{_fmt(ra.get('jobs_cpu_cost'))}x; cpu/wall " + ", ".join(f"{k} {v:.2f}" for k, v in par.items())
                     + (f"; the machine gave {ra['machine_speedup']:.2f}x to {results['jobs']} CPU-bound processes"
                        if ra.get("machine_speedup") is not None else ""))
    if ra.get("peak_mem_10k_vs_1k"):
        lines.append(f"peak memory 10,000 vs 1,000 issues: {ra['peak_mem_10k_vs_1k']:.2f}x")
    if results.get("worst_cases"):
        lines.append(worst_cases.render(results["worst_cases"]))
    lines.append("targets:")
    for t in results.get("targets", []):
        mark = {True: "met", False: "NOT MET", None: "not measured"}[t["met"]]
        value = t["value"]
        shown = "-" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))
        lines.append(f"  [{mark:>12}] {t['target']}: {shown} (want {t['threshold']})" + (f" — {t['note']}" if t["note"] else ""))
    for note in results.get("notes", []):
        lines.append(f"note: {note}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
