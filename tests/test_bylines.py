import pytest

from pipeline.bylines import find_credit, is_byline_line, parse_dateline


def names(bylines):
    return [(b.name, b.role, b.credit) for b in bylines]


@pytest.mark.parametrize("text,source,dateline,people", [
    ("株洲日报·掌上株洲讯(记者/王小明)1月7日,会议召开。", "株洲日报·掌上株洲讯", "1月7日", [("王小明", "记者")]),
    ("株洲日报讯(全媒体记者/李华 赵强 通讯员/孙丽) 12月4日下午,记者获悉", "株洲日报讯", "12月4日下午",
     [("李华", "全媒体记者"), ("赵强", "全媒体记者"), ("孙丽", "通讯员")]),
    ("株洲日报讯(记者刘芳 实习生陈晨)日前,我市……", "株洲日报讯", "日前", [("刘芳", "记者"), ("陈晨", "实习生")]),
    ("本报讯 根据《办法》,结果揭晓。", "本报讯", None, []),
    ("新华社电 国务院常务会议3月1日召开,研究……", "新华社电", None, []),
    ("株洲日报讯(记者/周敏) 按照统一安排,3月2日,……", "株洲日报讯", None, [("周敏", "记者")]),
    ("株洲日报讯(记者/周敏) 11月12 日,活动举行", "株洲日报讯", "11月12日", [("周敏", "记者")]),
])
def test_datelines(rules, text, source, dateline, people):
    d = parse_dateline(text, rules)
    assert (d.source, d.dateline) == (source, dateline)
    assert [(b.name, b.role) for b in d.bylines] == people


def test_agency_dateline_with_place_and_date(rules):
    d = parse_dateline("新华社北京3月5日电(记者张伟)今天上午,……", rules)
    assert (d.source, d.place, d.dateline) == ("新华社电", "北京", "3月5日")
    assert names(d.bylines) == [("张伟", "记者", "byline")]


def test_a_sentence_is_not_a_dateline(rules):
    assert parse_dateline("株洲日报社新媒体中心发布消息,……", rules) is None


@pytest.mark.parametrize("text,people", [
    ("株洲日报·掌上株洲记者王丽 通讯员赵刚", [("王丽", "记者"), ("赵刚", "通讯员")]),
    ("株洲日报全媒体记者/何平 通讯员/林青", [("何平", "全媒体记者"), ("林青", "通讯员")]),
    ("记者王丽通讯员赵刚", [("王丽", "记者"), ("赵刚", "通讯员")]),
])
def test_byline_paragraphs(rules, text, people):
    assert is_byline_line(text, rules)
    from pipeline.bylines import parse_names
    assert [(b.name, b.role) for b in parse_names(text, "byline", rules)] == people


def test_a_group_author_line_is_no_byline(rules):
    assert not is_byline_line("石峰区某中学学生", rules)


@pytest.mark.parametrize("text,caption_end,people", [
    ("志愿者正在清扫街道。 记者/王丽 摄", 11, [("王丽", "记者")]),
    ("株洲日报·掌上株洲记者/何平 翻拍", 0, [("何平", "记者")]),
    ("株洲日报全媒体记者/何平 通讯员/林青 摄", 0, [("何平", "全媒体记者"), ("林青", "通讯员")]),
    ("修缮前后对比。通讯员供图", 7, []),
    ("新桥通车。 天元区委宣传部 供图", 6, []),
])
def test_photo_credits(rules, text, caption_end, people):
    credit = find_credit(text, rules)
    assert credit.start == caption_end
    assert [(b.name, b.role) for b in credit.bylines] == people
    assert all(b.credit == "photo" for b in credit.bylines)


def test_a_sentence_ending_in_a_verb_is_no_credit(rules):
    assert find_credit("游客们纷纷拿出手机拍摄", rules) is None


def test_markers_bullets_and_parentheses_in_byline_paragraphs(rules):
    from pipeline.bylines import parse_names
    assert is_byline_line("□本报记者 王五 通讯员 赵六", rules)
    assert is_byline_line("(株洲日报全媒体记者 王五)", rules)
    assert is_byline_line("文/张三 图/李四", rules)
    assert names(parse_names("文/张三 图/李四", "byline", rules)) == [("张三", None, "byline"), ("李四", None, "photo")]
    assert names(parse_names("文/图 王五", "byline", rules)) == [("王五", None, "byline"), ("王五", None, "photo")]
    assert names(parse_names("通讯员/文轶然", "byline", rules)) == [("文轶然", "通讯员", "byline")]
    assert not is_byline_line("文明创建", rules)


def test_unparenthesised_byline_and_agency_quoted_with_ju(rules):
    d = parse_dateline("株洲日报讯 记者 张三 报道:3月1日,会议召开。", rules)
    assert (d.source, d.dateline, names(d.bylines)) == ("株洲日报讯", "3月1日", [("张三", "记者", "byline")])
    d = parse_dateline("据新华社电 国务院常务会议召开。", rules)
    assert d.source == "新华社电"
