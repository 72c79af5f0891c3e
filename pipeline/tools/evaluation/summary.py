"""The end of `make eval`: a compact SUMMARY of every evaluation set, and all
the figures as JSON at a stable path (default .cache/eval/summary.json) for
the README's generated figures.

    python -m pipeline.tools.evaluation.summary --set corpus tests/gold/corpus .cache/eval/corpus \\
        --set samples tests/gold/samples .cache/eval/samples --devset .cache/eval/devset/results.json

The JSON is a dict keyed by evaluation set; the keys are stable:

    {"corpus": SET, "samples": SET, "devset": DEVSET}

    SET = {"structure": {"articles": PRF, "bylines": PRF, "bylines_credit": PRF,
                         "fields": {kicker|subtitle|kind|source|dateline: PRF},
                         "masthead": {paper|issue_date|date_source|issue_number|lunar_date|pages: PRF}},
           "mentions": {OFFICIAL|PERSON|PLACE|ORG|persons|all: PRF},   # text multisets, mentions.py
           "entities": {"merges": PRF, "posts": PRF} (where the gold has entities.json),
           "bodies": {"breaks_inside_sentence": n, "items": [[source_file, headline, context]]}}
    PRF = {"precision", "recall", "f1", "tp", "fp", "fn"}
    DEVSET = the dev set's results.json, as devset.py documents it:
             {"articles": …, "layouts": {"markdown"|"bare"|"columns"|"mixed": …}, "bodies": {…}, …}

`bodies` of a corpus set counts the line breaks left inside a sentence by
`bodies.corpus_breaks` (no gold body text is needed; see bodies.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .bodies import corpus_breaks
from .devreport import prf_dict, summary_lines
from .entities import score_entities
from .mentions import load_gold, load_predicted, score
from .structure import score_structure

DEFAULT_JSON = Path(".cache/eval/summary.json")


def _mention_prf(r: dict) -> dict:
    return {"precision": r["precision"], "recall": r["recall"], "f1": r["f1"], "tp": r["tp"],
            "fp": r["predicted"] - r["tp"], "fn": r["gold"] - r["tp"]}


def set_results(gold_dir: Path, out_dir: Path) -> dict:
    """Every figure of one corpus-like set (gold in tests/gold/<set>, tables in OUT)."""
    s = score_structure(gold_dir, out_dir)
    result = {"structure": {
        "articles": prf_dict(s.articles), "bylines": prf_dict(s.bylines), "bylines_credit": prf_dict(s.bylines_credit),
        "fields": {f: prf_dict(p) for f, p in s.fields.items()},
        "masthead": {f: prf_dict(p) for f, p in s.masthead.items()},
    }}
    gold = load_gold(gold_dir)
    if gold:
        pred, _ = load_predicted(out_dir)
        result["mentions"] = {g: _mention_prf(r) for g, r in score(gold, {k: pred.get(k, []) for k in gold})["labels"].items()}
    entities = score_entities(gold_dir, out_dir)
    if entities is not None:
        result["entities"] = {"merges": prf_dict(entities.merges), "posts": prf_dict(entities.posts)}
    result["bodies"] = corpus_breaks(gold_dir, out_dir)
    return result


def _structure_f1(st: dict) -> float:
    prfs = [st["articles"], st["bylines_credit"], *st["fields"].values(), *st["masthead"].values()]
    return min(p["f1"] for p in prfs)


def render(results: dict) -> list[str]:
    lines = ["== SUMMARY"]
    for name, r in results.items():
        if name == "devset":
            continue
        st, m = r["structure"], r.get("mentions", {})
        line = (f"{name}: structure (lowest F1 of articles, bylines, fields, masthead) {_structure_f1(st):.3f}; "
                f"articles {st['articles']['f1']:.3f}, bylines {st['bylines_credit']['f1']:.3f}")
        if m:
            line += "; mentions F1 " + " ".join(f"{g} {m[g]['f1']:.3f}" for g in ("OFFICIAL", "PERSON", "PLACE", "ORG") if g in m)
        if "entities" in r:
            line += f"; officials (person, post) F1 {r['entities']['posts']['f1']:.3f}"
        line += f"; bodies: breaks inside a sentence {r['bodies']['breaks_inside_sentence']}"
        lines.append(line)
    if "devset" in results:
        lines += summary_lines(results["devset"])
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", nargs=3, action="append", default=[], metavar=("NAME", "GOLD", "OUT"),
                    help="an evaluation set: its name, gold folder and extracted tables (repeatable)")
    ap.add_argument("--devset", type=Path, help="the dev set's results.json (from pipeline.tools.evaluation.devset)")
    ap.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"where to write every figure (default {DEFAULT_JSON})")
    args = ap.parse_args(argv)
    results: dict = {}
    for name, gold, out in args.set:
        results[name] = set_results(Path(gold), Path(out))
    if args.devset:
        if not args.devset.exists():
            print(f"error: no dev-set results at {args.devset}; run python -m pipeline.tools.evaluation.devset", file=sys.stderr)
            return 2
        results["devset"] = json.loads(args.devset.read_text(encoding="utf-8"))
    for name, r in results.items():
        items = r.get("bodies", {}).get("items") if name != "devset" else None
        if items:
            print(f"-- {name}: line breaks inside a sentence ({len(items)})")
            print("\n".join(f"   {f}  {h}  {c}" for f, h, c in items))
    print("\n".join(render(results)))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.json.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(args.json)
    print(f"(every figure: {args.json})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
