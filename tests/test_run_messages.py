"""What a run tells the person who started it: progress while it loads and resolves, what a rerun reused."""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path

from pipeline.run import run_extract

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "raw"


class Terminal(io.StringIO):
    """stderr as a terminal: tqdm draws its bars only on one."""

    def isatty(self) -> bool:
        return True


def test_progress_names_the_model_load_and_both_resolution_passes(tmp_path, model_dir, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    run_extract(raw, tmp_path / "out", model_dir=model_dir, progress=True)
    shown = screen.getvalue()
    assert "loading the NER model" in shown and "loading the place index" in shown
    assert "resolving 1/2" in shown and "resolving 2/2" in shown
    assert shown.index("loading the NER model") < shown.index("resolving 1/2") < shown.index("resolving 2/2")


def test_a_rerun_reuses_a_duplicate_and_a_broken_link_too(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    shutil.copy(raw / "sample_01_markdown.txt", raw / "copy.txt")
    os.symlink(tmp_path / "nowhere.txt", raw / "broken.txt")
    first = run_extract(raw, tmp_path / "out", progress=False)
    assert first.files == 6 and first.reused == 0 and first.errors == 2
    again = run_extract(raw, tmp_path / "out", progress=False)
    assert again.reused == 6 and again.redone == 0 and again.errors == 2
    assert "6 files, all unchanged (rows reused from the last run):" in again.line()
    (raw / "sample_02_bare.txt").write_bytes((raw / "sample_02_bare.txt").read_bytes() + b"\n")
    changed = run_extract(raw, tmp_path / "out", progress=False)
    assert (changed.reused, changed.redone) == (5, 1)
    assert "6 files, 5 unchanged (rows reused from the last run), 1 extracted again:" in changed.line()
