"""Bad input and faults (issue 6): every file accounted for, nothing lost,
nothing half-written.

- a torture folder (built here, in tmp_path) run through `run_extract` and the
  CLI: every file ends in exactly one place, issues or failures;
- worst-case lines against the structural patterns: no catastrophic backtracking;
- a run killed with SIGKILL leaves the previous tables intact; the next run completes;
- the command line's edges: RAW missing, empty or unreadable, OUT not writable.
"""

from __future__ import annotations

import codecs
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import tables as tables_module
from pipeline.cli import main
from pipeline.extract import structure_issue
from pipeline.read import MAX_BYTES, MAX_LINE_CHARS
from pipeline.records import SourceText
from pipeline.run import run_extract
from pipeline.schemas import TABLES

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "raw"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

NEWS = (
    "株洲日报\n2023年2月17日 星期五\n\n"
    "# 我市开展春季义务植树活动\n\n"
    "株洲日报讯(记者/陈正明 通讯员/覃琳)2月16日,数百名市民在神农公园参加义务植树活动,"
    "共栽种香樟、桂花等树苗三千余株。活动现场,园林工人为市民讲解栽种要领。\n\n"
    "## 社区食堂开到家门口\n\n"
    "株洲日报讯(全媒体记者/廖智勇)近日,荷塘区首家社区食堂开业,为辖区老人提供实惠可口的饭菜。\n"
)


def load(out: Path) -> dict:
    return {name: pq.read_table(out / f"{name}.parquet").to_pandas() for name in TABLES}


# -- the torture folder ---------------------------------------------------------

