"""Property-based tests of the text stages (issue 6): whatever the text,
`structure_issue` returns an Issue or a Failure, never raises, and every
article it yields points back into the source correctly.

Example counts are modest so the suite stays fast; raise them locally with
`HYPOTHESIS_PROFILE=thorough`.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract import structure_issue
from pipeline.records import Failure, Issue, SourceText
from pipeline.repair import split_lines

settings.register_profile(
    "fast", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "thorough", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

_WHITE = " \t\u3000\u00a0\ufeff\r\n"

# Pieces of a newspaper issue, to be glued in any order and amount.
FRAGMENTS = [
    "# ", "## ", "### ", "#### ", "#", "\n", "\n\n", "\r\n", "\r", " ", "  ", "\t", "\u3000",
    "株洲日报讯(记者/陈正明 通讯员/覃琳)1月7日,", "株洲日报·掌上株洲讯(全媒体记者/廖智勇)",
    "新华社北京2月16日电(记者张三)", "本报讯 ", "记者/何春林 摄", "通讯员供图", "芦淞区委宣传部 供图",
    "株洲日报全媒体记者/廖明 通讯员/崔林", "记者/", "摄", "►下转 02版", "◀◀上接01版", "(下转第3版)",
    "扫一扫关注株洲日报社新媒体", "天台快评", "关于征集项目建议的公告", "渌口区五中学生",
    "株洲日报", "2023年2月17日 星期五", "癸卯年正月廿七 第23219期 今日8版",
    "党员干 部", "市民在广场上观看演出。", "春节期间,", "——副标题", "> ", "|", "(", ")", "，", "。",
    "王", "张三", "12月4日下午,", "近日,", "2023年", "表格\t单元\t数据",
]

newspaper_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=60
).map("".join)
any_text = st.text(max_size=400)


def source(text: str) -> SourceText:
    return SourceText(source_file="p/x.txt", sha256="0" * 64, text=text, encoding="utf-8")


def check(text: str, rules) -> None:
    result = structure_issue(source(text), rules)
    assert isinstance(result, (Issue, Failure))
    if isinstance(result, Failure):
        assert result.severity == "error" and result.reason and "\n" not in result.reason
        return
    for w in result.warnings:
        assert w.severity == "warning" and w.reason and "\n" not in w.reason
    n = len(text)
    seqs = [a.seq for a in result.articles]
    assert seqs == list(range(1, len(seqs) + 1))
    for a in result.articles:
        assert 0 <= a.raw_start <= a.raw_end <= n, (a.raw_start, a.raw_end, n)
        assert len(a.body_offsets) == len(a.body)
        for ch, off in zip(a.body, a.body_offsets):
            assert 0 <= off < n or (ch == "\n" and 0 <= off <= n), (ch, off, n)
            if ch == "\n":
                continue  # an inserted paragraph break carries its neighbour's offset
            if ch == " ":
                assert text[off] in _WHITE, (off, text[off])  # collapsed white space
            else:
                assert text[off] == ch, (ch, off, text[off])
        if a.body:
            assert a.raw_start <= min(a.body_offsets) and max(a.body_offsets) <= a.raw_end
        for b in a.bylines:
            assert b.name and "\n" not in b.name


@given(any_text)
def test_any_unicode_text(rules, text):
    check(text, rules)


@given(newspaper_text)
def test_newspaper_like_text(rules, text):
    check(text, rules)


@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=30).map("".join))
def test_fragments_only(rules, text):
    check(text, rules)


@given(newspaper_text)
def test_lines_index_the_text(text):
    for line in split_lines(text):
        assert text[line.start : line.start + len(line.text)] == line.text
        assert "\r" not in line.text and "\n" not in line.text
