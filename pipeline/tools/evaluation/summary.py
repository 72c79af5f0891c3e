"""The end of `make eval`: the dev set's figures added to the evaluation
summary (.cache/eval/summary.json, keyed by evaluation set; the corpus-like
sets are written by `pipeline eval --summary`, see this package's docstring),
and a compact SUMMARY of every set printed from it.

    python -m pipeline.tools.evaluation.summary --summary .cache/eval/summary.json \\
        --devset .cache/eval/devset/results.json

The dev set's key: "devset" = its results.json, as devset.py documents it:
{"articles": …, "layouts": {"markdown"|"bare"|"columns"|"mixed": …}, "bodies": {…}, …}.
"msra": the MSRA test split's figures, written by msra.py's --summary.
`bodies` of a corpus set counts the line breaks left inside a sentence by
`bodies.corpus_breaks` (no gold body text is needed; see bodies.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import add_to_summary
from .devreport import summary_lines

DEFAULT_JSON = Path(".cache/eval/summary.json")


def _structure_f1(st: dict) -> float:
    prfs = [st["articles"], st["bylines_credit"], *st["fields"].values(), *st["masthead"].values()]
    return min(p["f1"] for p in prfs)


def render(results: dict) -> list[str]:
    lines = ["== SUMMARY"]
    for name, r in results.items():
        if name in ("devset", "msra"):
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
    if "msra" in results:
        per = results["msra"]["labels"]["PER"]
        lines.append(f"MSRA test: persons recall {per['recall']:.3f} (precision {per['precision']:.3f}); "
                     f"LOC recall {results['msra']['labels']['LOC']['recall']:.3f}, "
                     f"ORG {results['msra']['labels']['ORG']['recall']:.3f} (a trend only)")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--summary", type=Path, default=DEFAULT_JSON,
                    help=f"the evaluation summary to complete and print (default {DEFAULT_JSON})")
    ap.add_argument("--devset", type=Path, help="the dev set's results.json (from pipeline.tools.evaluation.devset)")
    args = ap.parse_args(argv)
    if args.devset:
        if not args.devset.exists():
            print(f"error: no dev-set results at {args.devset}; run python -m pipeline.tools.evaluation.devset", file=sys.stderr)
            return 2
        add_to_summary(args.summary, "devset", json.loads(args.devset.read_text(encoding="utf-8")))
    results = json.loads(args.summary.read_text(encoding="utf-8")) if args.summary.exists() else {}
    for name, r in results.items():
        items = r.get("bodies", {}).get("items") if name != "devset" else None
        if items:
            print(f"-- {name}: line breaks inside a sentence ({len(items)})")
            print("\n".join(f"   {f}  {h}  {c}" for f, h, c in items))
    print("\n".join(render(results)))
    print(f"(every figure: {args.summary})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
