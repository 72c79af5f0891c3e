"""`make docs`: every figure of README.md, docs/*.md and bench/README.md, regenerated from the runs.

A figure lives in a marked block of a Markdown file, written by this module
and never by hand:

    <!-- figures: quality -->
    | | corpus | samples |
    …
    <!-- /figures -->

or inline, inside a sentence: `with <!-- figures: gold_mentions -->702<!-- /figures --> mentions`.
Each block's name is a function registered with `@figure(name)` below; it
takes the `Sources` and returns the block's Markdown (one line: inline).
The sources are the runs' own records:

- the evaluation summary of `make eval` (.cache/eval/summary.json, keyed by
  evaluation set: corpus, samples, a dev set…), kept as docs/eval_summary.json;
- bench/results.json, written by the full `make bench`;
- docs/install_sizes.json, measured in fresh virtualenvs by `make sizes`;
- the NER model (models/ner: its size, the packages it was built from);
- an extraction of the samples, whose rows give docs/DATA_DICTIONARY.md its
  examples;
- the code's own constants (the benchmark's options and layout weights).

    python -m pipeline.tools.docs --eval .cache/eval/summary.json --samples .cache/eval/samples --model models/ner
    python -m pipeline.tools.docs --check …     # exit 1 and print the diff when a figure is stale

To add a figure: write `@figure("name") def name(src: Sources) -> str`,
put `<!-- figures: name --><!-- /figures -->` where it goes, run `make docs`
and commit the result; tests/test_docs.py then fails whenever it is stale.
A new evaluation set needs no code here: its key in the summary becomes a
column of the tables that show every set (`quality`, `ner_scores`).
"""

from __future__ import annotations

import argparse
import difflib
import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[2]
EVAL_SUMMARY = Path("docs/eval_summary.json")  # the summary the docs were last generated from (committed)
BENCH_RESULTS = Path("bench/results.json")
INSTALL_SIZES = Path("docs/install_sizes.json")
DICTIONARY = Path("docs/DATA_DICTIONARY.md")
# Files whose marked blocks are regenerated (relative to the project's folder).
DOCUMENTS = (Path("README.md"), Path("docs/ner.md"), Path("docs/analysts.md"), Path("bench/README.md"))
BLOCK = regex.compile(r"(?<!`)<!-- figures: (?P<name>[\w./-]+) -->(?P<body>.*?)<!-- /figures -->", regex.S)
SET_ORDER = ("corpus", "samples")  # these first, any other evaluation set after them in name order
DEVSET = "devset"  # the dev set's key in the summary (pipeline/tools/evaluation/devset.py)
MSRA = "msra"  # the MSRA test split's key (pipeline/tools/evaluation/msra.py)
LABELS = ("OFFICIAL", "PERSON", "PLACE", "ORG")
DASH = "—"


class MissingSource(Exception):
    """A block needs a source that was not given (say which, and how to make it)."""


@dataclass
class Sources:
    eval: dict = field(default_factory=dict)
    bench: dict | None = None
    installs: dict | None = None
    model: Path | None = None
    samples: Path | None = None  # an extraction of data/raw

    def need_bench(self) -> dict:
        if not self.bench:
            raise MissingSource(f"no benchmark results: run the full `make bench` ({BENCH_RESULTS})")
        return self.bench

    def need_installs(self) -> dict:
        if not self.installs:
            raise MissingSource(f"no install sizes: run `make sizes` ({INSTALL_SIZES})")
        return self.installs

    def need_model(self) -> Path:
        if self.model is None or not (Path(self.model) / "meta.json").exists():
            raise MissingSource("no NER model: run `make model` and pass --model models/ner")
        return Path(self.model)

    def need_set(self, name: str) -> dict:
        if name not in self.eval:
            raise MissingSource(f"no evaluation set {name!r} in the summary: run `make eval`")
        return self.eval[name]

    def sets(self) -> list[str]:
        """The corpus-like sets (gold in tests/gold; the dev set and MSRA have blocks of their own)."""
        sets = [s for s in self.eval if s not in (DEVSET, MSRA)]
        return sorted(sets, key=lambda s: (SET_ORDER.index(s) if s in SET_ORDER else len(SET_ORDER), s))


