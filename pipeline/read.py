"""Stage `read`: bytes on disk -> decoded `SourceText`, or a clear reason why not.

Encodings are detected, never guessed silently: UTF-8 (with or without BOM),
UTF-16 with a BOM, and GB18030 (which covers GBK and GB2312) when the bytes
are not UTF-8 and decode to mostly Chinese text. Line ends are kept as printed
(`\\r\\n`, `\\r`, `\\n`) so raw offsets index the decoded text exactly.
"""

from __future__ import annotations

import codecs
import hashlib
import stat
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


class ReadError(Exception):
    """The file cannot be read as an issue; `reason` is one line for a person."""

    def __init__(self, reason: str, sha256: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.sha256 = sha256


def decode_issue_bytes(data: bytes) -> tuple[str, str, str | None]:
    """Decode raw bytes -> (text, encoding, warning or None). Raises ReadError."""
    if not data.strip():
        raise ReadError("empty file" if not data else "only white space")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError as err:
            raise ReadError(f"broken UTF-16 at byte {err.start}") from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ReadError(f"not text: binary content (NUL byte) at byte {nul}")
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    warning = None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        if err.start >= len(data) - 3 and err.reason == "unexpected end of data":
            # A UTF-8 file cut in the middle of its last character.
            text = data[: err.start].decode(encoding)
            warning = f"truncated UTF-8: last {len(data) - err.start} byte(s) dropped"
        else:
            text = _decode_gb18030(data, err.start)
            encoding = "gb18030"
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > max(8, len(text[:65536]) // 100):
        first = _CONTROL.search(text)
        raise ReadError(f"not text: {controls} control characters, the first at character {first.start()}")
    if len(text) > MAX_LINE_CHARS:
        for number, line in enumerate(_LINE_END.split(text), 1):
            if len(line) > MAX_LINE_CHARS:
                raise ReadError(
                    f"not an issue: line {number} is {len(line):,} characters long (limit {MAX_LINE_CHARS:,})")
    return text, encoding, warning


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


def read_issue(path: Path, raw_dir: Path) -> SourceText:
    """Read one issue file. `source_file` is the path relative to `raw_dir`."""
    rel = path.relative_to(raw_dir).as_posix()
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ReadError("not a regular file (a pipe, socket or device): skipped")
        size = info.st_size
        if size > MAX_BYTES:
            raise ReadError(f"too large: {size:,} bytes (limit {MAX_BYTES:,})")
        data = path.read_bytes()
    except ReadError:
        raise
    except OSError as err:
        raise ReadError(f"cannot read: {err.strerror or err}") from None
    sha = hashlib.sha256(data).hexdigest()
    try:
        text, encoding, warning = decode_issue_bytes(data)
    except ReadError as err:
        raise ReadError(err.reason, sha) from None
    return SourceText(source_file=rel, sha256=sha, text=text, encoding=encoding, decode_warning=warning)
