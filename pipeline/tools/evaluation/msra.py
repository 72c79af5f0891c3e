"""MSRA yardstick: the NER pipeline on the MSRA test split (national news).

Each test sentence is one body for :func:`pipeline.ner.find_mentions`
(no names shared between sentences). Our labels map to MSRA's: OFFICIAL and
PERSON -> PER, PLACE -> LOC, ORG -> ORG; a mention counts when its span and
mapped label equal a gold one. Persons follow the same convention in both
(full personal names), so PER recall is the figure; MSRA's places and
organizations do not (it tags 中国 of 中国政府 as LOC, the bodies of title
chains such as 国务院 in 国务院总理某某 as ORG), so their recall is only a trend.
`gate_share` is the share of MSRA's persons that the trained pipe's gate
lets through at all (2-4 Chinese characters from a surname): a bound on what
the model can add.

    python -m pipeline.tools.evaluation.msra --model models/ner [--wheels .cache/wheels] [--summary FILE]

With `--summary` the figures go to the evaluation summary under "msra"
(`make eval`; `make docs` renders them): {"sentences", "chars", "seconds",
"gate_share", "labels": {"PER"|"LOC"|"ORG": {"precision", "recall", "f1",
"tp", "fp", "fn"}}}.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.tools import msra

MSRA_LABEL = {"OFFICIAL": "PER", "PERSON": "PER", "PLACE": "LOC", "ORG": "ORG"}
SUMMARY_KEY = "msra"  # the key of these figures in the evaluation summary


@dataclass
class MsraScore:
    sentences: int
    characters: int
    seconds: float
    counts: Counter  # (label, "tp"|"fp"|"fn") -> n
    gate_share: float | None  # share of the gold persons the trained pipe's gate lets through (None: no such pipe)

    def recall(self, label: str) -> float:
        tp, fn = self.counts[label, "tp"], self.counts[label, "fn"]
        return tp / (tp + fn) if tp + fn else 0.0

    def precision(self, label: str) -> float:
        tp, fp = self.counts[label, "tp"], self.counts[label, "fp"]
        return tp / (tp + fp) if tp + fp else 0.0

    def figures(self) -> dict:
        labels = {}
        for label in ("PER", "LOC", "ORG"):
            p, r = self.precision(label), self.recall(label)
            labels[label] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                             **{k: self.counts[label, k] for k in ("tp", "fp", "fn")}}
        return {"sentences": self.sentences, "chars": self.characters, "seconds": round(self.seconds, 1),
                "gate_share": self.gate_share, "labels": labels}


def score_msra(nlp, sentences: list[msra.Sentence]) -> MsraScore:
    from pipeline.ner import find_mentions

    started = time.perf_counter()
    found = find_mentions(nlp, [s.text for s in sentences], share_names=False)
    seconds = time.perf_counter() - started
    counts: Counter = Counter()
    for sentence, mentions in zip(sentences, found):
        pred = {(m.start, m.end, MSRA_LABEL[m.label]) for m in mentions}
        gold = set(sentence.spans)
        for label in ("PER", "LOC", "ORG"):
            p = {x for x in pred if x[2] == label}
            g = {x for x in gold if x[2] == label}
            counts[label, "tp"] += len(p & g)
            counts[label, "fp"] += len(p - g)
            counts[label, "fn"] += len(g - p)
    persons = [(s.text, a, b) for s in sentences for a, b, label in s.spans if label == "PER"]
    share = None
    if "zz_persons" in nlp.pipe_names and persons:
        share = sum(1 for text, a, b in persons if passes_gate(nlp, text, a, b)) / len(persons)
    return MsraScore(len(sentences), sum(len(s.text) for s in sentences), seconds, counts, share)


def passes_gate(nlp, text: str, start: int, end: int) -> bool:
    """Whether the trained pipe could propose text[start:end] (its length and surname gate)."""
    from pipeline.ner.common import is_cjk

    gate = nlp.get_pipe("zz_persons").gate
    lexicon = nlp.get_pipe("zz_lexicon")
    return (int(gate["min_chars"]) <= end - start <= int(gate["max_chars"])
            and all(is_cjk(ch) for ch in text[start:end]) and lexicon.surname_at(text, start) > 0)


def render_msra(score: MsraScore, what: str) -> str:
    lines = [f"== MSRA test ({what}): {score.sentences} sentences, {score.characters} characters, "
             f"{score.seconds:.1f} s ({score.characters / max(score.seconds, 1e-9):,.0f} chars/s)",
             "label  gold    R      P      (PER is the yardstick; LOC and ORG follow other conventions: a trend only)"]
    for label in ("PER", "LOC", "ORG"):
        gold = score.counts[label, "tp"] + score.counts[label, "fn"]
        lines.append(f"{label:<5}  {gold:<6}  {score.recall(label):.3f}  {score.precision(label):.3f}")
    if score.gate_share is not None:
        lines.append(f"persons the trained pipe's gate lets through (2-4 characters from a surname): {score.gate_share:.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from pipeline.ner import load_model

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="models/ner")
    ap.add_argument("--wheels", default=".cache/wheels")
    ap.add_argument("--sample", type=int, default=0, help="score every N-th sentence only (0: all)")
    ap.add_argument("--summary", type=Path, help="add the figures to this evaluation summary (JSON), under \"msra\"")
    args = ap.parse_args(argv)
    sentences = msra.load(Path(args.wheels), "test")
    what = "whole split"
    if args.sample > 1:
        sentences = sentences[:: args.sample]
        what = f"every {args.sample}th sentence"
    score = score_msra(load_model(Path(args.model)), sentences)
    print(render_msra(score, what))
    if args.summary is not None:
        if args.sample > 1:
            print("error: --summary takes the whole split, not a --sample", file=sys.stderr)
            return 2
        from . import add_to_summary

        add_to_summary(args.summary, SUMMARY_KEY, score.figures())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