FIGURES: dict[str, Callable[[Sources], str]] = {}


def figure(name: str):
    """Register a block's renderer under `name`."""
    def register(fn: Callable[[Sources], str]) -> Callable[[Sources], str]:
        FIGURES[name] = fn
        return fn
    return register


def _f(x: float | None, digits: int = 3) -> str:
    return DASH if x is None else f"{x:.{digits}f}"


def _get(data: dict, *path: str):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _thousands(x: float) -> str:
    return f"{x:,.0f}"


# -- quality (make eval) ----------------------------------------------------------

QUALITY_ROWS = (
    ("articles (by headline)", ("structure", "articles")),
    ("bylines (name, role, credit)", ("structure", "bylines_credit")),
    ("article fields (kicker, subtitle, kind, source, dateline)", ("structure", "article_fields")),
    ("masthead fields (paper, date, date source, number, lunar date, pages)", ("structure", "masthead_fields")),
    *[(label, ("mentions", label)) for label in LABELS],
    ("persons (OFFICIAL or PERSON, the label aside)", ("mentions", "persons")),
    ("entity merges (pairwise P / R)", ("entities", "merges")),
    ("officials (person, post)", ("entities", "posts")),
)


def _md_table(header: list[str], rows: list[list[str]], align: str = "---") -> str:
    return "\n".join(["| " + " | ".join(header) + " |", "|" + "|".join([align] * len(header)) + "|"]
                     + ["| " + " | ".join(row) + " |" for row in rows])


def _quality_cell(score: dict | None, merges: bool) -> str:
    if score is None:
        return DASH
    return f"{_f(score['precision'])} / {_f(score['recall'])}" if merges else _f(score["f1"])


@figure("quality")
def quality(src: Sources) -> str:
    """README: F1 of every evaluation set, one column each."""
    sets = src.sets()
    if not sets:
        raise MissingSource("no evaluation summary: run `make eval`")
    head = ", ".join(f"{s}: {src.eval[s].get('issues', '?')} issues" for s in sets)
    rows = [[name, *(_quality_cell(_get(src.eval[s], *path), path[-1] == "merges") for s in sets)]
            for name, path in QUALITY_ROWS]
    return f"F1 of `make eval` ({head}):\n\n" + _md_table(["", *sets], rows)


@figure("baselines")
def baselines(src: Sources) -> str:
    """README and docs/ner.md: jieba's and THULAC's F1 on the same gold."""
    parts = []
    for s in src.sets():
        base = src.eval[s].get("baselines")
        if not base:
            continue
        taggers = []
        for tagger, name in (("jieba", "jieba (nr/ns/nt)"), ("thulac", "THULAC (np/ns/ni)")):
            scores = base.get(tagger) or {}
            if "error" in scores or not scores:
                taggers.append(f"{name} not scored ({scores.get('error', 'not run')})")
            else:
                taggers.append(f"{name} persons {_f(scores['persons']['f1'], 2)}, PLACE {_f(scores['PLACE']['f1'], 2)}, "
                               f"ORG {_f(scores['ORG']['f1'], 2)}")
        parts.append(f"on the {s} gold: " + "; ".join(taggers))
    if not parts:
        raise MissingSource("no baselines in the evaluation summary: run `make eval BASELINES=1`")
    return "Baselines (F1, `make eval BASELINES=1`) " + "; ".join(parts) + "; neither knows OFFICIAL."


@figure("ner_scores")
def ner_scores(src: Sources) -> str:
    """docs/ner.md: P/R/F1 per label, for every evaluation set with mention gold."""
    sets = [s for s in src.sets() if "mentions" in src.eval[s]]
    if not sets:
        raise MissingSource("no mention scores in the evaluation summary: run `make eval`")

    def cells(score: dict | None) -> list[str]:
        return [DASH] * 3 if score is None else [_f(score[k]) for k in ("precision", "recall", "f1")]

    rows = [[group, *(c for s in sets for c in cells(src.eval[s]["mentions"].get(group)))]
            for group in (*LABELS, "persons", "all")]
    return _md_table(["label", *(c for s in sets for c in (f"{s} P", "R", "F1"))], rows)


