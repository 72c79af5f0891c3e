"""Stage `read`: bytes on disk -> decoded `SourceText`, or a clear reason why not.

Encodings are detected, never guessed silently: UTF-8 (with or without BOM),
UTF-16 with a BOM, UTF-16 without one when the 2-byte units are mostly Chinese
and ASCII (with a warning), and GB18030 (which covers GBK and GB2312) when the
bytes are not UTF-8 and decode to mostly Chinese text. Line ends are kept as
printed (`\\r\\n`, `\\r`, `\\n`) so raw offsets index the decoded text exactly.

A file is read once (`read_file`): its sha256 and its text come from the same
bytes, whatever happens to the file afterwards. An HTML page has its tags
blanked out (same length, so offsets still index the decoded text) with a
warning; text that is mostly neither Chinese, ASCII nor punctuation gets a
warning (a wrong encoding, or not a Chinese paper).
"""

from __future__ import annotations

import codecs
import hashlib
import html
import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import regex

from .records import SourceText

# Refuse files larger than this: an issue is ~20 KB; 4 MB is two hundred
# issues glued into one file or not an issue at all. The check is made on the
# file size, before reading, so a huge file costs no memory.
MAX_BYTES = 4 * 1024 * 1024
# Refuse text with a line longer than this (characters): a printed paragraph is
# a few hundred; a longer line is a dump, and would only make the text stages
# slow and memory-hungry for nothing.
MAX_LINE_CHARS = 100_000
_LINE_END = regex.compile(r"\r\n|\r|\n")

_HAN = regex.compile(r"\p{Han}")
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Characters no Chinese newspaper text is made of: not Han, not white space,
# not ASCII, not the punctuation, symbols, enclosed numbers and full-width forms
# such papers print (U+2000-2BFF: punctuation, arrows, □, ①, ►; U+3000-33FF:
# CJK punctuation and enclosed forms; U+FF00-FFEF: full-width forms).
_FOREIGN = regex.compile(
    r"[^\p{Han}\s\x21-\x7e\u00a0-\u00bf\u00d7\u00f7\u2000-\u2bff\u3000-\u33ff\ufe30-\ufe4f\uff00-\uffef\ufeff]")
_SPACE_CHARS = regex.compile(r"\s")
# Above this share of foreign characters the text is "mostly not Chinese".
MOSTLY_FOREIGN = 0.5
# UTF-16 without a byte-order mark is accepted only when nearly all of it reads as text.
UTF16_MAX_FOREIGN = 0.05
# A UTF-16 text after a BOM may have this share of unassigned or private-use characters.
MAX_UNASSIGNED = 0.02
SAMPLE_CHARS = 65536  # the share of foreign or control characters is measured on this much text


