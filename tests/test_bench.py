"""The benchmark's archive generator and a tiny end-to-end run of `python -m pipeline.tools.bench`.

Fast on purpose (a few seconds): the real figures come from `make bench`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
from pathlib import Path

import pytest

from pipeline.tools import bench, worst_cases
from pipeline.extract import extract_issue
from pipeline.read import read_issue
from pipeline.records import Issue

N = 60  # enough issues to draw every layout variant with seed 0


@pytest.fixture(scope="module")
def archive(tmp_path_factory, samples_dir) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("archive")
    return out, bench.generate_archive(samples_dir, out, N, seed=0)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_and_smaller_archive_is_a_prefix(archive, samples_dir, tmp_path):
    root, paths = archive
    again = bench.generate_archive(samples_dir, tmp_path / "again", N, seed=0)
    assert _files(tmp_path / "again") == _files(root)
    assert [p.relative_to(tmp_path / "again") for p in again] == [p.relative_to(root) for p in paths]
    small = bench.generate_archive(samples_dir, tmp_path / "small", 10, seed=0)
    assert [p.read_bytes() for p in small] == [p.read_bytes() for p in paths[:10]]
    other = bench.generate_archive(samples_dir, tmp_path / "other", 10, seed=1)
    assert [p.read_bytes() for p in other] != [p.read_bytes() for p in paths[:10]]


def test_refuses_a_folder_that_is_not_empty(archive, samples_dir):
    root, _ = archive
    with pytest.raises(ValueError, match="not empty"):
        bench.generate_archive(samples_dir, root, 1)


def test_archive_layout_daily_dates_and_every_variant(archive):
    root, paths = archive
    specs = bench.read_manifest(root)
    assert len(specs) == len(paths) == N
    days = [dt.date.fromisoformat(s.date) for s in specs]
    assert days == [bench.DEFAULT_START + dt.timedelta(days=k) for k in range(N)]
    for path, spec, day in zip(paths, specs, days):
        assert path.relative_to(root).as_posix() == f"{day:%Y/%m}/zzrb-{day:%Y-%m-%d}.txt" == spec.file
        assert 6 <= len(spec.blocks) <= 12 and len(set(spec.blocks)) == len(spec.blocks)
    assert [s.issue_number for s in specs] == list(range(specs[0].issue_number, specs[0].issue_number + N))
    seen = {field: {getattr(s, field) for s in specs} for field in ("masthead", "headings", "newline", "encoding", "column_wrap")}
    assert seen == {
        "masthead": {"block", "split", None},
        "headings": {"markdown", "bare", "as-printed"},
        "newline": {"lf", "crlf", "cr"},
        "encoding": {"utf-8", "utf-8-sig", "gb18030"},
        "column_wrap": {True, False},
    }


def test_files_decode_with_their_declared_encoding_and_line_ends(archive):
    root, paths = archive
    for path, spec in zip(paths, bench.read_manifest(root)):
        data = path.read_bytes()
        assert data.startswith(codecs.BOM_UTF8) == (spec.encoding == "utf-8-sig"), spec.file
        text = data.decode(spec.encoding)
        assert len(text) == spec.chars and len(data) == spec.bytes
        if spec.newline == "crlf":
            assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
        elif spec.newline == "cr":
            assert "\r" in text and "\n" not in text
        else:
            assert "\n" in text and "\r" not in text
        source = read_issue(path, root)  # the pipeline detects the same encoding
        assert source.encoding == spec.encoding and source.text == text.lstrip("\ufeff")


def test_every_issue_extracts_with_the_printed_date(archive, rules):
    root, paths = archive
    for path, spec in zip(paths, bench.read_manifest(root)):
        issue = extract_issue(path, root, rules)
        assert isinstance(issue, Issue), (spec.file, issue)
        assert len(issue.articles) >= 1
        if spec.masthead:
            assert issue.date_source == "masthead", spec.file
            assert issue.issue_date.isoformat() == spec.date
            assert issue.masthead.issue_number == spec.issue_number
            assert issue.masthead.pages == spec.pages
            assert issue.masthead.weekday == "星期" + bench.WEEKDAYS[issue.issue_date.weekday()]
        else:
            assert issue.masthead.issue_date is None


def test_column_wrap_spaces_are_only_between_chinese_characters(archive, samples_dir):
    root, paths = archive
    template = bench.load_template(samples_dir)
    wrapped = [(p, s) for p, s in zip(paths, bench.read_manifest(root)) if s.column_wrap]
    assert wrapped
    for path, spec in wrapped:
        text = path.read_bytes().decode(spec.encoding)
        assert text.count(" ") > sum(b.as_printed.count(" ") for b in template.blocks if b.origin in spec.blocks)


def test_lunar_date_matches_the_samples_mastheads():
    assert bench.lunar_date(dt.date(2025, 3, 12)) == "乙巳年二月十三"
    assert bench.lunar_date(dt.date(2025, 6, 3)) == "乙巳年五月初八"
    assert bench.lunar_date(dt.date(2025, 1, 29)) == "乙巳年正月初一"  # 春节 2025


def test_bench_main_runs_end_to_end_on_a_tiny_archive(tmp_path, capsys):
    out = tmp_path / "results.json"
    code = bench.main(["--sizes", "5", "--work", str(tmp_path / "work"), "--out", str(out),
                       "--model", str(tmp_path / "no-model"), "--baseline-chars", "4000", "--jieba-chars", "0",
                       "--worst-scale", "0.01"])
    assert code == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    [run] = results["runs"]
    assert run["size"] == run["files"] == 5 and run["returncode"] == 0
    assert run["chars"] > 0 and run["wall_seconds"] > 0 and run["chars_per_second"] > 0
    assert run["maxrss_mb"] > 10
    assert results["stages"]["size"] == 5 and results["stages"]["seconds"]
    assert results["baselines"]["spacy_blank_zh"]["chars_per_second"] > 0
    assert "ours_vs_bare_tokenizer" in results["ratios"]
    assert {t["target"] for t in results["targets"]} >= {"within 3x of the bare char tokenizer"}
    worst = results["worst_cases"]
    assert worst["average"]["files"] == 5 and worst["average"]["seconds_per_mb"] > 0
    assert [r["name"] for r in worst["cases"]] == [c.name for c in worst_cases.CASES]
    assert all(r["seconds"] > 0 and r["vs_average"] > 0 for r in worst["cases"])
    assert any(t["target"].startswith("worst-case inputs") for t in results["targets"])
    printed = capsys.readouterr().out
    assert "issues" in printed and "targets:" in printed and "worst cases" in printed
    assert not any((tmp_path / "work").glob("raw-*")), "archives are removed unless --keep"


def test_machine_speedup_probe_reports_a_ratio():
    probe = bench.machine_speedup(2, n=200_000)
    assert probe["jobs"] == 2 and probe["speedup"] > 0 and probe["alone_seconds"] > 0


def test_only_the_full_sizes_replace_the_committed_results():
    assert bench.parse_args([]).out == bench.RESULTS
    assert bench.parse_args(["--sizes", "10000,100,1000"]).out == bench.RESULTS
    small = bench.parse_args(["--sizes", "100", "--work", "/tmp/w"])
    assert Path(small.out) == Path("/tmp/w/results-100.json")
    assert bench.parse_args(["--sizes", "5", "--out", "x.json"]).out == "x.json"


def test_make_bench_passes_all_three_sizes():
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("no make")
    root = Path(__file__).resolve().parent.parent
    dry = subprocess.run(["make", "-n", "bench"], cwd=root, capture_output=True, text=True, timeout=60).stdout
    [line] = [ln for ln in dry.splitlines() if "pipeline.tools.bench" in ln]
    assert "--sizes 100,1000,10000 " in line + " "
    dry = subprocess.run(["make", "-n", "bench", "SIZES=100"], cwd=root, capture_output=True, text=True, timeout=60).stdout
    assert "--sizes 100 " in [ln for ln in dry.splitlines() if "pipeline.tools.bench" in ln][0] + " "