@figure("gold_mentions")
def gold_mentions(src: Sources) -> str:
    """docs/ner.md, inline: how many gold mentions the rules are measured on."""
    counts = []
    for s in src.sets():
        score = _get(src.eval[s], "mentions", "all")
        if score is not None:
            counts.append(f"{score['tp'] + score['fn']:,}" + (" mentions" if not counts else "") + f" in the {s}")
    if not counts:
        raise MissingSource("no mention scores in the evaluation summary: run `make eval`")
    return " and ".join(counts)


# -- the dev set (../shared/devset: real articles of other papers) ------------------

DEV_LABELS = ("OFFICIAL", "PERSON", "PER", "PLACE", "ORG", "micro")
DEV_LAYOUTS = ("markdown", "bare", "columns", "mixed")


def _dev(src: Sources) -> dict:
    if DEVSET not in src.eval:
        raise MissingSource("no dev-set figures in the evaluation summary: run `make eval`")
    return src.eval[DEVSET]


@figure("devset_mentions")
def devset_mentions(src: Sources) -> str:
    """README: mentions on the dev set (exact spans, one article per file) beside the corpus and samples."""
    dev = _dev(src)
    exact = dev["articles"]["mentions"]["exact"]
    parts = dev["parts"]
    corpus_like = [s for s in src.sets() if "mentions" in src.eval[s]]
    # the corpus sets score text multisets; PER is their `persons`, micro their `all`
    same = {"PER": "persons", "micro": "all"}
    rows = [[label, *(_f(_get(exact, part, label, "f1")) for part in ("all", "A", "B")),
             *(_f(_get(src.eval[s], "mentions", same.get(label, label), "f1")) for s in corpus_like)]
            for label in DEV_LABELS]
    head = ["F1", f"dev set ({dev['n_articles']} articles)", f"Hunan ({parts['A']})",
            f"other provinces ({parts['B']})", *corpus_like]
    return _md_table(head, rows)


@figure("devset_structure")
def devset_structure(src: Sources) -> str:
    """README: structure on the dev set, one article per file and assembled into issues per layout."""
    dev = _dev(src)
    art = dev["articles"]["structure"]
    rows = [["one article per file", *(_f(_get(art, "fields", f, "all", "f1")) for f in ("headline", "kicker", "subtitle")),
             _f(_get(art, "fields", "source", "all", "accuracy")), _f(_get(art, "fields", "dateline", "all", "accuracy")),
             _f(_get(art, "bylines", "all", "f1"))]]
    for layout in DEV_LAYOUTS:
        lay = dev["layouts"].get(layout)
        if lay is None:
            continue
        rows.append([layout, _f(_get(lay, "headlines", "all", "f1")),
                     *(_f(_get(lay, "fields", f, "all", "f1")) for f in ("kicker", "subtitle")),
                     _f(_get(lay, "fields", "source", "all", "accuracy")),
                     _f(_get(lay, "fields", "dateline", "all", "accuracy")), _f(_get(lay, "bylines", "all", "f1"))])
    return _md_table(["dev set", "headline F1", "kicker F1", "subtitle F1", "source (exact)", "dateline (exact)",
                      "bylines F1"], rows)


@figure("devset_officials")
def devset_officials(src: Sources) -> str:
    """README, inline: officials on the dev set."""
    off = _dev(src)["articles"]["officials"]
    return (f"(name, post) F1 {_f(_get(off, 'post', 'all', 'f1'))} (P {_f(_get(off, 'post', 'all', 'precision'))}, "
            f"R {_f(_get(off, 'post', 'all', 'recall'))}), (name, title as printed) F1 {_f(_get(off, 'title', 'all', 'f1'))}")


@figure("devset_bodies")
def devset_bodies(src: Sources) -> str:
    """README, inline: line breaks left inside a sentence of a body, dev set and corpus."""
    bodies = _dev(src)["bodies"]
    parts = [f"{name} {bodies[name]['breaks_inside_sentence']}" for name in ("articles", *DEV_LAYOUTS) if name in bodies]
    corpus = [f"{s} {src.eval[s]['bodies']['breaks_inside_sentence']}" for s in src.sets() if "bodies" in src.eval[s]]
    return "line breaks left inside a sentence: dev set " + ", ".join(parts) + "; " + ", ".join(corpus)


