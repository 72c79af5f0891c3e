"""The run: parallel, incremental and Dask runs give the same tables as a plain one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.run import run_extract
from pipeline.schemas import TABLES

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "raw"


def tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}


def assert_same(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for name in TABLES:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_like=False, obj=name)


@pytest.fixture
def raw(tmp_path, corpus_dir) -> Path:
    folder = tmp_path / "raw"
    shutil.copytree(SAMPLES, folder / "samples")
    shutil.copytree(corpus_dir, folder / "corpus", ignore=shutil.ignore_patterns("README*"))
    return folder


def test_two_jobs_give_the_same_tables_as_one(raw, tmp_path):
    run_extract(raw, tmp_path / "one", progress=False, jobs=1)
    summary = run_extract(raw, tmp_path / "two", progress=False, jobs=2)
    assert summary.issues == 9
    assert_same(tmp_path / "one", tmp_path / "two")


def test_incremental_rerun_redoes_only_what_changed_and_matches_a_fresh_run(raw, tmp_path):
    out = tmp_path / "out"
    first = run_extract(raw, out, progress=False)
    assert first.reused == 0
    again = run_extract(raw, out, progress=False)
    assert again.reused == 9
    # change one file, add one, remove one
    changed = raw / "samples" / "sample_01_markdown.txt"
    changed.write_bytes(changed.read_bytes().replace("株洲日报讯".encode(), "本报讯".encode(), 1))
    (raw / "samples" / "sample_04_mixed.txt").rename(raw / "samples" / "renamed.txt")
    (raw / "corpus" / "000_1bb611471ff94af8.txt").unlink()
    shutil.copy(SAMPLES / "sample_04_mixed.txt", raw / "added.txt")
    rerun = run_extract(raw, out, progress=False)
    assert rerun.reused == 6 and rerun.files == 9  # 4 corpus + 2 samples unchanged; renamed.txt duplicates added.txt
    run_extract(raw, tmp_path / "fresh", progress=False)
    assert_same(out, tmp_path / "fresh")
    failures = pd.read_parquet(out / "failures.parquet")
    assert "duplicate: the same bytes as added.txt" in set(failures.reason)


def test_changed_rules_redo_everything(raw, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    out = tmp_path / "out"
    run_extract(raw, out, rules_dir=rules, progress=False)
    with open(rules / "structure.toml", "a", encoding="utf-8") as f:
        f.write("\n# a comment changes the fingerprint\n")
    assert run_extract(raw, out, rules_dir=rules, progress=False).reused == 0


def test_dask_engine_on_a_local_cluster_gives_the_same_tables(raw, tmp_path):
    pytest.importorskip("dask.distributed")
    run_extract(raw, tmp_path / "local", progress=False, jobs=1)
    run_extract(raw, tmp_path / "dask", progress=False, jobs=2, engine="dask")
    assert_same(tmp_path / "local", tmp_path / "dask")
