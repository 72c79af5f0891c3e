"""Scoring entity mentions against gold, and the jieba/THULAC baselines.

Gold and predictions are compared per issue as multisets of (text, label)
(tests/gold/README.md): a mention counts as found as many times as it is both
in the gold and in the prediction of the same issue. Counts are pooled over
issues; precision, recall and F1 are given per label, for PERSON and OFFICIAL
together ("persons", where a name with the wrong one of the two labels still
counts), and over all labels ("all").

    python -m pipeline.eval_mentions --gold tests/gold/corpus --out data/out [--baselines]

reads OUT/articles.parquet, OUT/mentions.parquet and OUT/issues.parquet
(the `make extract` tables) and prints the table.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from pipeline.records import Mention

LABELS = ("OFFICIAL", "PERSON", "PLACE", "ORG")
GROUPS = {
    "OFFICIAL": ("OFFICIAL",),
    "PERSON": ("PERSON",),
    "PLACE": ("PLACE",),
    "ORG": ("ORG",),
    "persons": ("OFFICIAL", "PERSON"),
    "all": LABELS,
}


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "predicted": n_pred, "gold": n_gold}


def score(gold: dict[str, list[tuple[str, str]]], predicted: dict[str, list[tuple[str, str]]]) -> dict:
    """Score per-issue (text, label) multisets.

    Returns {"labels": {group: {precision, recall, f1, tp, predicted, gold}},
    "misses": [(issue, text, label, count)], "false_hits": [(issue, text,
    label, count)]}. Issues missing from `predicted` count as empty; issues
    only in `predicted` are ignored (no gold for them).
    """
    tp = Counter()
    n_pred = Counter()
    n_gold = Counter()
    misses = []
    false_hits = []
    for issue in sorted(gold):
        g = Counter((str(t), str(l)) for t, l in gold[issue])
        p = Counter((str(t), str(l)) for t, l in predicted.get(issue, []))
        for group, labels in GROUPS.items():
            if group == "persons":
                gg = Counter({t: c for (t, l), c in _merge_persons(g).items()})
                pp = Counter({t: c for (t, l), c in _merge_persons(p).items()})
            else:
                gg = Counter({k: c for k, c in g.items() if k[1] in labels})
                pp = Counter({k: c for k, c in p.items() if k[1] in labels})
            tp[group] += sum((gg & pp).values())
            n_pred[group] += sum(pp.values())
            n_gold[group] += sum(gg.values())
        for (t, l), c in sorted((g - p).items()):
            misses.append((issue, t, l, c))
        for (t, l), c in sorted((p - g).items()):
            false_hits.append((issue, t, l, c))
    return {
        "labels": {group: _prf(tp[group], n_pred[group], n_gold[group]) for group in GROUPS},
        "misses": misses,
        "false_hits": false_hits,
    }


def _merge_persons(c: Counter) -> Counter:
    out = Counter()
    for (t, l), n in c.items():
        if l in ("OFFICIAL", "PERSON"):
            out[(t, "persons")] += n
    return out


def render(result: dict, title: str = "mentions", show_lists: bool = True, max_items: int = 400) -> str:
    """A readable text table of a `score` result."""
    lines = [f"== {title}", f"{'label':<10}{'P':>8}{'R':>8}{'F1':>8}{'tp':>7}{'pred':>7}{'gold':>7}"]
    for group, r in result["labels"].items():
        lines.append(
            f"{group:<10}{r['precision']:>8.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}{r['tp']:>7}{r['predicted']:>7}{r['gold']:>7}"
        )
    if show_lists:
        for key, head in (("misses", "misses (in gold, not predicted)"), ("false_hits", "false hits (predicted, not in gold)")):
            items = result[key]
            lines.append(f"-- {head}: {sum(x[3] for x in items)}")
            for issue, t, l, c in items[:max_items]:
                lines.append(f"   {issue[:12]:<13}{l:<9}{t}" + (f" x{c}" if c > 1 else ""))
            if len(items) > max_items:
                lines.append(f"   … {len(items) - max_items} more")
    return "\n".join(lines)


# ------------------------------------------------------------------ baselines

JIEBA_MAP = {"nr": "PERSON", "ns": "PLACE", "nt": "ORG"}
THULAC_MAP = {"np": "PERSON", "ns": "PLACE", "ni": "ORG"}
_thulac_model = None


def baseline_mentions(bodies: list[str], tagger: str = "jieba") -> list[list[Mention]]:
    """Mentions per body from an off-the-shelf POS tagger, with offsets.

    jieba: nr -> PERSON, ns -> PLACE, nt -> ORG; THULAC: np -> PERSON,
    ns -> PLACE, ni -> ORG. Neither knows OFFICIAL: every person is PERSON.
    Both ship their models in their PyPI packages (extra `baselines`);
    ImportError when the package is missing.
    """
    global _thulac_model
    if tagger == "jieba":
        import jieba
        import jieba.posseg as pseg

        jieba.setLogLevel(60)

        def cut(line: str):
            return [(w.word, w.flag) for w in pseg.cut(line)]

        mapping = JIEBA_MAP
    elif tagger == "thulac":
        if _thulac_model is None:
            import thulac

            _thulac_model = thulac.thulac()

        def cut(line: str):
            return [(w, t) for w, t in _thulac_model.cut(line)]

        mapping = THULAC_MAP
    else:
        raise ValueError(f"unknown tagger {tagger!r}")
    out = []
    for body in bodies:
        found: list[Mention] = []
        pos = 0
        for line in body.split("\n"):
            if line.strip():
                at = pos
                for word, tag in cut(line):
                    i = body.find(word, at, pos + len(line)) if word else -1
                    if i == -1:
                        continue
                    at = i + len(word)
                    if tag in mapping and word.strip():
                        found.append(Mention(start=i, end=i + len(word), text=word, label=mapping[tag]))
            pos += len(line) + 1
        out.append(found)
    return out


# ------------------------------------------------------------------ I/O


def load_gold(gold_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """{source_file: [(text, label)]} from every <stem>.mentions.json."""
    out = {}
    for path in sorted(Path(gold_dir).glob("*.mentions.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        key = data.get("source_file") or path.name.replace(".mentions.json", ".txt")
        out[key] = [(t, l) for a in data["articles"] for t, l in a["mentions"]]
    return out


def load_predicted(out_dir: Path) -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[str]]]:
    """({source_file: [(text, label)]}, {source_file: [body]}) from extract output."""
    import pandas as pd

    out_dir = Path(out_dir)
    issues = pd.read_parquet(out_dir / "issues.parquet")
    articles = pd.read_parquet(out_dir / "articles.parquet")
    mentions = pd.read_parquet(out_dir / "mentions.parquet")
    source = dict(zip(issues["issue_id"], issues["source_file"]))
    predicted: dict[str, list[tuple[str, str]]] = {f: [] for f in source.values()}
    m = mentions.merge(articles[["article_id", "seq"]], on="article_id", how="left")
    m = m.sort_values(["issue_id", "seq", "start"])
    for issue_id, text, label in zip(m["issue_id"], m["text"], m["label"]):
        predicted.setdefault(source.get(issue_id, issue_id), []).append((text, label))
    bodies: dict[str, list[str]] = {}
    for issue_id, body in zip(articles.sort_values(["issue_id", "seq"])["issue_id"], articles.sort_values(["issue_id", "seq"])["body"]):
        bodies.setdefault(source.get(issue_id, issue_id), []).append(body)
    return predicted, bodies


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=Path("tests/gold/corpus"))
    ap.add_argument("--out", type=Path, default=Path("data/out"))
    ap.add_argument("--baselines", action="store_true", help="also score jieba and THULAC")
    ap.add_argument("--quiet", action="store_true", help="no lists of misses and false hits")
    args = ap.parse_args(argv)
    gold = load_gold(args.gold)
    if not gold:
        print(f"no gold mentions in {args.gold}", file=sys.stderr)
        return 1
    predicted, bodies = load_predicted(args.out)
    gold = {k: v for k, v in gold.items() if k in predicted}
    print(render(score(gold, predicted), "pipeline", show_lists=not args.quiet))
    if args.baselines:
        for tagger in ("jieba", "thulac"):
            pred = {}
            for issue, bs in bodies.items():
                pred[issue] = [(m.text, m.label) for ms in baseline_mentions(bs, tagger) for m in ms]
            print()
            print(render(score(gold, pred), f"baseline {tagger}", show_lists=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
