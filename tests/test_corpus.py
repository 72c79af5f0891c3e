"""On the real corpus and the samples: exact offsets, gold scores, golden regression."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluate import render_structure, score_structure
from pipeline.extract import extract_issue
from pipeline.golden import diff_golden
from pipeline.records import Issue
from pipeline.run import run_extract

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def corpus_out(tmp_path_factory, corpus_dir, model_dir):
    out = tmp_path_factory.mktemp("corpus_out")
    run_extract(corpus_dir, out, model_dir=model_dir, progress=False)
    return out


@pytest.fixture(scope="session")
def samples_out(tmp_path_factory, samples_dir, model_dir):
    out = tmp_path_factory.mktemp("samples_out")
    run_extract(samples_dir, out, model_dir=model_dir, progress=False)
    return out


def _issues(raw: Path, rules) -> list[Issue]:
    return [extract_issue(p, raw, rules) for p in sorted(raw.glob("*.txt"))]


@pytest.mark.parametrize("which", ["corpus", "samples"])
def test_every_body_character_maps_back_to_the_same_raw_character(which, rules, corpus_dir, samples_dir):
    raw = corpus_dir if which == "corpus" else samples_dir
    for issue in _issues(raw, rules):
        assert isinstance(issue, Issue), issue
        text = issue.source.text
        for a in issue.articles:
            assert len(a.body_offsets) == len(a.body)
            assert 0 <= a.raw_start < a.raw_end <= len(text)
            for ch, at in zip(a.body, a.body_offsets):
                if ch != "\n":
                    assert text[at] == ch, (issue.source.source_file, a.seq, ch, at)
                assert a.raw_start <= at < a.raw_end


def test_structure_matches_the_hand_written_gold_on_the_corpus(corpus_out):
    scores = score_structure(ROOT / "tests/gold/corpus", corpus_out)
    report = render_structure(scores, "corpus")
    prfs = [scores.articles, scores.bylines_credit, *scores.fields.values(), *scores.masthead.values()]
    assert all(p.f1 == 1.0 for p in prfs), report


def test_structure_matches_the_gold_of_the_samples(samples_out):
    if not list((ROOT / "tests/gold/samples").glob("*.json")):
        pytest.skip("no sample gold")
    scores = score_structure(ROOT / "tests/gold/samples", samples_out)
    report = render_structure(scores, "samples")
    prfs = [scores.articles, scores.bylines_credit, *scores.fields.values(), *scores.masthead.values()]
    assert all(p.f1 == 1.0 for p in prfs), report


@pytest.mark.parametrize("which", ["corpus", "samples"])
def test_golden_regression(which, corpus_out, samples_out):
    out = corpus_out if which == "corpus" else samples_out
    diff = diff_golden(out, ROOT / "tests/golden" / which)
    assert not diff, "extraction differs from tests/golden (run `make golden` if intended):\n" + diff