# -- MSRA (the test split of the corpus the person model is trained on) --------------

@figure("msra")
def msra(src: Sources) -> str:
    """README and docs/ner.md: the NER on MSRA's test split, persons recall first."""
    if MSRA not in src.eval:
        raise MissingSource("no MSRA figures in the evaluation summary: run `make eval`")
    m = src.eval[MSRA]
    per, loc, org = (m["labels"][k] for k in ("PER", "LOC", "ORG"))
    return (f"On the MSRA test split ({m['sentences']:,} sentences of national news, {m['chars']:,} characters, "
            f"one sentence a body; `make eval`) the NER recalls {_f(per['recall'])} of the persons "
            f"(precision {_f(per['precision'])})"
            + ("" if m.get("gate_share") is None else
               f"; {m['gate_share']:.1%} of them are names the trained pipe may add (2-4 characters from a surname)")
            + ". Places and organizations follow other conventions there, "
            f"a trend only: recall {_f(loc['recall'])} and {_f(org['recall'])}.")


@figure("persons_model")
def persons_model(src: Sources) -> str:
    """docs/ner.md, inline: the size of the trained person model in the built model."""
    weights = src.need_model() / "zz_persons" / "persons.crfsuite"
    if not weights.exists():
        raise MissingSource("the model has no trained person pipe: run `make model`")
    return f"{weights.stat().st_size / 1e6:.1f} MB"


# -- the model (make model) --------------------------------------------------------

def _tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


@figure("model")
def model(src: Sources) -> str:
    """docs/ner.md: the model folder's size and the registry packages its lists were read from."""
    folder = src.need_model()
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    packages = meta.get("sources") or {}
    listed = ", ".join(f"`{name}`" for name in packages.values()) or "(not recorded: rebuild with `make model`)"
    return (f"The model folder is {_tree_bytes(folder) / 1e6:.0f} MB; its lists were read from "
            f"{len(packages)} registry packages, downloaded and never installed: {listed}.")


# -- installs (make sizes) --------------------------------------------------------

@figure("installs")
def installs(src: Sources) -> str:
    """README: which command installs what, and the disk each takes."""
    sizes = src.need_installs()
    rows = [[row["commands"], row["what"], ("" if row["extra"] is None else "+") + f"{row['mb']:,.0f} MB"]
            for row in sizes["rows"]]
    lines = [f"Measured by `make sizes` in fresh virtualenvs (Python {sizes['python']}; "
             f"pip's own files included in the first row):", "", _md_table(["command", "installs", "disk"], rows)]
    downloads = sizes.get("model_downloads")
    if downloads:
        lines += ["", f"`make model` also downloads {downloads['mb']:,.0f} MB of registry files into `.cache/wheels` "
                      f"({', '.join(f'`{f}`' for f in downloads['files'])}), read and never installed."]
    return "\n".join(lines)


# -- speed (make bench) ---------------------------------------------------------

def _main_runs(bench: dict) -> dict[int, dict]:
    return {r["size"]: r for r in bench["runs"] if r["jobs"] == bench["jobs"]}


def _run_of(bench: dict) -> str:
    code = bench.get("code") or {}
    dirty = f" with {code['changed_files']} files changed" if code.get("changed_files") else ""
    return f"commit {code.get('commit', '?')}{dirty}, {bench['created'][:10]}"


@figure("speed")
def speed(src: Sources) -> str:
    """README: the benchmark in one paragraph."""
    bench = src.need_bench()
    runs = _main_runs(bench)
    big = runs[max(runs)]
    ratios = bench.get("ratios", {})
    parts = [f"Speed (`make bench`, {bench['machine']['cpus']} shared cores, {_run_of(bench)}): "
             f"{big['size']:,} synthetic issues ({big['chars'] / 1e6:.0f} M characters) end to end in "
             f"{big['wall_seconds']:.0f} s with `JOBS={bench['jobs']}`, {_thousands(big['chars_per_second'])} characters a second"]
    if ratios.get("peak_mem_10k_vs_1k"):
        parts.append(f"peak memory at 10,000 issues {ratios['peak_mem_10k_vs_1k']:.2f}x that at 1,000")
    if ratios.get("ours_vs_jieba") and ratios.get("ours_vs_bare_tokenizer"):
        parts.append(f"per character {1 / ratios['ours_vs_jieba']:.1f}x faster than jieba's POS tagger and "
                     f"{ratios['ours_vs_bare_tokenizer']:.0f}x slower than spaCy's bare character tokenizer")
    return "; ".join(parts) + " ([bench/README.md](bench/README.md))."


