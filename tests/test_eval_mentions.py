"""Scoring of mentions: multisets per issue, pooled; per label, persons, all."""

from __future__ import annotations

import json

import pytest

from pipeline.tools.evaluation.mentions import baseline_mentions, load_gold, render, score


def test_perfect_prediction_scores_one():
    gold = {"a.txt": [("王某某", "OFFICIAL"), ("株洲", "PLACE"), ("株洲", "PLACE")]}
    result = score(gold, gold)
    for group in ("OFFICIAL", "PLACE", "persons", "all"):
        assert result["labels"][group]["f1"] == 1.0
    assert result["misses"] == [] and result["false_hits"] == []


def test_multisets_count_repeats_per_issue():
    gold = {"a.txt": [("株洲", "PLACE")] * 3, "b.txt": [("株洲", "PLACE")]}
    pred = {"a.txt": [("株洲", "PLACE")], "b.txt": [("株洲", "PLACE")] * 2}
    r = score(gold, pred)["labels"]["PLACE"]
    assert (r["tp"], r["predicted"], r["gold"]) == (2, 3, 4)
    assert r["precision"] == pytest.approx(2 / 3) and r["recall"] == pytest.approx(0.5)
    assert r["f1"] == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_issues_are_not_pooled_before_matching():
    gold = {"a.txt": [("市委", "ORG")], "b.txt": []}
    pred = {"a.txt": [], "b.txt": [("市委", "ORG")]}
    r = score(gold, pred)
    assert r["labels"]["ORG"]["tp"] == 0
    assert r["misses"] == [("a.txt", "市委", "ORG", 1)]
    assert r["false_hits"] == [("b.txt", "市委", "ORG", 1)]


def test_persons_group_ignores_official_versus_person():
    gold = {"a.txt": [("李某某", "OFFICIAL"), ("赵某某", "PERSON")]}
    pred = {"a.txt": [("李某某", "PERSON"), ("赵某某", "PERSON")]}
    labels = score(gold, pred)["labels"]
    assert labels["persons"]["f1"] == 1.0
    assert labels["OFFICIAL"]["recall"] == 0.0
    assert labels["PERSON"]["precision"] == 0.5


def test_wrong_label_is_a_miss_and_a_false_hit():
    r = score({"a.txt": [("天元", "PLACE")]}, {"a.txt": [("天元", "ORG")]})
    assert r["misses"] == [("a.txt", "天元", "PLACE", 1)]
    assert r["false_hits"] == [("a.txt", "天元", "ORG", 1)]
    assert r["labels"]["all"]["tp"] == 0


def test_missing_prediction_and_empty_gold():
    r = score({"a.txt": [("株洲", "PLACE")]}, {})
    assert r["labels"]["PLACE"]["recall"] == 0.0
    r = score({"a.txt": []}, {"a.txt": []})
    assert r["labels"]["all"]["f1"] == 0.0 and r["labels"]["all"]["gold"] == 0


def test_render_is_a_readable_table():
    r = score({"a.txt": [("株洲", "PLACE"), ("市委", "ORG")]}, {"a.txt": [("株洲", "PLACE"), ("湘江", "PLACE")]})
    text = render(r, "demo")
    assert "== demo" in text
    for word in ("OFFICIAL", "PERSON", "PLACE", "ORG", "persons", "all", "misses", "false hits", "湘江", "市委"):
        assert word in text
    assert "湘江" not in render(r, "demo", show_lists=False)


def test_load_gold_reads_the_gold_format(tmp_path):
    data = {"source_file": "x.txt", "articles": [{"headline": "h", "mentions": [["株洲", "PLACE"]]},
                                                 {"headline": None, "mentions": [["市委", "ORG"]]}]}
    (tmp_path / "x.mentions.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_gold(tmp_path) == {"x.txt": [("株洲", "PLACE"), ("市委", "ORG")]}


def test_unknown_baseline_tagger():
    with pytest.raises(ValueError):
        baseline_mentions(["株洲"], tagger="nope")


@pytest.mark.parametrize("tagger,module", [("jieba", "jieba"), ("thulac", "thulac")])
def test_baselines_give_exact_spans(tagger, module):
    pytest.importorskip(module)
    bodies = ["市委书记王建国在株洲市调研。\n他还去了长沙。", ""]
    result = baseline_mentions(bodies, tagger=tagger)
    assert len(result) == 2 and result[1] == []
    for m in result[0]:
        assert bodies[0][m.start : m.end] == m.text
        assert m.label in ("PERSON", "PLACE", "ORG")
    assert any(m.label == "PLACE" for m in result[0])
