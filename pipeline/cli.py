"""Command line: a thin shell over the stage functions.

    python -m pipeline extract RAW OUT [--model DIR | --no-model]   (default: models/ner when it exists)
    python -m pipeline eval --gold tests/gold/corpus --out OUT [--baselines] [--summary FILE]
    python -m pipeline golden OUT GOLDEN_DIR [--check]
    python -m pipeline model DIR
    python -m pipeline dictionary [FILE] [--examples OUT]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

from .rules import DEFAULT_RULES_DIR
from .pool import DEFAULT_BUDGET

DEFAULT_MODEL = Path("models/ner")  # where `make model` builds it, from the project's folder


def _extract(args: argparse.Namespace) -> int:
    from .run import run_extract
    from .tables import OutLocked

    raw, out = Path(args.raw), Path(args.out)
    if not raw.is_dir():
        print(f"error: RAW folder {raw} does not exist or is not a folder; give the folder of issue files", file=sys.stderr)
        return 2
    try:
        os.listdir(raw)
    except OSError as err:
        print(f"error: cannot read the RAW folder {raw}: {err.strerror or err}; check its permissions", file=sys.stderr)
        return 2
    from .run import discover_inputs

    if not discover_inputs(raw):
        print(f"error: RAW folder {raw} has no issue files (hidden files and READMEs are skipped); "
              "check that it is the right folder", file=sys.stderr)
        return 2
    problem = _unwritable(out)
    if problem:
        print(f"error: cannot write the tables to {out}: {problem}; choose a writable OUT folder", file=sys.stderr)
        return 2
    model = _model_dir(args)
    if model is not None and not (model / "meta.json").exists():
        print(f"error: no model in {model}; build it with `make model`", file=sys.stderr)
        return 2
    if model is None and not args.no_model:
        print(f"note: no NER model found ({DEFAULT_MODEL} does not exist): extracting the structure only, so the "
              "mentions, entities and officials tables will be empty; build the model with `make model` "
              "or pass --model DIR (--no-model silences this)", file=sys.stderr)
    if args.engine == "dask" and importlib.util.find_spec("distributed") is None:
        print("error: ENGINE=dask needs dask[distributed]: pip install -e '.[dask]'", file=sys.stderr)
        return 2
    try:
        summary = run_extract(raw, out, Path(args.rules), model, progress=not args.quiet, jobs=args.jobs,
                              engine=args.engine, scheduler=args.scheduler, full=args.full,
                              file_budget=args.file_budget or None)
    except OutLocked as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"error: cannot write the tables to {out}: {err.strerror or err}; choose a writable OUT", file=sys.stderr)
        return 1
    except Exception as err:  # a bug: one line for the user, the traceback kept for a developer
        log = _keep_traceback(out)
        message = " ".join(str(err).split())[:200]
        print(f"error: the run stopped: {type(err).__name__}: {message}"
              + (f" (traceback in {log})" if log else ""), file=sys.stderr)
        return 1
    for notice in summary.notices:
        print(f"warning: {notice}", file=sys.stderr)
    print(summary.line(), file=sys.stderr)
    return 0


def _keep_traceback(out: Path) -> Path | None:
    """Write the current exception's traceback to OUT/.work/error.log (None if that fails)."""
    import traceback

    log = out / ".work" / "error.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(traceback.format_exc(), encoding="utf-8")
    except OSError:
        return None
    return log


def _model_dir(args: argparse.Namespace) -> Path | None:
    """--model, else models/ner when it holds a model, else None (no NER)."""
    if args.no_model:
        return None
    if args.model:
        return Path(args.model)
    return DEFAULT_MODEL if (DEFAULT_MODEL / "meta.json").exists() else None


def _unwritable(out: Path) -> str | None:
    """Why OUT cannot take the tables, or None: it is created and a file is tried in it."""
    if out.exists() and not out.is_dir():
        return "it exists and is not a folder"
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        return err.strerror or str(err)
    return None


