"""Linear time (issue 14): every worst-case input of
`pipeline.tools.worst_cases` (the repeated phrases issue 14 found slow, and
others built like them), extracted as a file at two sizes: four times the
text costs about four times the time (at most ten, for the noise of a shared
machine), never the sixteen a quadratic rule would. CPU time, so that other
tenants of the machine count less; the seconds themselves are measured by
`make bench`.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.read import source_name
from pipeline.rules import DEFAULT_RULES_DIR
from pipeline.run import FileWorker, part_key
from pipeline.tools.worst_cases import CASES, Case

SMALL, LARGE = 1 / 16, 1 / 4  # of the size `make bench` uses


@pytest.fixture(scope="module")
def worker(tmp_path_factory, model_dir) -> tuple[FileWorker, Path]:
    raw = tmp_path_factory.mktemp("raw")
    file_worker = FileWorker(raw, DEFAULT_RULES_DIR, model_dir, tmp_path_factory.mktemp("parts"))
    for case in CASES:  # caches built on first use (patterns, the part writer) are not timed
        cpu_seconds(file_worker, raw, case, 1 / 256)
    return file_worker, raw


def cpu_seconds(worker: FileWorker, raw: Path, case: Case, scale: float) -> float:
    path = raw / f"{case.name}-{scale:g}.txt"
    path.write_text(case.text(scale), encoding="utf-8")
    started = time.process_time()
    info = worker((source_name(path, raw), path.name, part_key(raw, path)))
    seconds = time.process_time() - started
    assert info.errors == 0 or case.name in ("one-char-lines",), case.name  # a failure row would mean no work done
    return seconds


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_four_times_the_text_takes_about_four_times_as_long(worker, case):
    file_worker, raw = worker
    small = min(cpu_seconds(file_worker, raw, case, SMALL) for _ in range(2))
    large = cpu_seconds(file_worker, raw, case, LARGE)
    assert large < 10, f"{case.name}: {large:.2f} s for {len(case.text(LARGE)):,} characters"
    # 4x the text: linear is 4x, quadratic 16x; the margin absorbs a shared machine's noise
    assert large <= 10 * small + 0.1, f"{case.name}: {small:.3f} s -> {large:.3f} s for 4x the text"
