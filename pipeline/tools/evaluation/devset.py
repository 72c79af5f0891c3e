"""`make eval`'s dev-set part: real articles of other papers, one per file and
assembled into whole issues in the corpus's layouts, extracted by the real
`python -m pipeline extract` and scored from its tables.

    python -m pipeline.tools.evaluation.devset [--only articles|layouts] [--quick] [--layouts markdown,bare] [--lists]

(about 15 s, 30 s when every file must be extracted again; `--quick`, the same
as `--only articles`: one article per file, for mentions and officials, about 8 s).
Under WORK (default .cache/eval/devset):

- `articles/raw/<id>.txt`, the files extracted (with the NER model) into
  `articles/out/`; `layouts/raw/<layout>/<layout>_NN.txt`, extracted (structure
  only, no model) into `layouts/out/`; `*.gold.json` beside each raw folder:
  where every dev article's header lines and body characters were printed;
- `articles/report.txt`, `layouts/report.txt`: every table and every listed
  miss, false hit and error item;
- `mention_errors.json`: every mention error item (see spans.py) of the
  one-per-file run, for the developers;
- `results.json`: the figures, read by `summary.py` into .cache/eval/summary.json
  under the key `devset`:

      {"articles": {"structure": LAYOUT, "mentions": {"exact": {PART: {GROUP: PRF}},
                    "text": {GROUP: PRF}, "families": {PART: {FAMILY: {...}}}},
                    "officials": {"title": {PART: PRF}, "post": {PART: PRF}}},
       "layouts": {"markdown"|"bare"|"columns"|"mixed": LAYOUT},
       "bodies": {"articles"|"markdown"|…: BODIES},
       "seed": 11, "n_articles": 84, "parts": {"A": 40, "B": 44}}

  PART is "all", "A" (Hunan) or "B" (other provinces); GROUP is OFFICIAL,
  PERSON, PLACE, ORG, PER (OFFICIAL+PERSON as one class) or micro (over PER,
  PLACE, ORG); PRF is {"precision", "recall", "f1", "tp", "fp", "fn"}; LAYOUT
  is {"issues", "articles", "headlines": {PART: PRF}, "fields": {FIELD: {PART:
  PRF + "accuracy", "n"}}, "bylines": {PART: PRF}, "bylines_name_role": {PART:
  PRF}, "kind_skipped", "jumps": PRF, "masthead": {FIELD: PRF + accuracy},
  "split", "glued", "unassigned"} (FIELD: headline, kicker, subtitle, kind,
  source, dateline); BODIES is bodies.BodyScores.as_dict().
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

from pipeline.rules import load_structure_rules

from . import devreport
from .articles import predicted_issues, score_layout
from .assemble import DEFAULT_SEED, LAYOUTS, assemble, one_per_file, write_issues
from .bodies import score_bodies
from .devdata import header_length, load_devset
from .mentions import score as score_text
from .officials import score_officials
from .spans import Span, family_counts, score_spans

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DEVSET = ROOT.parent / "shared" / "devset"
DEFAULT_WORK = ROOT / ".cache" / "eval" / "devset"
DEFAULT_MODEL = ROOT / "models" / "ner"


def extract(raw: Path, out: Path, model: Path | None, jobs: int) -> None:
    """The product's own command line on RAW -> OUT (incremental: unchanged files are reused)."""
    cmd = [sys.executable, "-m", "pipeline", "extract", "--quiet", "--jobs", str(jobs), str(raw), str(out)]
    if model is not None:
        cmd[5:5] = ["--model", str(model)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")


def run(devset: Path = DEFAULT_DEVSET, work: Path = DEFAULT_WORK, model: Path = DEFAULT_MODEL,
        seed: int = DEFAULT_SEED, only: str | None = None, layouts: tuple = LAYOUTS, jobs: int = 2,
        limit: int = 8) -> tuple[dict, dict[str, list[str]], list[str]]:
    """Write, extract and score the dev set: (results as in the module doc, the full report's
    lines of each half, "articles" and "layouts", and all of it with at most `limit` items per list)."""
    articles = load_devset(devset)
    rules = load_structure_rules()
    results: dict = {"seed": seed, "n_articles": len(articles),
                     "parts": {p: sum(a.part == p for a in articles) for p in ("A", "B")},
                     "layouts": {}, "bodies": {}}
    report: dict[str, list[str]] = {}
    short: list[str] = []
    timings = {}
    if only in (None, "articles"):
        started = time.perf_counter()
        files = one_per_file(articles)
        raw, out = work / "articles" / "raw", work / "articles" / "out"
        write_issues(files, raw)
        extract(raw, out, model, jobs)
        predicted = predicted_issues(files, raw, out, rules)
        structure = score_layout("files", files, predicted)
        spans, text = score_mentions(articles, out)
        officials = score_officials(articles, predicted_officials(out))
        bodies = score_bodies(files, {n: [(pa.record.body, pa.record.body_offsets) for pa in pi.articles]
                                      for n, pi in predicted.items()})
        results["articles"] = {
            "structure": devreport.layout_dict(structure),
            "mentions": {"exact": {part: {g: c.as_dict() for g, c in groups.items()} for part, groups in spans.counts.items()},
                         "text": text["labels"], "families": family_counts(spans.items)},
            "officials": {"title": {p: devreport.prf_dict(v) for p, v in officials.title.items()},
                          "post": {p: devreport.prf_dict(v) for p, v in officials.post.items()}},
        }
        results["bodies"]["articles"] = bodies.as_dict()
        (work / "mention_errors.json").write_text(json.dumps(spans.items, ensure_ascii=False, indent=1), encoding="utf-8")
        report["articles"] = devreport.render_articles(structure, spans, text, officials, bodies)
        short += devreport.render_articles(structure, spans, text, officials, bodies, limit)
        timings["articles"] = time.perf_counter() - started
    if only in (None, "layouts") and layouts:
        started = time.perf_counter()
        assembled = {layout: assemble(articles, layout, seed) for layout in layouts}
        raw, out = work / "layouts" / "raw", work / "layouts" / "out"
        write_issues([i for issues in assembled.values() for i in issues], raw)
        extract(raw, out, None, jobs)
        report["layouts"] = []
        for layout, issues in assembled.items():
            predicted = predicted_issues(issues, raw, out, rules)
            scores = score_layout(layout, issues, predicted)
            bodies = score_bodies(issues, {n: [(pa.record.body, pa.record.body_offsets) for pa in pi.articles]
                                           for n, pi in predicted.items()})
            results["layouts"][layout] = devreport.layout_dict(scores)
            results["bodies"][layout] = bodies.as_dict()
            report["layouts"] += devreport.render_layout(scores, bodies)
            short += devreport.render_layout(scores, bodies, limit)
        timings["layouts"] = time.perf_counter() - started
    results["seconds"] = timings
    return results, report, short


def score_mentions(articles, out: Path):
    """Exact spans (spans.py) and the corpus eval's text multisets of the one-per-file run."""
    issues = pd.read_parquet(out / "issues.parquet")[["issue_id", "source_file"]]
    mentions = pd.read_parquet(out / "mentions.parquet").merge(issues, on="issue_id")
    header = {a.id: header_length(a) for a in articles}
    predicted: dict[str, list[Span]] = defaultdict(list)
    for m in mentions.itertuples():
        dev_id = Path(m.source_file).stem
        shift = header.get(dev_id, 0)
        predicted[dev_id].append(Span(m.raw_start - shift, m.raw_end - shift, m.label, m.text))
    spans = score_spans(articles, predicted)
    gold_text = {a.id: [(m.text, m.label) for m in a.mentions] for a in articles}
    pred_text = {k: [(m.text, m.label) for m in sorted(v, key=lambda m: m.start)] for k, v in predicted.items()}
    return spans, score_text(gold_text, pred_text)


def predicted_officials(out: Path) -> dict[str, list[tuple[str, str, list[str]]]]:
    officials = pd.read_parquet(out / "officials.parquet")
    articles = pd.read_parquet(out / "articles.parquet")[["article_id", "issue_id"]]
    issues = pd.read_parquet(out / "issues.parquet")[["issue_id", "source_file"]]
    joined = officials.merge(articles, on="article_id").merge(issues, on="issue_id")
    found: dict[str, list] = defaultdict(list)
    for r in joined.itertuples():
        found[Path(r.source_file).stem].append((r.name, r.title, list(r.posts)))
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK)
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--only", choices=("articles", "layouts"), help="one article per file only, or the layouts only")
    ap.add_argument("--quick", action="store_true", help="the same as --only articles")
    ap.add_argument("--layouts", default=",".join(LAYOUTS), help=f"comma-separated, of {','.join(LAYOUTS)}")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--lists", action="store_true", help="print every listed item (always written to WORK/report.txt)")
    args = ap.parse_args(argv)
    if args.quick:
        args.only = args.only or "articles"
    if not (args.devset / "articles").is_dir():
        print(f"error: no dev set in {args.devset} (expected {args.devset}/articles and gold)", file=sys.stderr)
        return 2
    if args.only != "layouts" and not (args.model / "meta.json").exists():
        print(f"error: no model in {args.model}; build it with `make model`", file=sys.stderr)
        return 2
    layouts = tuple(l for l in args.layouts.split(",") if l)
    unknown = [l for l in layouts if l not in LAYOUTS]
    if unknown:
        print(f"error: unknown layout(s) {', '.join(unknown)}; choose among {', '.join(LAYOUTS)}", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    results, report, short = run(args.devset, args.work, args.model, args.seed, args.only, layouts, args.jobs)
    previous = args.work / "results.json"
    if args.only and previous.exists():  # keep the other half of an earlier run
        old = json.loads(previous.read_text(encoding="utf-8"))
        kept = "layouts" if args.only == "articles" else "articles"
        if kept in old:
            results[kept] = old[kept]
        old_bodies = {k: v for k, v in old.get("bodies", {}).items() if (k == "articles") == (kept == "articles")}
        results["bodies"] = {**old_bodies, **results["bodies"]}
    previous.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    for half, lines in report.items():
        (args.work / half / "report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join([line for lines in report.values() for line in lines] if args.lists else short))
    print()
    print("\n".join(devreport.summary_lines(results)))
    print(f"(full lists: {args.work}/{{articles,layouts}}/report.txt; figures: {previous}; "
          f"mention errors: {args.work / 'mention_errors.json'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
