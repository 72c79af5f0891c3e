"""`make sizes`: the disk each install takes, measured in fresh virtualenvs.

    python -m pipeline.tools.install_sizes docs/install_sizes.json

Makes a virtualenv with the runtime only (what `make extract` installs: the
package and its dependencies), measures it, then, for each extra the
Makefile installs for some command, a copy of it with that extra added, and
measures what the extra adds. Writes the figures as JSON (rendered into the
README by `make docs`) with the runtime's package list and a fingerprint of
pyproject.toml's requirements: tests/test_docs.py fails when the
requirements change and the sizes were not measured again. Needs the package
registry (pip's cache makes a rerun quick); takes a few minutes.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WHEELS = ROOT / ".cache" / "wheels"

# (commands, what they install, the extras on top of the runtime); the first row is the runtime itself.
ROWS = (
    ("`make extract`, `make report`, `make model`, `make dictionary`", "the runtime: spaCy, pandas, pyarrow, "
     "matplotlib, networkx, mplfonts (the CJK font), fontTools and brotli (the report's embedded font), tqdm, regex, "
     "python-crfsuite (the NER's person model)", ()),
    ("`make test`", "extras `test` (pytest, hypothesis, Dask, nbclient, ipykernel, DuckDB, Pillow, frictionless) "
     "and `baselines` (the suite tests them too)", ("test", "baselines")),
    ("`make eval BASELINES=1`, `make docs`", "extra `baselines`: jieba and THULAC", ("baselines",)),
    ("`make bench`", "extra `bench`: jieba (the POS-tagger baseline)", ("bench",)),
    ("`make notebook`", "extra `notebook`: JupyterLab, DuckDB", ("notebook",)),
    ("`make extract ENGINE=dask`", "extra `dask`: dask[distributed]", ("dask",)),
)
# Registry files `make model` downloads into .cache/wheels and reads without installing.
MODEL_DOWNLOADS = ("jionlp-*.whl", "jieba-*.tar.gz", "cpca-*.whl")


def requirements_fingerprint(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """Changes when the runtime's or an extra's requirements change."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    wanted = {"dependencies": project.get("dependencies", []),
              "optional-dependencies": project.get("optional-dependencies", {})}
    return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()[:16]


def tree_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in Path(folder).rglob("*") if p.is_file() or p.is_symlink())


def _pip(venv: Path, *args: str) -> None:
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *args], check=True)


def _packages(venv: Path) -> list[str]:
    listed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"], check=True,
                            capture_output=True, text=True).stdout
    return sorted(p["name"].lower() for p in json.loads(listed))


def measure(work: Path) -> dict:
    """Build the virtualenvs under `work` and return the figures."""
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    base = work / "runtime"
    say("runtime: a fresh virtualenv with `pip install -e .` ...")
    subprocess.run([sys.executable, "-m", "venv", str(base)], check=True)
    _pip(base, "--upgrade", "pip")
    _pip(base, "-e", str(ROOT))
    base_bytes = tree_bytes(base)
    rows = [{"commands": ROWS[0][0], "what": ROWS[0][1], "extra": None, "mb": round(base_bytes / 1e6, 1)}]
    for commands, what, extras in ROWS[1:]:
        venv = work / "-".join(extras)
        say(f"{'+'.join(extras)}: the runtime's virtualenv copied, with `pip install -e .[{','.join(extras)}]` ...")
        shutil.copytree(base, venv, symlinks=True)
        _pip(venv, "-e", f"{ROOT}[{','.join(extras)}]")
        rows.append({"commands": commands, "what": what, "extra": ",".join(extras),
                     "mb": round((tree_bytes(venv) - base_bytes) / 1e6, 1)})
        shutil.rmtree(venv)
    downloads = sorted(p for pattern in MODEL_DOWNLOADS for p in WHEELS.glob(pattern))
    figures = {"python": platform.python_version(), "requirements": requirements_fingerprint(),
               "rows": rows, "runtime_packages": _packages(base)}
    if downloads:
        figures["model_downloads"] = {"files": [p.name for p in downloads],
                                      "mb": round(sum(p.stat().st_size for p in downloads) / 1e6, 1)}
    return figures


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    target = Path(args[0] if args else "docs/install_sizes.json")
    with tempfile.TemporaryDirectory(prefix="install-sizes-") as work:
        figures = measure(Path(work))
    target.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for row in figures["rows"]:
        print(f"{row['mb']:>8,.0f} MB  {row['commands']}")
    print(f"written to {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