@pytest.fixture
def torture(tmp_path: Path) -> tuple[Path, set[str], set[str]]:
    """RAW full of bad files -> (raw, files expected as issues, files expected as failures)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    good, bad = set(), set()

    def put(name: str, data: bytes, ok: bool) -> None:
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        (good if ok else bad).add(name)

    put("empty.txt", b"", False)
    put("blank.txt", b" \n\r\n\t\n", False)
    put("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, False)
    put("gbk.txt", NEWS.encode("gbk"), True)
    put("utf16.txt", codecs.BOM_UTF16_LE + NEWS.encode("utf-16-le"), True)
    put("utf16be.txt", codecs.BOM_UTF16_BE + NEWS.encode("utf-16-be"), True)
    put("truncated.txt", NEWS.encode("utf-8") + "植".encode("utf-8")[:2], True)
    put("latin1.txt", "Caf\xe9 na\xefve r\xe9sum\xe9 \xe0 la fa\xe7on, d\xe9j\xe0 vu.\n".encode("latin-1") * 20, False)
    put("huge_single_line.txt", "株洲".encode("utf-8") * (10 * 1024 * 1024 // 6), False)  # 10 MB, refused by size
    put("long_line.txt", ("株" * (MAX_LINE_CHARS + 10)).encode("utf-8"), False)  # under the size limit
    put("punctuation.txt", "。,、!?……——《》“”\n!!!\n。。。\n".encode("utf-8") * 10, False)
    put("masthead_only.txt", "株洲日报\n2023年2月17日 星期五\n癸卯年正月廿七 第23219期 今日8版\n".encode("utf-8"), False)
    put("mixed.md", (
        "# 株洲日报\n\n**2024年1月5日** 星期五\n\n---\n\n### 引题:岁末年初\n# 新闻标题\n"
        "> 株洲日报讯(记者/何春林) 1月4日,\n\n- 列表项\n- 另一项\n\n| 表 | 格 |\n|---|---|\n| 1 | 2 |\n\n"
        "```\ncode\n```\n记者/何春林 摄\n" + "正文内容继续叙述当天的情况。" * 10 + "\n").encode("utf-8"), True)
    put("no_structure.txt", ("这是一段没有标题也没有电头的文字,但它足够长,值得保留为一篇未知类型的文章。" * 5).encode("utf-8"), True)
    put("controls.txt", b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11" * 20, False)
    put("images/photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(300), False)
    put("images/scan.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00" + bytes(100), False)
    put("images/caption.txt", NEWS.encode("utf-8-sig"), True)
    # Links: a loop, a dangling one, one to a good file.
    os.symlink("loop_b.txt", raw / "loop_a.txt")
    os.symlink("loop_a.txt", raw / "loop_b.txt")
    os.symlink("nowhere.txt", raw / "dangling.txt")
    os.symlink("gbk.txt", raw / "link_to_gbk.txt")
    # A second copy of the same bytes would give colliding ids: it is a failure.
    bad.update({"loop_a.txt", "loop_b.txt", "dangling.txt", "link_to_gbk.txt"})
    if hasattr(os, "mkfifo"):
        os.mkfifo(raw / "pipe.txt")  # reading it would block forever
        bad.add("pipe.txt")
    # Not inputs: hidden files and the folder's README.
    (raw / ".DS_Store").write_bytes(b"\x00\x01")
    (raw / "README.md").write_text("issues exported from the archive\n", encoding="utf-8")
    if not IS_ROOT:  # root reads through chmod 000, so there is nothing to test there
        put("locked.txt", NEWS.encode("utf-8"), False)
        (raw / "locked.txt").chmod(0)
    return raw, good, bad


@pytest.fixture
def restore_permissions(torture):
    yield
    locked = torture[0] / "locked.txt"
    if locked.exists():
        locked.chmod(0o644)


def test_torture_every_file_accounted_once(torture, tmp_path, restore_permissions):
    raw, good, bad = torture
    out = tmp_path / "out"
    started = time.perf_counter()
    summary = run_extract(raw, out, progress=False)
    assert time.perf_counter() - started < 60
    t = load(out)
    issues = list(t["issues"].source_file)
    errors = t["failures"][t["failures"].severity == "error"]
    assert len(issues) == len(set(issues)) and len(errors) == errors.source_file.nunique()
    assert set(issues) == good
    assert set(errors.source_file) == bad
    assert not set(issues) & set(errors.source_file)
    assert summary.files == len(good | bad) and summary.issues == len(good) and summary.errors == len(bad)
    # Warnings only for files that were processed.
    warnings = t["failures"][t["failures"].severity == "warning"]
    assert set(warnings.source_file) <= good
    # One line each, short, and saying what is wrong.
    for reason in t["failures"].reason:
        assert reason and "\n" not in reason and "\r" not in reason and len(reason) < 200
        assert "Traceback" not in reason
    why = dict(zip(errors.source_file, errors.reason))
    assert why["empty.txt"] == "empty file"
    assert why["link_to_gbk.txt"] == "duplicate: the same bytes as gbk.txt"
    assert why["image.png"].startswith("not text: binary content")
    assert why["huge_single_line.txt"].startswith("too large:")
    assert why["long_line.txt"].startswith("not an issue: line 1 is")
    assert why["punctuation.txt"].startswith("no articles found")
    assert why["masthead_only.txt"].startswith("no articles found")
    assert "symbolic links" in why["loop_a.txt"] or why["loop_a.txt"].startswith("cannot read")
    assert why["dangling.txt"].startswith("cannot read")
    assert "\\" not in "".join(why)  # paths relative to RAW with forward slashes
    # Degraded, not dropped: decoded and structured, with a warning.
    by_file = t["issues"].set_index("source_file")
    assert by_file.loc["gbk.txt", "encoding"] == "gb18030"
    assert by_file.loc["utf16.txt", "encoding"] == "utf-16"
    assert (warnings.source_file == "truncated.txt").any()
    no_structure = t["articles"][t["articles"].issue_id == by_file.loc["no_structure.txt", "issue_id"]]
    assert list(no_structure.kind) == ["unknown"]
    # The sha256 is there whenever the bytes could be read.
    sha = dict(zip(errors.source_file, errors.sha256))
    assert sha["image.png"] and sha["empty.txt"] and pd.isna(sha["dangling.txt"])


def test_torture_through_the_cli_exits_zero(torture, tmp_path, capsys, restore_permissions):
    raw, good, bad = torture
    out = tmp_path / "out"
    assert main(["extract", "--quiet", str(raw), str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{len(good | bad)} files: {len(good)} issues" in err and f"{len(bad)} failed" in err
    assert "Traceback" not in err


@pytest.mark.skipif(IS_ROOT or not hasattr(os, "geteuid"), reason="root lists any folder")
def test_unlistable_subfolder_is_a_failure(tmp_path):
    raw = tmp_path / "raw"
    (raw / "closed").mkdir(parents=True)
    (raw / "ok.txt").write_text(NEWS, encoding="utf-8")
    (raw / "closed" / "inside.txt").write_text(NEWS, encoding="utf-8")
    (raw / "closed").chmod(0)
    try:
        run_extract(raw, tmp_path / "out", progress=False)
    finally:
        (raw / "closed").chmod(0o755)
    failures = load(tmp_path / "out")["failures"]
    assert list(failures.source_file) == ["closed"] and failures.reason[0].startswith("cannot list folder")


def test_a_bug_in_one_file_costs_that_file_only(tmp_path, monkeypatch):
    import pipeline.extract as extract

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(NEWS, encoding="utf-8")
    (raw / "b.txt").write_text(NEWS + "\n另一篇\n", encoding="utf-8")
    real = extract.structure_issue

    def flaky(source, rules):
        if source.source_file == "b.txt":
            raise ValueError("boom\nsecond line")
        return real(source, rules)

    monkeypatch.setattr(extract, "structure_issue", flaky)
    summary = run_extract(raw, tmp_path / "out", progress=False)
    t = load(tmp_path / "out")
    assert list(t["issues"].source_file) == ["a.txt"] and summary.errors == 1
    (reason,) = t["failures"].reason
    assert reason.startswith("internal error") and "\n" not in reason


# -- worst cases for the patterns -----------------------------------------------

PATHOLOGICAL = {
    "han": "株洲日报新闻", "spaces": " ", "role_slash": "记者/", "role_name": "记者/张三 ", "role_only": "记者 ",
    "role_glued": "记者张三四", "hashes": "#", "digits": "2023年12月", "digit": "1", "parens": "(",
    "source": "株洲日报讯", "jump": "►下转", "credit_list": "记者/张三、", "han_space": "株 ", "tabs": "\t",
    "commas": ",", "org_credit": "宣传部供图 ", "quote": "> ",
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_longest_allowed_line_is_fast(rules, name):
    """A line of the longest length `read` lets through, built to make the
    byline, credit, dateline and heading patterns backtrack."""
    fragment = PATHOLOGICAL[name]
    text = (fragment * (MAX_LINE_CHARS // len(fragment) + 1))[:MAX_LINE_CHARS]
    started = time.perf_counter()
    result = structure_issue(SourceText("x.txt", "0" * 64, text, "utf-8"), rules)
    assert time.perf_counter() - started < 10, name
    assert result is not None


def test_many_short_lines_are_linear(rules):
    """Many lines of a pattern-teasing fragment: time grows with the size, no faster."""
    timings = []
    for n in (2_000, 8_000):
        text = "\n".join(["记者/张三 摄", "株洲日报讯(记者/", "#", "下转 02版", "株"] * (n // 5))
        started = time.perf_counter()
        structure_issue(SourceText("x.txt", "0" * 64, text, "utf-8"), rules)
        timings.append(time.perf_counter() - started)
    assert timings[1] < 10 and timings[1] < 4 * timings[0] * 2.5  # 4x the lines, allow noise


def test_size_limits_refuse_without_reading(tmp_path, monkeypatch):
    from pipeline.read import ReadError, read_issue

    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: no disk, and it must not be read
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file over the limit"))
    with pytest.raises(ReadError, match="too large"):
        read_issue(big, tmp_path)


# -- atomic outputs -------------------------------------------------------------

def snapshot(out: Path) -> dict[str, object]:
    return {name: pq.read_table(out / f"{name}.parquet") for name in TABLES}


def test_failed_write_leaves_previous_tables(tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_extract(SAMPLES, out, progress=False)
    before = snapshot(out)
    calls = []
    real = tables_module.pq.ParquetWriter.write_table

    def failing(writer, table, *a, **kw):
        calls.append(table)
        if len(calls) == 3:  # the third table is half written, then the disk fills up
            raise OSError(28, "No space left on device")
        return real(writer, table, *a, **kw)

    monkeypatch.setattr(tables_module.pq.ParquetWriter, "write_table", failing)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "one.txt").write_text(NEWS, encoding="utf-8")
    with pytest.raises(OSError):
        run_extract(raw, out, progress=False)
    after = snapshot(out)
    assert all(after[n].equals(before[n]) for n in TABLES)
    assert not list(out.glob(".*.tmp")), "temporary files left behind"


def test_stale_temporaries_are_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = [out / ".articles.abc123.parquet.tmp", out / ".issues.x.parquet.tmp"]
    for p in stale:
        p.write_bytes(b"PAR1 half written")
    keep = out / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    run_extract(SAMPLES, out, progress=False)
    assert not any(p.exists() for p in stale) and keep.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{n}.parquet" for n in TABLES]
                                                          + ["notes.txt", ".work", ".lock", "_run.json", "datapackage.json"])


def _extract_cmd(raw: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "extract", "--quiet", "--no-model", str(raw), str(out)]


def test_kill_9_leaves_previous_outputs_intact(tmp_path):
    """SIGKILL a run at a few moments; each table is always a complete one,
    the previous run's or (killed while renaming) the new run's; the next run completes."""
    raw = tmp_path / "raw"
    raw.mkdir()
    samples = sorted(SAMPLES.glob("*.txt"))
    for k in range(8):
        for p in samples:
            data = p.read_bytes()
            shutil.copyfile(p, raw / f"{k:02d}_{p.name}") if k == 0 else (raw / f"{k:02d}_{p.name}").write_bytes(
                data + (b"\r\n" if b"\r\n" in data else b"\n") * (k % 7 + 1) + b" " * k)
    out = tmp_path / "out"
    subprocess.run(_extract_cmd(SAMPLES, out), check=True, cwd=ROOT, capture_output=True)
    previous = snapshot(out)
    reference = tmp_path / "reference"
    started = time.perf_counter()
    subprocess.run(_extract_cmd(raw, reference), check=True, cwd=ROOT, capture_output=True)
    duration = time.perf_counter() - started
    new = snapshot(reference)
    for fraction in (0.3, 0.7, 0.95):
        proc = subprocess.Popen(_extract_cmd(raw, out), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = snapshot(out)  # every table still readable
        for name in TABLES:
            assert now[name].equals(previous[name]) or now[name].equals(new[name]), name
    result = subprocess.run(_extract_cmd(raw, out), cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    final = snapshot(out)
    assert all(final[n].equals(new[n]) for n in TABLES)
    assert not list(out.glob(".*.tmp"))


# -- the command line's edges -----------------------------------------------------

def _no_traceback(err: str) -> None:
    assert "Traceback" not in err and err.strip().count("\n") == 0, err


def test_cli_raw_missing(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "nope"), str(tmp_path / "out")]) != 0
    err = capsys.readouterr().err
    _no_traceback(err)
    assert "does not exist" in err and not (tmp_path / "out").exists()


def test_cli_raw_is_a_file(tmp_path, capsys):
    f = tmp_path / "issue.txt"
    f.write_text(NEWS, encoding="utf-8")
    assert main(["extract", str(f), str(tmp_path / "out")]) != 0
    _no_traceback(capsys.readouterr().err)


def test_cli_raw_empty(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / ".hidden").write_text("x", encoding="utf-8")
    (raw / "README.md").write_text("x", encoding="utf-8")
    assert main(["extract", str(raw), str(tmp_path / "out")]) != 0
    err = capsys.readouterr().err
    _no_traceback(err)
    assert "no issue files" in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["file", "under_a_file"])
def test_cli_out_not_writable(tmp_path, capsys, kind):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker if kind == "file" else blocker / "out"
    assert main(["extract", "--quiet", str(SAMPLES), str(out)]) != 0
    err = capsys.readouterr().err
    _no_traceback(err)
    assert "cannot write the tables" in err and "writable OUT" in err
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders")
def test_cli_out_read_only(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        assert main(["extract", "--quiet", str(SAMPLES), str(out)]) != 0
    finally:
        out.chmod(0o755)
    _no_traceback(capsys.readouterr().err)


def test_cli_bad_arguments_subprocess(tmp_path):
    """As a user sees it: argparse's usage message, or one error line; never a traceback."""
    for args, expect in ((["extract"], "usage"), (["extract", str(tmp_path / "nope"), str(tmp_path / "o")], "error:"),
                         (["nonsense"], "usage")):
        result = subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode != 0 and expect in result.stderr and "Traceback" not in result.stderr, result.stderr