@figure("ner_speed")
def ner_speed(src: Sources) -> str:
    """docs/ner.md: what NER costs per character, from the benchmark's stages."""
    bench = src.need_bench()
    st = bench.get("stages") or {}
    per = st.get("us_per_char") or {}
    if "ner" not in per:
        raise MissingSource("no per-stage figures in bench/results.json: run the full `make bench`")
    load = st.get("model_load_seconds")
    return (f"Speed (`make bench`, {_run_of(bench)}): NER takes {per['ner']:.1f} µs a character "
            f"({1e6 / per['ner']:,.0f} characters a second on one core) in the {st['size']:,}-issue run"
            + (f", after a {load:.1f} s model load per worker" if load else "") + ".")


@figure("bench_command")
def bench_command(src: Sources) -> str:
    """bench/README.md: what `make bench` runs."""
    from pipeline.tools.bench import FULL_SIZES, RESULTS

    sizes = ",".join(map(str, FULL_SIZES))
    return (f"`make bench` runs `python -m pipeline.tools.bench --sizes {sizes} --jobs $(JOBS)` (`JOBS`: all "
            f"cores unless given) and replaces `{RESULTS}`; `make bench SIZES=100` (or any other sizes) writes "
            "`bench/work/results-100.json` instead, so the committed results only ever come from a full run.")


@figure("bench_options")
def bench_options(src: Sources) -> str:
    """bench/README.md: the options, from the benchmark's own argument parser."""
    from pipeline.tools.bench import build_parser

    rows = []
    for action in build_parser()._actions:
        if not action.option_strings or action.dest == "help":
            continue
        default = action.default
        if isinstance(default, str) and default.startswith(str(ROOT)):  # a path of this clone: as the project's own
            default = Path(default).relative_to(ROOT).as_posix()
        default = "" if default is None or default is False else f"`{default}`"
        rows.append([f"`{'`, `'.join(action.option_strings)}`", default, action.help])
    return _md_table(["option", "default", "what it does"], rows)


@figure("bench_archive")
def bench_archive(src: Sources) -> str:
    """bench/README.md: what the synthetic archive is made of, from the generator's own constants and template."""
    from pipeline.tools import bench as b

    template = b.load_template()

    def shares(options) -> str:
        total = sum(w for _, w in options)
        return ", ".join(f"{value or 'none'} {100 * w / total:.0f}%" for value, w in options)

    lines = [f"The four sample issues give {len(template.blocks)} article blocks and {len(set(template.mastheads.values()))} "
             "masthead forms. What varies from issue to issue (share of issues):", "",
             f"- masthead: {shares(b.MASTHEADS)} (block: one block; split: over lines as `掌上株洲` / `客户端…`);",
             f"- headings: {shares(b.HEADINGS)};",
             f"- line ends: {shares(b.NEWLINES)}; encoding: {shares(b.ENCODINGS)};",
             f"- column-wrap spaces (`党员干 部`) in some body paragraphs of {100 * b.COLUMN_WRAP_SHARE:.0f}% of issues."]
    if src.bench:
        big = _main_runs(src.bench)[max(_main_runs(src.bench))]
        lines += ["", f"In the last full run the {big['size']:,}-issue archive held {big['chars'] / 1e6:.1f} M characters "
                      f"({big['bytes'] / 1e6:.0f} MB), {big['chars'] / big['size']:,.0f} characters an issue, and took "
                      f"{big['generate_seconds']:.0f} s to generate."]
    corpus = _get(src.eval, "corpus", "chars")
    if corpus:
        lines.append(f"A real issue in `../shared/corpus` has {corpus['min']:,} to {corpus['max']:,} characters: "
                     "compare characters per second with real archives, not issues per second.")
    return "\n".join(lines)


