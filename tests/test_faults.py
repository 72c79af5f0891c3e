"""Faults and hostile input (issue 14): every case of the issue, on inputs
written here, and never a traceback for the user.

- D1 any file name; D2 worker deaths; D3 a publish atomic as a set (killed
  inside the publish step); D4/D5 one run per OUT; D6 files changing while
  read; D7 damaged `.work` state; the per-file time budget;
- the minor cases: UTF-16 without BOM, HTML, mostly foreign text, FF FE
  gibberish, a link to a folder, file modes.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import pipeline
import pipeline.run as run_module
from pipeline.cli import main
from pipeline.read import read_file
from pipeline.run import run_extract
from pipeline.schemas import TABLES
from pipeline.tables import JOURNAL, MixedTables, OutLock

ROOT = Path(__file__).resolve().parent.parent


def news(n: int) -> str:
    """A short issue, different for every n (so every file has its own bytes)."""
    return (
        f"株洲日报\n2023年2月{n % 27 + 1}日 星期五\n\n"
        f"# 我市开展第{n}次春季义务植树活动\n\n"
        f"株洲日报讯(记者/陈正明 通讯员/覃琳)2月16日,{n}百名市民在神农公园参加义务植树活动,"
        "共栽种香樟、桂花等树苗三千余株。活动现场,园林工人为市民讲解栽种要领。\n"
    )


def make_raw(folder: Path, n: int, start: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(start, start + n):
        (folder / f"{k:02d}.txt").write_text(news(k), encoding="utf-8")
    return folder


def tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}


def assert_same(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for name in TABLES:
        pd.testing.assert_frame_equal(ta[name], tb[name], obj=name)


def no_traceback(err: str) -> None:
    assert "Traceback" not in err, err


def errors_of(out: Path) -> dict[str, str]:
    failures = tables(out)["failures"]
    errors = failures[failures.severity == "error"]
    return dict(zip(errors.source_file, errors.reason))


def cli(args: list[str], wrapper: str = "") -> subprocess.CompletedProcess:
    """`python -m pipeline ARGS` as a user runs it; `wrapper` is Python run
    first in the same process (to make a file slow, or kill at a moment)."""
    code = textwrap.dedent(wrapper) + "\nimport sys\nfrom pipeline.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    if args[:1] == ["extract"]:
        args = ["extract", "--no-model", *args[1:]]  # the tables to compare with are made without one
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True)


# -- D1: any file name ---------------------------------------------------------------

def test_a_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path):
    raw = make_raw(tmp_path / "raw", 2)
    bad = os.fsencode(raw) + b"/caf\xe9.txt"
    with open(bad, "wb") as f:
        f.write(news(7).encode("utf-8"))
    if hasattr(os, "mkfifo"):
        os.mkfifo(os.fsencode(raw) + b"/pipe\xff.txt")
    (raw / "tab\there.txt").write_text(news(8), encoding="utf-8")
    out = tmp_path / "out"
    result = cli(["extract", "--quiet", str(raw), str(out)])
    assert result.returncode == 0, result.stderr
    no_traceback(result.stderr)
    issues = set(tables(out)["issues"].source_file)
    assert issues == {"00.txt", "01.txt", "caf\\xe9.txt", "tab\\x09here.txt"}
    assert errors_of(out) == {"pipe\\xff.txt": "not a regular file (a pipe, socket or device): skipped"}
    # the manifest keeps the shown names: a rerun reuses every file (the pipe while it stays one)
    again = run_extract(raw, out, progress=False)
    assert again.reused == 5 and again.issues == 4


# -- D2: worker deaths ---------------------------------------------------------------

def _dies_on(names: set[str], marker: Path | None = None):
    """extract_bytes that SIGKILLs its process for the files `names` (only
    the first time each is met when `marker` is a folder to remember it in)."""
    real = run_module.extract_bytes

    def extract(source_file, raw, rules):
        if source_file in names:
            seen = marker / source_file if marker else None
            if seen is None or not seen.exists():
                if seen is not None:
                    seen.write_text("died once", encoding="utf-8")
                os.kill(os.getpid(), signal.SIGKILL)
        return real(source_file, raw, rules)

    return extract


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_worker_killed_twice_costs_its_file_only(tmp_path, monkeypatch, jobs):
    raw = make_raw(tmp_path / "raw", 6)
    monkeypatch.setattr(run_module, "extract_bytes", _dies_on({"02.txt"}))
    summary = run_extract(raw, tmp_path / "out", progress=False, jobs=jobs)
    assert summary.issues == 5 and summary.errors == 1
    failures = tables(tmp_path / "out")["failures"]
    (row,) = failures.itertuples()
    assert (row.source_file, row.stage, row.reason) == ("02.txt", "segment", "worker died: signal 9")
    assert row.sha256 == read_file(raw / "02.txt").sha256
    # a death is not remembered as the file's result: the next run tries it again
    monkeypatch.undo()
    rerun = run_extract(raw, tmp_path / "out", progress=False, jobs=jobs)
    assert rerun.reused == 5 and rerun.issues == 6 and rerun.errors == 0


def test_a_worker_killed_once_is_retried_in_a_fresh_one(tmp_path, monkeypatch):
    raw = make_raw(tmp_path / "raw", 6)
    marker = tmp_path / "seen"
    marker.mkdir()
    monkeypatch.setattr(run_module, "extract_bytes", _dies_on({"01.txt", "04.txt"}, marker))
    summary = run_extract(raw, tmp_path / "out", progress=False, jobs=2)
    assert summary.issues == 6 and summary.errors == 0
    assert sorted(p.name for p in marker.iterdir()) == ["01.txt", "04.txt"]
    run_extract(raw, tmp_path / "fresh", progress=False, jobs=1, full=True)
    assert_same(tmp_path / "out", tmp_path / "fresh")


def test_kill_9_of_the_workers_from_outside(tmp_path):
    """As D2 was found: kill -9 of the worker processes while they work; the
    run goes on, every file is retried and ends in the tables, exit 0."""
    raw = make_raw(tmp_path / "raw", 6)
    out = tmp_path / "out"
    slow = """
        import time, pipeline.run as r
        real = r.extract_bytes
        def slow(source_file, raw, rules):
            time.sleep(0.5)
            return real(source_file, raw, rules)
        r.extract_bytes = slow
    """
    code = textwrap.dedent(slow) + "\nimport sys\nfrom pipeline.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    proc = subprocess.Popen([sys.executable, "-c", code, "extract", "--quiet", "--no-model", "--jobs", "2", str(raw), str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children: list[int] = []
    deadline = time.monotonic() + 30
    while len(children) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
        try:
            children = [int(c) for c in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
        except OSError:
            pytest.skip("no /proc children list")
    time.sleep(0.3)  # both are inside a file
    for child in children:
        os.kill(child, signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    no_traceback(err)
    assert len(tables(out)["issues"]) == 6 and errors_of(out) == {}


# -- the per-file time budget ------------------------------------------------------------

def test_a_file_past_the_time_budget_is_stopped_and_the_run_goes_on(tmp_path, monkeypatch):
    raw = make_raw(tmp_path / "raw", 4)
    real = run_module.extract_bytes

    def slow(source_file, raw_file, rules):
        if source_file == "01.txt":
            time.sleep(60)
        return real(source_file, raw_file, rules)

    monkeypatch.setattr(run_module, "extract_bytes", slow)
    started = time.perf_counter()
    summary = run_extract(raw, tmp_path / "out", progress=False, jobs=2, file_budget=1.0)
    assert time.perf_counter() - started < 30
    assert summary.issues == 3 and summary.errors == 1
    assert errors_of(tmp_path / "out") == {"01.txt": "stopped: over the 1 s time budget per file (in segment)"}


# -- D3: a publish atomic as a set -----------------------------------------------------------

KILL_AT_RENAME = """
    import os, signal
    real = os.replace
    calls = [0]
    def replace(src, dst, *a, **kw):
        if str(dst).endswith((".parquet", "{journal}")):
            if calls[0] == {n}:
                os.kill(os.getpid(), signal.SIGKILL)
            calls[0] += 1
        return real(src, dst, *a, **kw)
    os.replace = replace