def _eval(args: argparse.Namespace) -> int:
    from .tools.evaluation import run_eval

    return run_eval([Path(g) for g in args.gold], Path(args.out), baselines=args.baselines,
                    summary=Path(args.summary) if args.summary else None, name=args.name)


def _golden(args: argparse.Namespace) -> int:
    from .tools.golden import diff_golden, write_golden

    out, golden = Path(args.out), Path(args.golden)
    if args.check:
        diff = diff_golden(out, golden)
        if diff:
            print(diff)
            return 1
        print(f"golden files in {golden} match", file=sys.stderr)
        return 0
    write_golden(out, golden)
    print(f"wrote golden files to {golden}", file=sys.stderr)
    return 0


def _model(args: argparse.Namespace) -> int:
    from .ner import build_model

    path = build_model(Path(args.dir), Path(args.rules))
    print(f"model written to {path}", file=sys.stderr)
    return 0


def _dictionary(args: argparse.Namespace) -> int:
    from .schemas import data_dictionary

    if args.examples:
        from .tools.docs import dictionary_text

        text = dictionary_text(Path(args.examples)).rstrip("\n")
    else:
        text = data_dictionary()
    if args.file:
        Path(args.file).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description="Zhuzhou Daily extraction pipeline")
    parser.add_argument("--rules", default=str(DEFAULT_RULES_DIR), help="folder of rule files (default: rules/)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="extract every issue file of RAW into Parquet tables in OUT")
    p.add_argument("raw", help="folder of issue files (text exports; searched recursively, hidden files skipped)")
    p.add_argument("out", help="folder for the tables (created; a rerun redoes only what changed)")
    model = p.add_mutually_exclusive_group()
    model.add_argument("--model", help=f"spaCy model folder for entity mentions (default: {DEFAULT_MODEL} "
                                       "when it exists; build it with `make model`)")
    model.add_argument("--no-model", action="store_true",
                       help="no entity mentions: the mentions, entities and officials tables stay empty")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1,
                   help="worker processes (default: all cores); the tables do not depend on it")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local processes, or Dask tasks (a LocalCluster, or --scheduler)")
    p.add_argument("--scheduler", help="address of a Dask scheduler, e.g. tcp://host:8786 (with --engine dask)")
    p.add_argument("--full", action="store_true", help="redo every file, ignoring the results of earlier runs")
    p.add_argument("--file-budget", type=float, default=DEFAULT_BUDGET, metavar="SECONDS",
                   help=f"stop a file that takes longer, with a failures row (default: {DEFAULT_BUDGET:g}; 0: no limit)")
    p.set_defaults(func=_extract)
    p = sub.add_parser("eval", help="score OUT against hand-written gold")
    p.add_argument("--gold", action="append", required=True, help="gold folder (repeatable)")
    p.add_argument("--out", required=True, help="the extraction to score (OUT of `extract`)")
    p.add_argument("--baselines", action="store_true", help="also score jieba and THULAC on the same gold")
    p.add_argument("--summary", help="JSON file the scores are added to, keyed by evaluation set (for `make docs`)")
    p.add_argument("--name", help="the evaluation set's key in --summary (default: the gold folder's name)")
    p.set_defaults(func=_eval)
    p = sub.add_parser("golden", help="write (or --check) the golden regression files of OUT")
    p.add_argument("out", help="the extraction (OUT of `extract`)")
    p.add_argument("golden", help="folder of the golden JSON-lines files (tests/golden/<set>)")
    p.add_argument("--check", action="store_true", help="print the differences instead of writing; exit 1 when any")
    p.set_defaults(func=_golden)
    p = sub.add_parser("model", help="build the spaCy NER pipeline into DIR")
    p.add_argument("dir", help="folder to build the model in (models/ner)")
    p.set_defaults(func=_model)
    p = sub.add_parser("dictionary", help="print (or write to FILE) the data dictionary")
    p.add_argument("file", nargs="?", help="where to write it (docs/DATA_DICTIONARY.md); default: print")
    p.add_argument("--examples", help="an extraction (of the samples) to take each column's example from")
    p.set_defaults(func=_dictionary)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