@figure("bench_results")
def bench_results(src: Sources) -> str:
    """bench/README.md: the last full run, from bench/results.json."""
    bench = src.need_bench()
    lines = [f"`{bench['command']}` ({_run_of(bench)}, {bench['machine']['cpus']} cores):", "",
             "| issues | jobs | chars | wall s | cpu s | cpu/wall | chars/s | issues/s | peak MB |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in bench["runs"]:
        cpu = f"{r['cpu_seconds']:.1f}" if r.get("cpu_seconds") else DASH
        ratio = r.get("parallelism") or (r["cpu_seconds"] / r["wall_seconds"] if r.get("cpu_seconds") else None)
        lines.append(f"| {r['size']:,} | {r['jobs'] or 1} | {r['chars']:,} | {r['wall_seconds']:.1f} | {cpu} | "
                     f"{_f(ratio, 2)} | {r['chars_per_second']:,} | {r['issues_per_second']:.1f} | {r['peak_mb']:.0f} |")
    lines.append("")
    fo = bench.get("fixed_overhead")
    if fo:
        lines.append(f"- Fixed cost of a run (a one-issue run: startup, imports, model load, tables): {fo['wall_seconds']:.1f} s.")
    st = bench.get("stages") or {}
    if st.get("us_per_char"):
        per = ", ".join(f"{k} {v:.1f}" for k, v in st["us_per_char"].items())
        load = st.get("model_load_seconds")
        lines.append(f"- Stages ({st['size']:,} issues, µs per character, from `{st['source']}`): {per}"
                     + (f"; model load {load:.1f} s" if load else "") + ".")
    base = bench.get("baselines") or {}
    if base:
        bare, jieba = base.get("spacy_blank_zh", {}), base.get("jieba_posseg", {})
        lines.append(f"- Baselines on {base.get('chars', 0) / 1e6:.1f} M characters of bodies of the "
                     f"{base.get('archive_size', 0):,}-issue archive, same command: spaCy's bare zh tokenizer "
                     f"{_thousands(bare.get('chars_per_second', 0))} chars/s; jieba POS "
                     f"{_thousands(jieba.get('chars_per_second', 0))} chars/s (on {jieba.get('chars', 0):,} characters).")
    ra = bench.get("ratios") or {}
    if ra.get("ours_vs_jieba"):
        lines.append(f"- Ours per character, end to end ({ra.get('ours_measured_on')}): {ra['ours_vs_jieba']:.2f}x jieba's "
                     f"time ({1 / ra['ours_vs_jieba']:.1f}x faster) and {ra['ours_vs_bare_tokenizer']:.1f}x the bare "
                     f"tokenizer's; CPU against CPU {ra['ours_cpu_vs_jieba']:.2f}x and {ra['ours_cpu_vs_bare_tokenizer']:.1f}x.")
    if ra.get("jobs_speedup"):
        par = ra.get("jobs_parallelism", {})
        lines.append(f"- JOBS={bench['jobs']} ÷ JOBS=1 at 1,000 issues: {ra['jobs_speedup']:.2f}x wall; CPU with "
                     f"{bench['jobs']} jobs ÷ CPU with one: {ra['jobs_cpu_cost']:.2f}x; cpu/wall "
                     + ", ".join(f"{k} {v:.2f}" for k, v in par.items())
                     + (f"; the machine gave {ra['machine_speedup']:.2f}x to {bench['jobs']} CPU-bound loops in the "
                        "same command" if ra.get("machine_speedup") else "") + ".")
    if ra.get("peak_mem_10k_vs_1k"):
        lines.append(f"- Peak memory, 10,000 ÷ 1,000 issues: {ra['peak_mem_10k_vs_1k']:.2f}x "
                     f"(largest single process: {ra.get('maxrss_10k_vs_1k', 0):.2f}x).")
    return "\n".join(lines)


@figure("bench_worst_cases")
def bench_worst_cases(src: Sources) -> str:
    """bench/README.md: the worst-case section of the last full run (pipeline/tools/worst_cases.py)."""
    worst = src.need_bench().get("worst_cases")
    if not worst:
        return ("The last full run predates the worst-case section; `python -m pipeline.tools.bench --sizes 100` "
                "measures it and writes it to bench/work/results-100.json.")
    a = worst["average"]
    rows = [[f"`{r['name']}`", r["source"], f"{r['bytes'] / 1000:.0f}", f"{r['seconds']:.2f}", f"{r['cpu_seconds']:.2f}",
             f"{r.get('cpu_seconds_per_mb', 0):.2f}", f"{r['vs_average']:.1f}", f"{r['mentions']:,}"]
            for r in worst["cases"]]
    slowest = max(worst["cases"], key=lambda r: r["cpu_seconds"])
    return "\n".join([
        f"Each case extracted as one file by the run's `FileWorker`, in the benchmark's process (model "
        f"{'on' if worst.get('model') else 'off'}); the average: {a['files']:,} ordinary issues of the archive, "
        f"{a['cpu_seconds_per_mb']:.2f} CPU seconds per MB ({a['seconds_per_mb']:.2f} wall). The slowest case "
        f"took {slowest['cpu_seconds']:.2f} CPU seconds ({slowest['seconds']:.2f} wall), against a limit of "
        f"{worst['limit_seconds']:g} s for a file under 1 MB.", "",
        _md_table(["case", "built to strain", "KB", "wall s", "cpu s", "cpu s/MB", "x average", "mentions"], rows)])


@figure("bench_targets")
def bench_targets(src: Sources) -> str:
    """bench/README.md: each target with its measured value."""
    bench = src.need_bench()
    rows = []
    for t in bench.get("targets", []):
        value = DASH if t["value"] is None else (f"{t['value']:.3g}" if isinstance(t["value"], float) else str(t["value"]))
        met = {True: "**yes**", False: "**no**", None: "not measured"}[t["met"]]
        rows.append([t["target"], value, t["threshold"], met + (f": {t['note']}" if t["note"] else "")])
    return _md_table(["target", "measured", "wanted", "met?"], rows)


@figure("bench_profile")
def bench_profile(src: Sources) -> str:
    """bench/README.md: the top functions of `--profile`, when the last full run had it."""
    bench = src.need_bench()
    profile = bench.get("profile")
    if not profile:
        return ("The last full run was made without `--profile`; `python -m pipeline.tools.bench --sizes 100 --profile` "
                "writes the top functions by own time to bench/work/results-100.json.")
    rows = profile.get("top_own") or profile.get("top") or []
    lines = [f"cProfile of an in-process run on {profile['size']:,} issues (times inflated by the profiler):", "",
             "| function | calls | own s | cumulative s |", "|---|---:|---:|---:|"]
    for r in rows[:15]:
        lines.append(f"| `{r.get('function')}` | {r.get('calls', 0):,} | {r.get('own_seconds', 0):.1f} | "
                     f"{r.get('cumulative_seconds', 0):.1f} |")
    return "\n".join(lines)


# -- the data dictionary --------------------------------------------------------

def _example(value) -> str | None:
    """A cell as the dictionary shows it: short, one line."""
    import datetime as dt

    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (list, tuple)):
        if not value:
            return None
        shown = [v for v in value[:3]]
        text = repr(shown) if len(value) <= 3 else repr(shown)[:-1] + ", …]"
    elif isinstance(value, (dt.date, dt.datetime)):
        text = value.isoformat()[:10]
    else:
        text = str(value)
    text = " ".join(text.replace("\r", "").replace("\n", "\\n").split())
    return text if len(text) <= 48 else text[:47] + "…"