"""


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[Path, Path, Path, Path]:
    """(old RAW, new RAW, tables of old alone, tables of new alone)."""
    base = tmp_path_factory.mktemp("sets")
    old_raw, new_raw = make_raw(base / "old", 3), make_raw(base / "new", 4, start=10)
    run_extract(old_raw, base / "old_out", progress=False)
    run_extract(new_raw, base / "new_out", progress=False)
    return old_raw, new_raw, base / "old_out", base / "new_out"


def _frames(loaded: dict) -> dict:
    return {name: df.reset_index(drop=True) for name, df in loaded.items()}


@pytest.mark.parametrize("kill_at", [0, 1, 7])
def test_killed_inside_the_publish_the_set_is_all_old_or_all_new(two_runs, tmp_path, kill_at):
    """kill_at 0 is the journal's rename (the set is still the old one); 1 and
    7 the first and the last table's rename (the journal finishes them: the
    new set); test_the_next_run_rolls_an_interrupted_publish_forward kills at 3."""
    old_raw, new_raw, old_alone, new_alone = two_runs
    out = tmp_path / "out"
    shutil.copytree(old_alone, out)
    shutil.rmtree(out / ".work")
    run_extract(old_raw, out, progress=False)  # a real OUT of the old RAW, with its .work
    result = cli(["extract", "--quiet", str(new_raw), str(out)],
                 KILL_AT_RENAME.replace("{journal}", JOURNAL).replace("{n}", str(kill_at)))
    assert result.returncode == -signal.SIGKILL
    assert (out / JOURNAL).exists() == (kill_at > 0)
    expected = old_alone if kill_at == 0 else new_alone
    loaded = _frames(pipeline.load(out))  # rolls the journal forward
    assert not (out / JOURNAL).exists()
    for name, frame in _frames(pipeline.load(expected)).items():
        pd.testing.assert_frame_equal(loaded[name], frame, obj=name)
    # the next run completes and gives the tables of a run from scratch
    result = cli(["extract", "--quiet", str(new_raw), str(out)])
    assert result.returncode == 0, result.stderr
    assert_same(out, new_alone)
    assert not list(out.glob(".*.tmp"))


def test_the_next_run_rolls_an_interrupted_publish_forward(two_runs, tmp_path):
    old_raw, new_raw, _, new_alone = two_runs
    out = tmp_path / "out"
    run_extract(old_raw, out, progress=False)
    result = cli(["extract", "--quiet", str(new_raw), str(out)],
                 KILL_AT_RENAME.replace("{journal}", JOURNAL).replace("{n}", "3"))
    assert result.returncode == -signal.SIGKILL
    summary = run_extract(new_raw, out, progress=False)
    assert any(n.startswith("finished publishing the tables of an interrupted run") for n in summary.notices)
    assert_same(out, new_alone)


def test_load_refuses_a_mixed_set_with_a_clear_message(two_runs, tmp_path):
    _, _, old_alone, new_alone = two_runs
    out = tmp_path / "out"
    shutil.copytree(new_alone, out)
    shutil.copy(old_alone / "issues.parquet", out / "issues.parquet")  # by hand, no journal
    with pytest.raises(MixedTables) as err:
        pipeline.load(out)
    message = str(err.value)
    assert "different runs" in message and "issues from run" in message and "extract" in message
    assert "\n" not in message


# -- D4, D5: one run per OUT ------------------------------------------------------------------

def test_a_second_run_is_refused_and_leaves_the_first_ones_files(tmp_path, capsys):
    raw = make_raw(tmp_path / "raw", 2)
    out = tmp_path / "out"
    out.mkdir()
    staged = out / ".issues.first-run.parquet.tmp"
    with OutLock(out):  # the first run, at work
        staged.write_bytes(b"being written")
        assert main(["extract", "--quiet", "--no-model", str(raw), str(out)]) == 2
    err = capsys.readouterr().err
    no_traceback(err)
    assert err.count("\n") == 1 and "another run is writing to" in err and f"pid {os.getpid()}" in err
    assert staged.read_bytes() == b"being written"
    assert not (out / "issues.parquet").exists()


def test_two_concurrent_runs_into_one_out(tmp_path):
    """Two runs of different RAW folders started together: one is refused with
    one line, the other's tables hold every one of its files."""
    raws = [make_raw(tmp_path / "a", 5), make_raw(tmp_path / "b", 6, start=20)]
    out = tmp_path / "out"
    slow = "import time; time.sleep(0.3)\n"  # both get past the argument checks
    procs = [subprocess.Popen([sys.executable, "-c", slow + "import sys\nfrom pipeline.cli import main\n"
                               "sys.exit(main(sys.argv[1:]))", "extract", "--quiet", "--no-model", str(raw), str(out)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for raw in raws]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    if codes == [0, 0]:  # one ended before the other began: nothing to test on this machine
        pytest.skip("the runs did not overlap")
    assert codes == [0, 2], results
    (winner,) = [k for k, (code, _) in enumerate(results) if code == 0]
    (_, refused), = [r for r in results if r[0] == 2]
    no_traceback(refused)
    assert "another run is writing to" in refused and refused.count("\n") == 1
    issues = tables(out)["issues"]
    assert sorted(issues.source_file) == sorted(p.name for p in raws[winner].iterdir())


# -- D6: files changing while the run reads them ------------------------------------------------

def test_a_file_overwritten_with_another_files_bytes_during_the_run(tmp_path, monkeypatch):
    raw = make_raw(tmp_path / "raw", 4)
    real = run_module.read_file

    def read_after_a_copy(path):
        if Path(path).name == "03.txt":  # a writer copies 00.txt over it after the listing
            shutil.copyfile(raw / "00.txt", raw / "03.txt")
        return real(path)

    monkeypatch.setattr(run_module, "read_file", read_after_a_copy)
    out = tmp_path / "out"
    run_extract(raw, out, progress=False, jobs=1)
    monkeypatch.undo()
    t = tables(out)
    for table, column in (("issues", "issue_id"), ("articles", "article_id"), ("mentions", "mention_id")):
        assert t[table][column].is_unique, table
    assert errors_of(out) == {"03.txt": "duplicate: the same bytes as 00.txt"}
    # the rerun sees what is there now, and gives what a run from scratch gives
    run_extract(raw, out, progress=False)
    run_extract(raw, tmp_path / "fresh", progress=False)
    assert_same(out, tmp_path / "fresh")


def test_a_file_changed_during_the_run_is_handled_as_what_was_read(tmp_path, monkeypatch):
    raw = make_raw(tmp_path / "raw", 3)
    real = run_module.read_file
    changed = news(99).encode("utf-8")

    def read_after_an_edit(path):
        if Path(path).name == "01.txt":
            Path(path).write_bytes(changed)
        return real(path)

    monkeypatch.setattr(run_module, "read_file", read_after_an_edit)
    out = tmp_path / "out"
    run_extract(raw, out, progress=False, jobs=1)
    monkeypatch.undo()
    issues = tables(out)["issues"].set_index("source_file")
    assert issues.loc["01.txt", "sha256"] == read_file(raw / "01.txt").sha256  # the bytes read, not those listed
    manifest = json.loads((out / ".work" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["01.txt"]["sha256"] == issues.loc["01.txt", "sha256"]
    rerun = run_extract(raw, out, progress=False)
    assert rerun.reused == 3
    run_extract(raw, tmp_path / "fresh", progress=False)
    assert_same(out, tmp_path / "fresh")


# -- D7: damaged .work state --------------------------------------------------------------------

def _manifest_holding(text: str):
    return lambda out: (out / ".work" / "manifest.json").write_bytes(text.encode("utf-8", "surrogateescape"))


def _a_part_cut_short(out: Path) -> None:
    part = sorted((out / ".work" / "parts" / "articles").glob("*.arrow"))[1]
    part.write_bytes(part.read_bytes()[:100])


MANIFEST_WARNING = "warning: damaged .work/manifest.json"
DAMAGE = {  # name -> (what is done to OUT/.work, the warning line, files reused after it)
    "manifest []": (_manifest_holding("[]"), MANIFEST_WARNING, 0),
    "manifest files []": (_manifest_holding('{"files": []}'), MANIFEST_WARNING, 0),
    "manifest bad entry": (_manifest_holding('{"config": "x", "files": {"a.txt": 3}}'), MANIFEST_WARNING, 0),
    "manifest not json": (_manifest_holding("{not json"), MANIFEST_WARNING, 0),
    "manifest not utf-8": (_manifest_holding("\udcff"), MANIFEST_WARNING, 0),
    "part cut short": (_a_part_cut_short, "warning: 1 file(s) with damaged part files extracted again", 2),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_work_state_is_rebuilt_with_a_warning(tmp_path, capsys, damage):
    harm, warning, reused = DAMAGE[damage]
    raw = make_raw(tmp_path / "raw", 3)
    out = tmp_path / "out"
    run_extract(raw, out, progress=False)
    harm(out)
    assert main(["extract", "--quiet", "--no-model", str(raw), str(out)]) == 0
    err = capsys.readouterr().err
    no_traceback(err)
    assert warning in err
    assert json.loads((out / "_run.json").read_text(encoding="utf-8"))["reused"] == reused
    run_extract(raw, tmp_path / "fresh", progress=False)
    assert_same(out, tmp_path / "fresh")


def test_a_work_folder_that_is_a_file_is_rebuilt(tmp_path, capsys):
    raw = make_raw(tmp_path / "raw", 2)
    out = tmp_path / "out"
    out.mkdir()
    (out / ".work").write_text("not a folder", encoding="utf-8")
    assert main(["extract", "--quiet", "--no-model", str(raw), str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: damaged .work: not a folder, rebuilt" in err
    assert len(tables(out)["issues"]) == 2


# -- the minor cases ------------------------------------------------------------------------------

def test_minor_cases_in_one_run(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "utf16le.txt").write_bytes(news(1).encode("utf-16-le"))
    (raw / "utf16be.txt").write_bytes(news(2).encode("utf-16-be"))
    (raw / "utf16_cjk_only.txt").write_bytes(("株洲市人民政府召开常务会议" * 10).encode("utf-16-le"))
    page = ("<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>株洲日报</title>"
            "<style>p { margin: 0 }</style><script>var a = '<p>';</script></head>\n<body>\n"
            "<h1>我市开展春季义务植树活动</h1>\n<p>株洲日报讯(记者/陈正明)2月16日,数百名市民在神农公园参加"
            "义务植树活动,共栽种香樟&amp;桂花等树苗三千余株。</p>\n<!-- 广告 -->\n</body></html>\n")
    (raw / "page.html").write_text(page, encoding="utf-8")
    (raw / "russian.txt").write_text("Новости города. " * 20 + news(3), encoding="utf-8")
    noise = random.Random(0).randbytes(4000)
    (raw / "bom_gibberish.txt").write_bytes(codecs.BOM_UTF16_LE + bytes(b if k % 2 == 0 or not 0xD8 <= b <= 0xDF
                                                                        else b - 0x40 for k, b in enumerate(noise)))
    (raw / "bom_binary.dat").write_bytes(codecs.BOM_UTF16_LE + noise)
    (raw / "folder").mkdir()
    (raw / "folder" / "inside.txt").write_text(news(4), encoding="utf-8")
    os.symlink("folder", raw / "link_to_folder")
    out = tmp_path / "out"
    result = cli(["extract", "--quiet", str(raw), str(out)])
    assert result.returncode == 0, result.stderr
    no_traceback(result.stderr)
    t = tables(out)
    issues = t["issues"].set_index("source_file")
    assert issues.loc["utf16le.txt", "encoding"] == "utf-16-le" and issues.loc["utf16be.txt", "encoding"] == "utf-16-be"
    assert issues.loc["utf16_cjk_only.txt", "encoding"] == "utf-16-le"
    warnings = t["failures"][t["failures"].severity == "warning"]
    warned = dict(zip(warnings.source_file, warnings.reason))
    assert warned["utf16le.txt"] == "UTF-16 without a byte-order mark: read as UTF-16-LE"
    assert warned["page.html"].startswith("an HTML page: ") and "tags blanked out" in warned["page.html"]
    assert warned["russian.txt"].startswith("mostly not Chinese text: ")
    errors = errors_of(out)
    assert errors["bom_gibberish.txt"].startswith("not text: starts with a UTF-16 byte-order mark (FF FE), but ")
    assert errors["bom_gibberish.txt"].endswith("decodes to unassigned or private-use characters")
    assert errors["bom_binary.dat"].startswith("not text: starts with a UTF-16 byte-order mark (FF FE), but is no UTF-16")
    assert errors["link_to_folder"].startswith("a link to a folder: not followed")
    assert set(errors) == {"bom_gibberish.txt", "bom_binary.dat", "link_to_folder"}
    # the HTML page: its headline and body, no markup, offsets into the decoded file
    articles = t["articles"][t["articles"].issue_id == issues.loc["page.html", "issue_id"]]
    assert "我市开展春季义务植树活动" in set(articles.headline)
    body = "".join(articles.body)
    assert "<" not in body and ">" not in body and "&amp;" not in body and "香樟&桂花" in body
    for a in articles.itertuples():  # the tags were blanked, not cut out: offsets index the page itself
        assert a.body[:20] in page[a.raw_start:a.raw_end]
    # outputs readable by all, like the tables
    for name in ("_run.json", ".work/manifest.json", "issues.parquet"):
        assert (out / name).stat().st_mode & 0o777 == 0o644, name


# -- a bug outside the per-file work ---------------------------------------------------------------

def test_a_bug_in_the_run_itself_is_one_line_and_a_kept_traceback(tmp_path, capsys, monkeypatch):
    raw = make_raw(tmp_path / "raw", 2)
    out = tmp_path / "out"

    def broken(*args, **kwargs):
        raise ValueError("resolution went wrong\nsecond line")

    monkeypatch.setattr(run_module, "finish_run", broken)
    assert main(["extract", "--quiet", "--no-model", str(raw), str(out)]) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert err.count("\n") == 1 and "error: the run stopped: ValueError: resolution went wrong second line" in err
    log = out / ".work" / "error.log"
    assert str(log) in err and "Traceback" in log.read_text(encoding="utf-8")
