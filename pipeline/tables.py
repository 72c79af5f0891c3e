"""Records -> Arrow tables with the schemas of `schemas.py`, and atomic writing.

Tables are written next to their final place under a temporary name and
renamed into place only once complete, so a run killed at any moment leaves
the previous complete outputs intact.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .records import Failure, Issue
from .schemas import TABLES


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
    """Tables written under temporary names in OUT and renamed into place
    together by `publish` (a rename within a directory is atomic on POSIX);
    whatever was not published is removed when the block ends.

        with StagedTables(out) as staged:
            pq.write_table(table, staged.path("issues"))
            staged.publish()
    """

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
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

    def publish(self) -> None:
        for name, tmp in self.staged:
            os.chmod(tmp, 0o644)  # mkstemp makes files private; tables are for everyone
            os.replace(tmp, self.out_dir / f"{name}.parquet")

    def __exit__(self, *exc) -> None:
        for _, tmp in self.staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def write_tables(tables: dict[str, pa.Table], out_dir: Path) -> None:
    """Write every table as OUT/<name>.parquet; all are renamed into place at the end."""
    with StagedTables(out_dir) as staged:
        for name, table in tables.items():
            pq.write_table(table, staged.path(name))
        staged.publish()
