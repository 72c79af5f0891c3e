"""On the real corpus and the samples: exact offsets, gold scores, golden regression."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.tools.evaluation.structure import render_structure, score_structure
from pipeline.extract import extract_issue
from pipeline.tools.golden import diff_golden
from pipeline.records import Issue

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.mark.parametrize("which", ["corpus", "samples"])
def test_mentions_point_exactly_into_bodies_and_every_id_resolves(which, corpus_out, samples_out):
    import pandas as pd

    out = corpus_out if which == "corpus" else samples_out
    t = {n: pd.read_parquet(out / f"{n}.parquet") for n in ("articles", "mentions", "entities", "officials")}
    assert len(t["mentions"]) > 0
    bodies = dict(zip(t["articles"].article_id, t["articles"].body))
    for m in t["mentions"].itertuples():
        assert bodies[m.article_id][m.start:m.end] == m.text
        assert m.mention_id == f"{m.article_id}-{m.start}"
    # no overlaps within an article
    for _, group in t["mentions"].sort_values(["article_id", "start"]).groupby("article_id"):
        assert (group.start.iloc[1:].to_numpy() >= group.end.iloc[:-1].to_numpy()).all()
    entity_ids = set(t["entities"].entity_id)
    assert set(t["mentions"].entity_id) == entity_ids  # every mention resolves, every entity is mentioned
    assert set(t["officials"].entity_id) <= entity_ids
    counts = t["mentions"].groupby("entity_id").size()
    assert (t["entities"].set_index("entity_id").n_mentions == counts).all()


@pytest.mark.parametrize("which", ["corpus", "samples"])
def test_mentions_raw_offsets_point_at_their_text_in_the_source_file(which, corpus_dir, samples_dir, corpus_out, samples_out):
    """source[raw_start:raw_end] is the mention as printed: equal to `text`, or,
    where the repair removed a layout space or joined a cut paragraph inside
    the mention, equal once that white space is taken out again."""
    import pandas as pd

    from pipeline.read import read_issue

    raw, out = (corpus_dir, corpus_out) if which == "corpus" else (samples_dir, samples_out)
    issues = pd.read_parquet(out / "issues.parquet")
    texts = {r.issue_id: read_issue(raw / r.source_file, raw).text for r in issues.itertuples()}
    mentions = pd.read_parquet(out / "mentions.parquet")
    exact = 0
    for m in mentions.itertuples():
        printed = texts[m.issue_id][m.raw_start:m.raw_end]
        if printed == m.text:
            exact += 1
        else:
            assert printed[0] == m.text[0] and printed[-1] == m.text[-1], (m.text, printed)
            assert "".join(printed.split()) == m.text, (m.text, printed)
    assert exact > 0.9 * len(mentions)
