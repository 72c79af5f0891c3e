"""MSRA yardstick: the NER pipeline on the MSRA test split (national news).

Each test sentence is one body for :func:`pipeline.ner.find_mentions`
(no names shared between sentences). Our labels map to MSRA's: OFFICIAL and
PERSON -> PER, PLACE -> LOC, ORG -> ORG; a mention counts when its span and
mapped label equal a gold one. Persons follow the same convention in both
(full personal names), so PER recall is the figure; MSRA's places and
organizations do not (it tags 中国 in 中国政府 as LOC inside an ORG, and the
bodies of a title chain), so their recall is only a trend.

    python -m pipeline.tools.evaluation.msra --model models/ner [--wheels .cache/wheels] [--sample N]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.tools import msra

MSRA_LABEL = {"OFFICIAL": "PER", "PERSON": "PER", "PLACE": "LOC", "ORG": "ORG"}


@dataclass
class MsraScore:
    sentences: int
    characters: int
    seconds: float
    counts: Counter  # (label, "tp"|"fp"|"fn") -> n

    def recall(self, label: str) -> float:
        tp, fn = self.counts[label, "tp"], self.counts[label, "fn"]
        return tp / (tp + fn) if tp + fn else 0.0

    def precision(self, label: str) -> float:
        tp, fp = self.counts[label, "tp"], self.counts[label, "fp"]
        return tp / (tp + fp) if tp + fp else 0.0


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
    return MsraScore(len(sentences), sum(len(s.text) for s in sentences), seconds, counts)


def render_msra(score: MsraScore, what: str) -> str:
    lines = [f"== MSRA test ({what}): {score.sentences} sentences, {score.characters} characters, "
             f"{score.seconds:.1f} s ({score.characters / max(score.seconds, 1e-9):,.0f} chars/s)",
             "label  gold    R      P      (PER is the yardstick; LOC and ORG follow other conventions: a trend only)"]
    for label in ("PER", "LOC", "ORG"):
        gold = score.counts[label, "tp"] + score.counts[label, "fn"]
        lines.append(f"{label:<5}  {gold:<6}  {score.recall(label):.3f}  {score.precision(label):.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from pipeline.ner import load_model

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="models/ner")
    ap.add_argument("--wheels", default=".cache/wheels")
    ap.add_argument("--sample", type=int, default=0, help="score every N-th sentence only (0: all)")
    args = ap.parse_args(argv)
    sentences = msra.load(Path(args.wheels), "test")
    what = "whole split"
    if args.sample > 1:
        sentences = sentences[:: args.sample]
        what = f"every {args.sample}th sentence"
    print(render_msra(score_msra(load_model(Path(args.model)), sentences), what))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