def table_examples(out: Path) -> dict[str, dict[str, str]]:
    """{table: {column: example}} from a real extraction: each table's fullest row (most columns set,
    the first such), and for a column that row leaves empty, the first row that has it."""
    import pyarrow.parquet as pq

    from pipeline.schemas import TABLES

    examples: dict[str, dict[str, str]] = {}
    for name in TABLES:
        path = Path(out) / f"{name}.parquet"
        rows = pq.read_table(path).to_pylist() if path.exists() else []
        if not rows:
            continue
        shown = [{k: _example(v) for k, v in row.items()} for row in rows]
        best = max(shown, key=lambda r: sum(v is not None for v in r.values()))
        chosen = {}
        for column in TABLES[name].names:
            value = best.get(column)
            if value is None:
                value = next((r[column] for r in shown if r.get(column) is not None), None)
            if value is not None:
                chosen[column] = value
        examples[name] = chosen
    return examples


def dictionary_text(samples: Path) -> str:
    from pipeline.schemas import data_dictionary

    return data_dictionary(table_examples(samples)) + "\n"


# -- regenerating ---------------------------------------------------------------

def render_text(text: str, src: Sources, where: str = "") -> str:
    """`text` with every marked block's body regenerated."""
    def body(match) -> str:
        name = match.group("name")
        if name not in FIGURES:
            raise KeyError(f"{where}: unknown figure block {name!r} (known: {', '.join(sorted(FIGURES))})")
        rendered = FIGURES[name](src).strip("\n")
        # A block keeps blank lines around its body, so Markdown reads the body's tables as tables.
        rendered = f"\n\n{rendered}\n\n" if "\n" in rendered or "\n" in match.group("body") else rendered
        return f"<!-- figures: {name} -->{rendered}<!-- /figures -->"
    return BLOCK.sub(body, text)


