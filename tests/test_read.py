import codecs

import pytest

from pipeline.read import ReadError, decode_issue_bytes, read_issue

TEXT = "株洲日报讯(记者/王小明)3月1日,我市召开会议。\n"


@pytest.mark.parametrize("data,encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gb18030"), "gb18030"),
    (TEXT.encode("utf-16"), "utf-16"),
])
def test_encodings_are_detected(data, encoding):
    text, found, warnings = decode_issue_bytes(data)
    assert text == TEXT and found == encoding and warnings == ()


def test_line_ends_are_kept_so_offsets_index_the_decoded_text():
    text, _, _ = decode_issue_bytes("甲\r\n乙\r丙".encode())
    assert text == "甲\r\n乙\r丙"


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"  \n\n", "only white space"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text: binary content (NUL byte) at byte 8"),
])
def test_unreadable_files_get_a_one_line_reason(data, reason):
    with pytest.raises(ReadError) as err:
        decode_issue_bytes(data)
    assert err.value.reason == reason


def test_latin1_noise_is_not_taken_for_gb18030():
    with pytest.raises(ReadError) as err:
        decode_issue_bytes(bytes(range(0x80, 0x100)) * 4)
    assert err.value.reason.startswith("undecodable")


def test_truncated_utf8_is_read_with_a_warning():
    text, encoding, warnings = decode_issue_bytes(TEXT.encode("utf-8") + "报".encode("utf-8")[:2])
    assert text == TEXT and warnings == ("truncated UTF-8: last 2 byte(s) dropped",)


def test_read_issue_paths_are_relative_to_raw(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "a.txt"
    path.write_bytes(TEXT.encode("gb18030"))
    source = read_issue(path, tmp_path)
    assert source.source_file == "sub/a.txt" and source.encoding == "gb18030"
    assert len(source.issue_id) == 16 and source.sha256.startswith(source.issue_id)
