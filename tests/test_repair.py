from pipeline.records import MappedText
from pipeline.repair import (drop_repeated_blocks, headline_text, is_cut, remove_layout_spaces,
                             split_lines)


def repaired(text: str, start: int = 0) -> MappedText:
    return remove_layout_spaces(MappedText.from_source(text, start))


def test_column_wrap_spaces_inside_chinese_are_removed_with_offsets_kept():
    source = "xx组织全体党员干 部,赴韶山开展学 习活动"
    out = repaired(source[2:], 2)
    assert out.text == "组织全体党员干部,赴韶山开展学习活动"
    assert all(source[o] == c for c, o in zip(out.text, out.offsets))


def test_spaces_between_latin_words_stay_and_runs_collapse():
    assert repaired("演出《舞之魂  Spirit of dance》").text == "演出《舞之魂 Spirit of dance》"
    assert repaired("发挥社会组织 and 志愿者作用").text == "发挥社会组织 and 志愿者作用"
    assert repaired("11月12 日, 记者获悉").text == "11月12日,记者获悉"


def test_headline_keeps_phrase_gaps_and_drops_ocr_spaces():
    assert headline_text("## 守好绿水青山 建设美丽乡村") == "守好绿水青山 建设美丽乡村"
    assert headline_text("建 设 新  城区 ,再出发") == "建设新城区,再出发"
    assert headline_text("关于征集 2025 年民生实事的公告") == "关于征集2025年民生实事的公告"
    assert headline_text("荣获 “全省文明城市”") == "荣获“全省文明城市”"


def test_split_lines_handles_every_line_end_and_counts_blanks():
    text = "甲\r\n\r\n乙  \n丙\r丁"
    lines = split_lines(text)
    assert [l.text for l in lines] == ["甲", "乙  ", "丙", "丁"]
    assert [l.blank_before for l in lines] == [0, 1, 0, 0]
    assert lines[2].hard_break and not lines[3].hard_break
    assert all(text[l.start:l.start + len(l.text)] == l.text for l in lines)


def test_is_cut(rules):
    assert is_cut("这是一段被版面切断的", rules.sentence_end)
    assert not is_cut("这是完整的一句话。", rules.sentence_end)
    assert not is_cut("他说:“好。”", rules.sentence_end)


def test_a_run_printed_twice_is_kept_once():
    paras = ["小标题", "第一段内容。", "第二段内容。", "小 标题", "第一段内容。", "第二段内容。", "结尾。"]
    assert drop_repeated_blocks(paras) == [0, 1, 2, 6]
    assert drop_repeated_blocks(["好。", "好。"]) == [0, 1]  # a short single repeat is not a block
