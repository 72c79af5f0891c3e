"""Golden regression files: the extracted tables in a readable, diff-friendly form.

One JSON-lines file per table under tests/golden/<set>/, one row per line with
sorted keys; article bodies are kept as length and sha256 (the corpus text is
never copied into the project). `make golden` rewrites them; the regression
test compares a fresh extraction with them and prints a unified diff.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq

GOLDEN_TABLES = ("issues", "articles", "bylines", "mentions", "entities", "officials", "posts", "failures")


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def table_lines(out_dir: Path, name: str) -> list[str]:
    """A table of OUT as sorted JSON lines, bodies replaced by length and hash."""
    path = out_dir / f"{name}.parquet"
    if not path.exists():
        return []
    lines = []
    for row in pq.read_table(path).to_pylist():
        row = {k: _plain(v) for k, v in row.items()}
        if "body" in row:
            body = row.pop("body")
            row["body_len"] = len(body)
            row["body_sha256"] = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
        lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    return lines


def write_golden(out_dir: Path, golden_dir: Path) -> None:
    golden_dir.mkdir(parents=True, exist_ok=True)
    for name in GOLDEN_TABLES:
        lines = table_lines(out_dir, name)
        (golden_dir / f"{name}.jsonl").write_text("".join(l + "\n" for l in lines), encoding="utf-8")


def diff_golden(out_dir: Path, golden_dir: Path) -> str:
    """A unified diff between fresh tables and the golden files ('' when equal)."""
    chunks = []
    for name in GOLDEN_TABLES:
        path = golden_dir / f"{name}.jsonl"
        expected = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        actual = table_lines(out_dir, name)
        if expected != actual:
            chunks.extend(difflib.unified_diff(expected, actual, f"golden/{name}", f"fresh/{name}", lineterm="", n=0))
    return "\n".join(chunks)
