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

`summary` ends `make eval`: the SUMMARY and .cache/eval/summary.json.
"""

from __future__ import annotations

from pathlib import Path


def run_eval(gold_dirs: list[Path], out: Path, baselines: bool = False) -> int:
    """Print every score of OUT against each gold folder; 0 when done."""
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
            if baselines:
                _eval_baselines(gold_dir, out, gold)
    return 0


def _eval_baselines(gold_dir: Path, out: Path, gold: dict) -> None:
    import pandas as pd

    from .mentions import baseline_mentions, render, score

    articles = pd.read_parquet(out / "articles.parquet").merge(
        pd.read_parquet(out / "issues.parquet")[["issue_id", "source_file"]], on="issue_id")
    articles = articles[articles.source_file.isin(list(gold))]
    for tagger in ("jieba", "thulac"):
        try:
            found = baseline_mentions(list(articles.body), tagger=tagger)
        except ImportError as err:
            print(f"(baseline {tagger} not scored: {err}; install with `pip install -e .[baselines]`)")
            continue
        pred: dict[str, list] = {k: [] for k in gold}
        for source_file, mentions in zip(articles.source_file, found):
            pred[source_file].extend((m.text, m.label) for m in mentions)
        print(f"== mentions, baseline {tagger}: {gold_dir}")
        print(render(score(gold, pred)))
