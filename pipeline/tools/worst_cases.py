"""Worst-case inputs for the per-file stages, and the time each one takes.

    python -m pipeline.tools.worst_cases [--model models/ner] [--only NAME ...] [--scale 1.0]

`CASES` are files built to make the rules of structure and NER do the most
work per character: the repeated phrases issue 14 found slow (one paragraph of
`株洲市人民政府办公室` x 1,000, `市委常委、` x 20,000, ...) and more of the same
kind (quotes opened and never closed, lists of officials, one-character
lines, headings, a paragraph printed again and again, an HTML page). Every one
is under 1 MB. `time_cases` writes each as a file and extracts it in this
process with the `run.FileWorker` a run uses (read, structure, NER, parts),
timing the call, and does the same for ordinary issues, so that each case is
given as seconds per MB against the average. `make bench` runs it as its
"worst case" section; the target is that no file under 1 MB takes more than
`LIMIT_SECONDS`, judged on the CPU seconds of the call (the wall seconds are
given too: on a shared machine they also count other tenants' work).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT_SECONDS = 5.0
MB = 1_000_000


@dataclass(frozen=True)
class Case:
    name: str
    phrase: str
    repeat: int
    source: str  # "issue 14" (found slow there) or what it is built to strain

    def text(self, scale: float = 1.0) -> str:
        body = self.phrase * max(1, int(self.repeat * scale))
        if self.name == "html-page":
            return "<!DOCTYPE html>\n<html><head><title>株洲日报</title></head><body>\n" + body + "</body></html>\n"
        return body if body.endswith("\n") else body + "\n"


CASES = (
    Case("gov-office-x250", "株洲市人民政府办公室", 250, "issue 14"),
    Case("gov-office-x500", "株洲市人民政府办公室", 500, "issue 14"),
    Case("gov-office-x1000", "株洲市人民政府办公室", 1000, "issue 14"),
    Case("district-x2000", "株洲市荷塘区", 2000, "issue 14"),
    Case("standing-committee-x20000", "市委常委、", 20000, "issue 14"),
    Case("bracket-x33000", "(株洲", 33000, "issue 14"),
    Case("byline-x11000", "□本报记者 张三 ", 11000, "issue 14"),
    Case("xinhua-x9000", "新华社北京3月5日电 ", 9000, "issue 14"),
    Case("open-quote", "“株洲", 33000, "quotes opened, never closed (quote pairing)"),
    Case("book-titles", "《株洲日报》", 16000, "quoted paper names (quoted organizations)"),
    Case("slogan-quotes", "“株洲“株洲”为主题,", 8000, "quotes inside quotes before a slogan word (quoted names)"),
    Case("officials-list", "市委书记张三、市长李四、", 8000, "posts and names (title chains, name lists)"),
    Case("title-chain", "市委常委、市委秘书长、市纪委监委主任邓为民,", 4000, "long title chains"),
    Case("company-names", "株洲市天元区某某科技有限公司、", 6000, "organization heads after places"),
    Case("street-addresses", "湖南省株洲市芦淞区建设路", 8000, "address chains (place suffixes)"),
    Case("one-char-lines", "。\n", 150000, "the most lines per byte (line classification)"),
    Case("short-lines", "株洲\n", 80000, "short lines of names"),
    Case("headings", "# 株洲新闻\n", 30000, "a headline on every line (segmentation)"),
    Case("repeated-paragraph", "株洲市召开全市经济工作会议。\n\n", 20000, "a block printed again and again"),
    Case("datelines", "株洲日报讯(记者/张三)12月4日,\n", 10000, "a dateline on every line"),
    Case("credits", "记者/张三、", 15000, "a list of credits (bylines)"),
    Case("html-page", "<p>株洲日报讯 <b>市委</b>召开会议。</p>\n", 10000, "HTML tags blanked out"),
)


def write_cases(folder: Path, cases=CASES, scale: float = 1.0) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in cases:
        path = folder / f"{case.name}.{'html' if case.name == 'html-page' else 'txt'}"
        path.write_text(case.text(scale), encoding="utf-8")
        paths[case.name] = path
    return paths


def _time_file(worker, raw: Path, path: Path) -> tuple[float, float, object]:
    from pipeline.read import source_name
    from pipeline.run import part_key

    # the path as given: the worker joins it to its RAW, which an absolute path replaces
    task = (source_name(path, raw), str(path.resolve()), part_key(raw, path))
    wall, cpu = time.perf_counter(), time.process_time()
    info = worker(task)
    return time.perf_counter() - wall, time.process_time() - cpu, info


def time_cases(model_dir: Path | None, average_raw: Path, cases=CASES, scale: float = 1.0,
               work: Path | None = None) -> dict:
    """Seconds and seconds per MB of every case and of the files of `average_raw`
    (ordinary issues), each extracted by one in-process FileWorker."""
    from pipeline.rules import DEFAULT_RULES_DIR
    from pipeline.run import FileWorker, discover_inputs

    scratch = Path(tempfile.mkdtemp(prefix="worst-", dir=work))
    try:
        raw = scratch / "raw"
        paths = write_cases(raw, cases, scale)
        worker = FileWorker(raw, DEFAULT_RULES_DIR, model_dir, scratch / "parts")
        ordinary = discover_inputs(average_raw)
        for path in ordinary[:3]:  # warm up caches built on first use
            _time_file(worker, average_raw, path)
        total_wall = total_cpu = total_bytes = 0.0
        for path in ordinary:
            wall, cpu, _ = _time_file(worker, average_raw, path)
            total_wall, total_cpu, total_bytes = total_wall + wall, total_cpu + cpu, total_bytes + path.stat().st_size
        average = {"files": len(ordinary), "bytes": int(total_bytes), "seconds": round(total_wall, 3),
                   "cpu_seconds": round(total_cpu, 3), "seconds_per_mb": round(total_wall / (total_bytes / MB), 3),
                   "cpu_seconds_per_mb": round(total_cpu / (total_bytes / MB), 3)}
        rows = []
        for case in cases:
            path = paths[case.name]
            size = path.stat().st_size
            wall, cpu, info = _time_file(worker, raw, path)
            cpu_per_mb = cpu / (size / MB)
            rows.append({
                "name": case.name, "source": case.source, "bytes": size, "chars": len(case.text(scale)),
                "seconds": round(wall, 3), "cpu_seconds": round(cpu, 3), "seconds_per_mb": round(wall / (size / MB), 3),
                "cpu_seconds_per_mb": round(cpu_per_mb, 3),
                # CPU per MB against the average's: the machine's other tenants change it least
                "vs_average": round(cpu_per_mb / average["cpu_seconds_per_mb"], 2) if average["cpu_seconds_per_mb"] else None,
                "articles": info.articles, "mentions": info.mentions, "errors": info.errors,
                "within_limit": size >= MB or cpu <= LIMIT_SECONDS,
            })
        return {"limit_seconds": LIMIT_SECONDS, "model": str(model_dir) if model_dir else None,
                "average_of": str(average_raw), "average": average, "cases": rows}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def render(section: dict) -> str:
    a = section["average"]
    lines = [f"worst cases (one file each, in process; average of {a['files']} ordinary issues: "
             f"{a['seconds_per_mb']:.2f} s/MB wall, {a['cpu_seconds_per_mb']:.2f} s/MB cpu):",
             f"  {'case':<26} {'KB':>6} {'wall s':>7} {'cpu s':>6} {'wall s/MB':>9} {'cpu s/MB':>8} "
             f"{'cpu x avg':>9} {'mentions':>8}"]
    for r in section["cases"]:
        lines.append(f"  {r['name']:<26} {r['bytes'] / 1000:>6.0f} {r['seconds']:>7.2f} {r['cpu_seconds']:>6.2f} "
                     f"{r['seconds_per_mb']:>9.2f} {r['cpu_seconds_per_mb']:>8.2f} {r['vs_average'] or 0:>9.1f} "
                     f"{r['mentions']:>8,}"
                     + ("" if r["within_limit"] else f"  over {section['limit_seconds']:g} s of CPU"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipeline.tools.worst_cases", description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=str(ROOT / "models" / "ner"), help="NER model folder (none: structure only)")
    p.add_argument("--average", default=str(ROOT / "data" / "raw"), help="folder of ordinary issues for the average")
    p.add_argument("--only", nargs="*", help="case names")
    p.add_argument("--scale", type=float, default=1.0, help="repeat each phrase this much more or less")
    args = p.parse_args(argv)
    model = Path(args.model) if (Path(args.model) / "meta.json").exists() else None
    cases = [c for c in CASES if not args.only or c.name in args.only]
    section = time_cases(model, Path(args.average), cases, args.scale)
    print(render(section))
    return 0 if all(r["within_limit"] for r in section["cases"]) else 1


if __name__ == "__main__":
    sys.exit(main())