def regenerate(src: Sources, root: Path = ROOT) -> dict[Path, str]:
    """{file: its text with every figure regenerated} for the documents (and the dictionary, given samples)."""
    out = {}
    for rel in DOCUMENTS:
        path = root / rel
        out[rel] = render_text(path.read_text(encoding="utf-8"), src, str(rel))
    if src.samples is not None:
        out[DICTIONARY] = dictionary_text(src.samples)
    return out


def stale(src: Sources, root: Path = ROOT) -> str:
    """The unified diff between the documents and their regenerated text ('' when every figure is current)."""
    diffs = []
    for rel, text in regenerate(src, root).items():
        old = (root / rel).read_text(encoding="utf-8") if (root / rel).exists() else ""
        if old != text:
            diffs.append("".join(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                      f"{rel} (committed)", f"{rel} (regenerated)")))
    return "\n".join(diffs)


def load_sources(eval_summary: Path | None, bench: Path | None, installs: Path | None, model: Path | None,
                 samples: Path | None) -> Sources:
    def read(path: Path | None):
        return json.loads(Path(path).read_text(encoding="utf-8")) if path and Path(path).exists() else None

    return Sources(eval=read(eval_summary) or {}, bench=read(bench), installs=read(installs),
                   model=Path(model) if model else None, samples=Path(samples) if samples else None)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipeline.tools.docs", description=__doc__.split("\n\n")[0])
    p.add_argument("--eval", help=f"make eval's summary (.cache/eval/summary.json); it is copied to {EVAL_SUMMARY}; "
                                  f"default: {EVAL_SUMMARY} as it is")
    p.add_argument("--bench", default=str(BENCH_RESULTS), help="the benchmark's results")
    p.add_argument("--installs", default=str(INSTALL_SIZES), help="the install sizes of `make sizes`")
    p.add_argument("--model", default="models/ner", help="the NER model folder")
    p.add_argument("--samples", help="an extraction of data/raw, for the data dictionary's examples")
    p.add_argument("--check", action="store_true", help="write nothing; print the diff and exit 1 when a figure is stale")
    args = p.parse_args(argv)
    summary = ROOT / EVAL_SUMMARY
    if args.eval and not args.check:
        shutil.copyfile(args.eval, summary)
    src = load_sources(Path(args.eval) if args.eval else summary, Path(args.bench), Path(args.installs),
                       Path(args.model), Path(args.samples) if args.samples else None)
    try:
        if args.check:
            diff = stale(src)
            print(diff or "every figure is current", file=sys.stdout if diff else sys.stderr)
            return 1 if diff else 0
        for rel, text in regenerate(src).items():
            (ROOT / rel).write_text(text, encoding="utf-8")
            print(f"wrote {rel}", file=sys.stderr)
    except MissingSource as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
