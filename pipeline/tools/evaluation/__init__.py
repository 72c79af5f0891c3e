"""`make eval`: score extracted tables against hand-written gold.

The corpus and the samples (gold in tests/gold): `structure` scores articles,
bylines and article/masthead fields; `mentions` scores entity mentions per
label (and the jieba/THULAC baselines); `entities` scores entity merges and
officials' posts.

The dev set (../shared/devset, real articles of other papers): `devdata`
reads it and derives what its gold implies; `assemble` prints its articles
one per file and as whole issues in the corpus's layouts, recording every
character's offset; `articles` scores the articles found, `spans` the mentions
as exact spans with their errors by family, `officials` the officials,
`bodies` the repaired bodies (and, without gold text, the corpus's); `devset`
is the command that runs it all, `devreport` its tables.

MSRA (the test split of the corpus the person model is trained on): `msra`
runs the NER on it and adds its figures under "msra".

`summary` ends `make eval`: the dev set's figures added to the summary, and the SUMMARY.

Besides the printed tables, `run_eval(..., summary=FILE)` adds the figures to
a JSON file (`make eval` writes .cache/eval/summary.json) keyed by
evaluation set: `{"corpus": {...}, "samples": {...}}`, and later more sets
(`python -m pipeline.tools.evaluation.summary --devset …` adds the dev set's
figures under "devset", as devset.py documents them, and prints the SUMMARY;
`python -m pipeline.tools.evaluation.msra --summary …` adds "msra"). The
figures of README.md and docs/ are generated from it (`make docs`,
pipeline/tools/docs.py). The figures of one set (`summarize`):

    {"gold": "tests/gold/corpus", "issues": 5, "chars": {"min", "max", "total"},
     "structure": {"articles", "bylines", "bylines_credit", "article_fields",
                   "masthead_fields": score, "fields": {name: score}, "masthead": {name: score}},
     "mentions": {"OFFICIAL", "PERSON", "PLACE", "ORG", "persons", "all": score},
     "entities": {"merges", "posts": score, "split": n, "wrong_merges": n},
     "bodies": {"breaks_inside_sentence": n, "items": [[source_file, headline, context]]},
     "baselines": {"jieba": {label: score}, "thulac": {...}, "input": sha256}}   (with --baselines)

where a score is {"precision", "recall", "f1", "tp", "fp", "fn"}. A set
without some part (no entity gold, say) leaves its key out.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

BASELINE_TAGGERS = ("jieba", "thulac")


def run_eval(gold_dirs: list[Path], out: Path, baselines: bool = False, summary: Path | None = None,
             name: str | None = None) -> int:
    """Print every score of OUT against each gold folder (and add them to `summary`); 0 when done."""
    from .entities import render_entities, score_entities
    from .mentions import load_gold, load_predicted, render, score
    from .structure import render_structure, score_structure

    for gold_dir in gold_dirs:
        print(render_structure(score_structure(gold_dir, out), str(gold_dir)))
        entity_scores = score_entities(gold_dir, out)
        if entity_scores is not None:
            print(render_entities(entity_scores, str(gold_dir)))
        gold = load_gold(gold_dir)
        if gold:
            pred, _ = load_predicted(out)
            print(f"== mentions: {gold_dir}")
            print(render(score(gold, {k: pred.get(k, []) for k in gold})))
        figures = summarize(gold_dir, out, baselines=baselines, echo=True)
        if summary is not None:
            add_to_summary(Path(summary), name or Path(gold_dir).name, figures)
    return 0


def summarize(gold_dir: Path, out: Path, baselines: bool = False, echo: bool = False) -> dict:
    """The figures of one evaluation set (see the module's docstring)."""
    import pandas as pd

    from .bodies import corpus_breaks
    from .entities import score_entities
    from .mentions import load_gold, load_predicted, score
    from .structure import PRF, score_structure

    gold_dir, out = Path(gold_dir), Path(out)
    structure = score_structure(gold_dir, out)
    chars = pd.read_parquet(out / "issues.parquet", columns=["n_chars"])["n_chars"]
    figures: dict = {
        "gold": gold_dir.as_posix(),
        "issues": len(chars),
        "chars": {"min": int(chars.min()), "max": int(chars.max()), "total": int(chars.sum())} if len(chars) else {},
        "structure": {
            "articles": structure.articles.figures(), "bylines": structure.bylines.figures(),
            "bylines_credit": structure.bylines_credit.figures(),
            "article_fields": PRF.pooled(structure.fields.values()).figures(),
            "masthead_fields": PRF.pooled(structure.masthead.values()).figures(),
            "fields": {f: s.figures() for f, s in structure.fields.items()},
            "masthead": {f: s.figures() for f, s in structure.masthead.items()},
        },
    }
    entities = score_entities(gold_dir, out)
    if entities is not None:
        figures["entities"] = {"merges": entities.merges.figures(), "posts": entities.posts.figures(),
                               "split": len(entities.split_clusters), "wrong_merges": len(entities.wrong_merges)}
    figures["bodies"] = corpus_breaks(gold_dir, out)
    gold = load_gold(gold_dir)
    if gold:
        pred, _ = load_predicted(out)
        figures["mentions"] = _mention_figures(score(gold, {k: pred.get(k, []) for k in gold})["labels"])
        if baselines:
            figures["baselines"] = baseline_figures(gold_dir, out, gold, echo=echo)
    return figures


def _mention_figures(labels: dict) -> dict:
    return {group: {"precision": r["precision"], "recall": r["recall"], "f1": r["f1"], "tp": r["tp"],
                    "fp": r["predicted"] - r["tp"], "fn": r["gold"] - r["tp"]} for group, r in labels.items()}


def _scored_bodies(gold: dict, out: Path):
    """(source_file, body) of the articles whose issue has gold mentions, in reading order."""
    import pandas as pd

    articles = pd.read_parquet(out / "articles.parquet").merge(
        pd.read_parquet(out / "issues.parquet")[["issue_id", "source_file"]], on="issue_id")
    articles = articles[articles.source_file.isin(list(gold))].sort_values(["source_file", "seq"])
    return list(zip(articles.source_file, articles.body))


def baseline_input(gold: dict, out: Path) -> str:
    """A fingerprint of what the baselines read and are scored against: the article bodies and the gold.
    The baselines' figures are stale when it changes (tests/test_docs.py checks it)."""
    digest = hashlib.sha256(json.dumps(sorted((k, sorted(v)) for k, v in gold.items()), ensure_ascii=False).encode())
    for source_file, body in _scored_bodies(gold, out):
        digest.update(f"{source_file}\0{body}\0".encode())
    return digest.hexdigest()[:16]


def baseline_figures(gold_dir: Path, out: Path, gold: dict, echo: bool = False) -> dict:
    """jieba's and THULAC's mention scores on the same gold (extra `baselines`); a tagger that is not
    installed gets {"error": why}."""
    from .mentions import baseline_mentions, render, score

    scored = _scored_bodies(gold, out)
    figures: dict = {"input": baseline_input(gold, out)}
    for tagger in BASELINE_TAGGERS:
        try:
            found = baseline_mentions([body for _, body in scored], tagger=tagger)
        except ImportError as err:
            figures[tagger] = {"error": f"{err}; install with `pip install -e .[baselines]`"}
            if echo:
                print(f"(baseline {tagger} not scored: {figures[tagger]['error']})")
            continue
        pred: dict[str, list] = {k: [] for k in gold}
        for (source_file, _), mentions in zip(scored, found):
            pred[source_file].extend((m.text, m.label) for m in mentions)
        result = score(gold, pred)
        if echo:
            print(f"== mentions, baseline {tagger}: {gold_dir}")
            print(render(result))
        figures[tagger] = _mention_figures(result["labels"])
    return figures


def add_to_summary(path: Path, name: str, figures: dict) -> None:
    """Set `name`'s figures in the summary file (created when missing), written atomically."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data[name] = figures
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)