class ReadError(Exception):
    """The file cannot be read as an issue; `reason` is one line for a person."""

    def __init__(self, reason: str, sha256: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.sha256 = sha256


# -- file names ------------------------------------------------------------------

_UNSHOWABLE = regex.compile(r"[\udc80-\udcff\x00-\x1f\x7f]")


def source_name(path: Path, raw_dir: Path) -> str:
    """`path` relative to RAW as `source_file` shows it: forward slashes; bytes
    that are not UTF-8 (`caf\\xe9.txt`) and control characters as visible
    `\\xNN` escapes, so any name can be stored, printed and compared."""
    rel = Path(path).relative_to(raw_dir).as_posix()
    return _UNSHOWABLE.sub(lambda m: f"\\x{ord(m.group()) & 0xFF:02x}", rel)


# -- bytes -------------------------------------------------------------------------

@dataclass(frozen=True)
class RawFile:
    """The bytes of a file, read once, and the state of the file they were read in."""

    data: bytes
    # (size, mtime_ns, ctime_ns, inode) from the open file before reading: a
    # rerun that finds the same state may reuse what these bytes gave.
    state: tuple[int, int, int, int]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def file_state(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def read_file(path: Path) -> RawFile:
    """Open, check and read a file once. Raises ReadError.

    Opened without blocking and checked on the open descriptor, so a pipe or
    device is refused without being read, even one swapped in after listing;
    a file that grows past the limit while being read is refused too.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise ReadError(f"cannot read: {err.strerror or err}") from None
    with os.fdopen(fd, "rb") as f:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise ReadError("not a regular file (a pipe, socket or device): skipped")
            if info.st_size > MAX_BYTES:
                raise ReadError(f"too large: {info.st_size:,} bytes (limit {MAX_BYTES:,})")
            data = f.read(MAX_BYTES + 1)
        except OSError as err:
            raise ReadError(f"cannot read: {err.strerror or err}") from None
    if len(data) > MAX_BYTES:
        raise ReadError(f"too large: over {MAX_BYTES:,} bytes (it grew while being read)")
    return RawFile(data, file_state(info))


# -- decoding ----------------------------------------------------------------------

def foreign_share(text: str) -> float:
    """Share of the non-space characters (of the first SAMPLE_CHARS) that are
    neither Chinese, ASCII, nor punctuation and symbols Chinese papers print."""
    sample = text[:SAMPLE_CHARS]
    visible = len(sample) - len(_SPACE_CHARS.findall(sample))
    return len(_FOREIGN.findall(sample)) / visible if visible else 0.0


def decode_issue_bytes(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Decode raw bytes -> (text, encoding, warnings). Raises ReadError."""
    if not data.strip():
        raise ReadError("empty file" if not data else "only white space")
    warnings: list[str] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _decode_utf16_with_bom(data), "utf-16"
    elif b"\x00" in data:
        found = _utf16_without_bom(data)
        if found is None:
            raise ReadError(f"not text: binary content (NUL byte) at byte {data.find(bytes(1))}")
        text, encoding = found
        warnings.append(f"UTF-16 without a byte-order mark: read as {encoding.upper()}")
    else:
        text, encoding, warning = _decode_utf8_or_gb18030(data)
        warnings.extend([warning] if warning else [])
    controls = len(_CONTROL.findall(text[:SAMPLE_CHARS]))
    if controls > max(8, len(text[:SAMPLE_CHARS]) // 100):
        first = _CONTROL.search(text)
        raise ReadError(f"not text: {controls} control characters, the first at character {first.start()}")
    if looks_like_html(text):
        text, tags = blank_html(text)
        warnings.append(f"an HTML page: {tags:,} tags blanked out, the text between them read")
    if len(text) > MAX_LINE_CHARS:
        for number, line in enumerate(_LINE_END.split(text), 1):
            if len(line) > MAX_LINE_CHARS:
                raise ReadError(
                    f"not an issue: line {number} is {len(line):,} characters long (limit {MAX_LINE_CHARS:,})")
    share = foreign_share(text)
    if share > MOSTLY_FOREIGN:
        warnings.append(f"mostly not Chinese text: {share:.0%} of the characters are neither Chinese, "
                        f"ASCII nor punctuation (read as {encoding}; a wrong encoding?)")
    return text, encoding, tuple(warnings)


def _decode_utf16_with_bom(data: bytes) -> str:
    """UTF-16 after its BOM; refused when what follows is no UTF-16 text (the
    two bytes FF FE or FE FF begin binary files too)."""
    bom = data[:2].hex(" ").upper()
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError as err:
        if err.start > 64 and unassigned_share(data[: err.start - err.start % 2].decode("utf-16")) <= MAX_UNASSIGNED:
            raise ReadError(f"broken UTF-16 at byte {err.start}") from None
        raise ReadError(f"not text: starts with a UTF-16 byte-order mark ({bom}), "
                        f"but is no UTF-16 (invalid at byte {err.start})") from None
    share = unassigned_share(text)
    if share > MAX_UNASSIGNED:
        raise ReadError(f"not text: starts with a UTF-16 byte-order mark ({bom}), but {share:.0%} of what "
                        "follows decodes to unassigned or private-use characters")
    return text


def unassigned_share(text: str) -> float:
    """Share of the characters (of the first SAMPLE_CHARS) that no text of any
    language has: unassigned code points and private use. Random bytes read as
    UTF-16 give about a quarter; text in any script, none."""
    sample = text[:SAMPLE_CHARS]
    return sum(unicodedata.category(c) in ("Cn", "Co") for c in sample) / len(sample) if sample else 0.0


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when the bytes read as UTF-16 text in one byte order: the
    2-byte units are nearly all Chinese, ASCII and punctuation; else None."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:SAMPLE_CHARS]
        if not _CONTROL.search(sample) and foreign_share(sample) <= UTF16_MAX_FOREIGN:
            return text, encoding
    return None


def _decode_utf8_or_gb18030(data: bytes) -> tuple[str, str, str | None]:
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return data.decode(encoding), encoding, None
    except UnicodeDecodeError as err:
        if err.start >= len(data) - 3 and err.reason == "unexpected end of data":
            # A UTF-8 file cut in the middle of its last character.
            return data[: err.start].decode(encoding), encoding, f"truncated UTF-8: last {len(data) - err.start} byte(s) dropped"
        utf8_error_at = err.start
    found = _utf16_without_bom(data)  # UTF-16 of Chinese text alone has no NUL byte
    if found is not None:
        return found[0], found[1], f"UTF-16 without a byte-order mark: read as {found[1].upper()}"
    return _decode_gb18030(data, utf8_error_at), "gb18030", None


def _decode_gb18030(data: bytes, utf8_error_at: int) -> str:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError(
            f"undecodable: not UTF-8 (invalid byte at {utf8_error_at}) and not GB18030 text"
        ) from None
    non_ascii = [c for c in text[:20000] if ord(c) > 127]
    han = sum(1 for c in non_ascii if _HAN.match(c))
    if non_ascii and han / len(non_ascii) < 0.6:
        raise ReadError(
            f"undecodable: not UTF-8 (invalid byte at {utf8_error_at}); as GB18030 it is not Chinese text"
        )
    return text


# -- HTML ----------------------------------------------------------------------------

_HTML_PAGE = regex.compile(r"(?:\s|<\?xml[^<>]*>|<!--[^<>]*-->)*<(?:!doctype\s+html|html|head|body|meta)\b", regex.I)
# A tag, a declaration or a processing instruction; `[^<>]*` stops at the next
# `<`, so no character is scanned more than twice.
_TAG = regex.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*>|<[!?][^<>]*>")
_ENTITY = regex.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Tags that end a line of text where they stand.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr "
    "li main nav ol p pre section table tbody td th thead title tr ul".split())
# Elements whose content is no text a reader sees.
_HIDDEN = {"script": regex.compile(r"</script\s*>", regex.I), "style": regex.compile(r"</style\s*>", regex.I)}


def looks_like_html(text: str) -> bool:
    """An HTML page: it begins (after white space, an XML prolog or a comment)
    with a doctype or an <html>, <head>, <body> or <meta> tag."""
    return bool(_HTML_PAGE.match(text[:4096].lstrip("\ufeff")))


def blank_html(text: str) -> tuple[str, int]:
    """(text with every tag, comment, script and style replaced by spaces of the
    same length, a block tag by a line break, an entity by its character; the
    number of tags). The length and the place of every other character stay,
    so raw offsets index the decoded file."""
    out: list[str] = []
    at = tags = 0
    while True:
        lt = text.find("<", at)
        if lt < 0:
            break
        if text.startswith("<!--", lt):
            close = text.find("-->", lt + 4)
            end = len(text) if close < 0 else close + 3
            block = False
        else:
            m = _TAG.match(text, lt)
            if not m:
                out.append(_unescape(text[at:lt + 1]))
                at = lt + 1
                continue
            name = (m.group(2) or "").lower()
            end, block = m.end(), name in _BLOCK_TAGS
            if name in _HIDDEN and not m.group(1):
                close = _HIDDEN[name].search(text, end)
                end = len(text) if close is None else close.end()
        out.append(_unescape(text[at:lt]))
        out.append(_blank(text[lt:end], block))
        tags += 1
        at = end
    out.append(_unescape(text[at:]))
    return "".join(out), tags


def _blank(markup: str, block: bool) -> str:
    """Spaces for markup, keeping its line ends (so line numbers stay); a block
    tag starts a new line."""
    blanked = regex.sub(r"[^\r\n]", " ", markup)
    return ("\n" + blanked[1:]) if block and blanked and blanked[0] == " " else blanked


def _unescape(text: str) -> str:
    """Entities -> their character followed by spaces to the entity's length."""
    def one(m: regex.Match) -> str:
        char = html.unescape(m.group())
        if char == m.group() or len(char) > len(m.group()):
            return m.group()
        if char == "\xa0":
            char = " "
        return char + " " * (len(m.group()) - len(char))
    return _ENTITY.sub(one, text) if "&" in text else text


# -- a whole file ----------------------------------------------------------------------

def decode_source(source_file: str, raw: RawFile) -> SourceText:
    """Decode the bytes of one file. Raises ReadError (with the sha256)."""
    sha = raw.sha256
    try:
        text, encoding, warnings = decode_issue_bytes(raw.data)
    except ReadError as err:
        raise ReadError(err.reason, sha) from None
    return SourceText(source_file=source_file, sha256=sha, text=text, encoding=encoding, decode_warnings=warnings)


def read_issue(path: Path, raw_dir: Path) -> SourceText:
    """Read and decode one issue file. `source_file` is the path relative to `raw_dir`."""
    return decode_source(source_name(path, raw_dir), read_file(path))
