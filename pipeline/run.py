"""A whole run: every file under RAW -> the Parquet tables in OUT.

`run_extract` is what `make extract` and `python -m pipeline extract` call.
Each file is handled on its own (`extract.extract_issue`): a bad file becomes
a row of `failures`, never the end of the run.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from .extract import extract_issue
from .records import Failure, Issue
from .resolve import resolve
from .rules import DEFAULT_RULES_DIR, load_structure_rules
from .tables import failure_row, issue_rows, to_table, write_tables

# Files in RAW that document the folder rather than being issues.
DOC_FILES = ("README", "README.md", "README.txt")


@dataclass
class RunSummary:
    files: int
    issues: int
    articles: int
    mentions: int
    errors: int
    warnings: int
    seconds: float

    def line(self) -> str:
        return (f"{self.files} files: {self.issues} issues, {self.articles} articles, {self.mentions} mentions, "
                f"{self.errors} failed, {self.warnings} warnings, {self.seconds:.1f} s")


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


def remove_stale_temporaries(out_dir: Path) -> None:
    """Delete `.<table>.*.parquet.tmp` files a killed run left in OUT."""
    if out_dir.is_dir():
        for tmp in out_dir.glob(".*.parquet.tmp"):
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass


def run_extract(raw_dir: Path, out_dir: Path, rules_dir: Path = DEFAULT_RULES_DIR,
                model_dir: Path | None = None, progress: bool = True) -> RunSummary:
    """Extract every file of RAW into the tables of OUT."""
    started = time.perf_counter()
    rules = load_structure_rules(rules_dir)
    remove_stale_temporaries(out_dir)
    failures: list[Failure] = []
    paths = discover_inputs(raw_dir, failures)
    issues: list[Issue] = []
    bar = tqdm(paths, desc="issues", unit="file", disable=not progress or None, file=sys.stderr)
    for path in bar:
        result = extract_issue(path, raw_dir, rules)
        (issues if isinstance(result, Issue) else failures).append(result)
    if model_dir is not None:
        from .ner import find_mentions, load_model

        nlp = load_model(model_dir)
        articles = [a for issue in issues for a in issue.articles]
        for article, mentions in zip(articles, find_mentions(nlp, [a.body for a in articles])):
            article.mentions = mentions
    resolved = resolve(issues)
    rows: dict[str, list[dict]] = {name: [] for name in ("issues", "articles", "bylines", "failures")}
    for issue in sorted(issues, key=lambda i: i.source.source_file):
        for name, part in issue_rows(issue).items():
            rows[name].extend(part)
    rows["failures"].extend(failure_row(f) for f in failures)
    rows["failures"].sort(key=lambda r: (r["source_file"], r["severity"], r["stage"], r["reason"]))
    tables = {name: to_table(name, part) for name, part in rows.items()}
    tables["mentions"] = to_table("mentions", resolved.mentions)
    tables["entities"] = to_table("entities", resolved.entities)
    tables["officials"] = to_table("officials", resolved.officials)
    write_tables(tables, out_dir)
    warnings = sum(1 for r in rows["failures"] if r["severity"] == "warning")
    return RunSummary(
        files=len(paths), issues=len(issues), articles=len(rows["articles"]), mentions=len(resolved.mentions),
        errors=len(failures), warnings=warnings, seconds=time.perf_counter() - started,
    )
