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


# -- datelines of any outlet (snippets written for the tests) ------------------

@pytest.mark.parametrize("text,source,dateline,people", [
    ("红网平江县分站6月3日讯(通讯员 李小红)6月2日,平江县召开会议。", "红网平江县分站6月3日讯", "6月2日",
     [("李小红", "通讯员", "byline")]),
    ("华声在线湘潭频道5月8日讯(通讯员 周一 吴二 郑三)5月7日上午,新路通车。", "华声在线湘潭频道5月8日讯", "5月7日上午",
     [("周一", "通讯员", "byline"), ("吴二", "通讯员", "byline"), ("郑三", "通讯员", "byline")]),
    ("湖南日报·新湖南客户端4月2日讯(记者 王大明 通讯员 刘小)今天,记者来到…", "湖南日报·新湖南客户端4月2日讯", "今天",
     [("王大明", "记者", "byline"), ("刘小", "通讯员", "byline")]),
    ("某县融媒体中心3月3日讯(全媒体记者 唐某某)今天上午,大会开幕。", "某县融媒体中心3月3日讯", "今天上午",
     [("唐某某", "全媒体记者", "byline")]),
    ("山城晚报讯(融媒体记者 丁一)昨日,活动举行。", "山城晚报讯", "昨日", [("丁一", "融媒体记者", "byline")]),
    ("晚报讯日前,某村的水泥路通车。", "晚报讯", "日前", []),
    ("本报湖州2月5日电 今天上午10时许,选举开始。", "本报湖州2月5日电", "今天上午10时许", []),
    ("某某网/某某头条客户端讯 陈小红、记者李大明报道:雨后的田野…", "某某网/某某头条客户端讯", None,
     [("陈小红", None, "byline"), ("李大明", "记者", "byline")]),
    ("某市新闻网讯 某市日报记者赵某某报道:5月6日,市长到园区调研。", "某市新闻网讯", "5月6日",
     [("赵某某", "记者", "byline")]),
    ("江城日报全媒体讯(李大桑)9月1日,调研组来到某县。", "江城日报全媒体讯", "9月1日", [("李大桑", None, "byline")]),
])
def test_datelines_of_other_outlets(rules, text, source, dateline, people):
    d = parse_dateline(text, rules)
    assert (d.source, d.dateline, names(d.bylines)) == (source, dateline, people)


@pytest.mark.parametrize("text,dateline", [
    ("本报讯(记者 王一)3月8日至9日,会议召开。", "3月8日至9日"),
    ("本报讯(记者 王一)6月2日9时至11时,开放日活动举行。", "6月2日9时至11时"),
    ("本报讯(记者 王一)国庆节期间,全警在岗。", "国庆节期间"),
    ("本报讯(记者 王一)“五一”假期,景区火热。", "“五一”假期"),
    ("本报讯(记者 王一)昨(12)日,视察组出发。", "昨(12)日"),
    ("本报讯(记者 王一)18日,省长会见客人。", "18日"),
    ("本报讯(记者 王一)2021年12月30日,大会召开。", "2021年12月30日"),
    ("本报讯 昨天是周末,书记前往某县调研。", "昨天"),
    ("本报讯 按照统一部署,5月1日,检查开始。", None),
    ("本报讯 又是一年春来到,村民忙春耕。", None),
])
def test_time_phrases(rules, text, dateline):
    assert parse_dateline(text, rules).dateline == dateline


@pytest.mark.parametrize("text", [
    "通讯录显示,该公司共有员工30人。",
    "喜讯传来,全村人都很高兴。",
    "某市电网公司电力抢修队连夜出发。",
    "网讯科技公司发布新产品。",
])
def test_words_ending_in_xun_or_dian_are_no_source(rules, text):
    assert parse_dateline(text, rules) is None


def test_a_lead_in_without_a_source_gives_its_bylines_only(rules):
    d = parse_dateline("某某网消息(记者 李小晨)“这是我们手绘的图。”2月9日,活动走进某县。", rules)
    assert (d.source, d.dateline, names(d.bylines)) == (None, None, [("李小晨", "记者", "byline")])
    assert d.body_start == d.body_start and "某某网" not in "某某网消息(记者 李小晨)“这是"[d.body_start:]
    d = parse_dateline("红网综合 据某某日报报道(记者 姚一 实习生 刘二)一条隧道连起两城。", rules)
    assert (d.source, names(d.bylines)) == (None, [("姚一", "记者", "byline"), ("刘二", "实习生", "byline")])
    # without its bracket of bylines a lead-in is ordinary text
    assert parse_dateline("据某某日报报道,全市新增企业300家。", rules) is None


@pytest.mark.parametrize("inner,people", [
    ("长江信息报记者段某 通讯员严某某", [("段某", "记者", "byline"), ("严某某", "通讯员", "byline")]),
    ("《某州报》全媒体记者 符某某", [("符某某", "全媒体记者", "byline")]),
    ("YMG全媒体记者 吕某某 摄影报道", [("吕某某", "全媒体记者", "photo")]),
    ("通讯员 黄 丰 摄影报道", [("黄丰", "通讯员", "photo")]),
    ("陈某梅 摄影 张某玲", [("陈某梅", None, "byline"), ("张某玲", None, "photo")]),
    ("陶某宁 某市新闻传媒集团记者石某某", [("陶某宁", None, "byline"), ("石某某", "记者", "byline")]),
    ("某州分站记者 陈某", [("陈某", "分站记者", "byline")]),
    ("某北日报 记者张某峰", [("张某峰", "记者", "byline")]),
])
def test_bracketed_bylines_of_any_paper(rules, inner, people):
    d = parse_dateline(f"本报讯({inner})会议召开。", rules)
    assert names(d.bylines) == people


@pytest.mark.parametrize("text,people", [
    ("■文/图  本报记者  胡某华", [("胡某华", "记者", "byline"), ("胡某华", "记者", "photo")]),
    ("文/图 本报全媒体记者 张 谨 陈 昊", [("张谨", "全媒体记者", "byline"), ("张谨", "全媒体记者", "photo"),
                                       ("陈昊", "全媒体记者", "byline"), ("陈昊", "全媒体记者", "photo")]),
    ("□融媒体记者 陈某华 许某梅 实习生 王某煌 文/图",
     [("陈某华", "融媒体记者", "byline"), ("陈某华", "融媒体记者", "photo"), ("许某梅", "融媒体记者", "byline"),
      ("许某梅", "融媒体记者", "photo"), ("王某煌", "实习生", "byline"), ("王某煌", "实习生", "photo")]),
    ("○○通讯员钟某金", [("钟某金", "通讯员", "byline")]),
    ("首席记者: 唐某刚", [("唐某刚", "首席记者", "byline")]),
    ("通讯员 李某某 报道", [("李某某", "通讯员", "byline")]),
    ("某市新闻传媒集团记者 祝福", [("祝福", "记者", "byline")]),
    ("(记者胡某)", [("胡某", "记者", "byline")]),
    ("报道组 吴某潮", [("吴某潮", "报道组", "byline")]),
])
def test_byline_paragraphs_of_any_paper(rules, text, people):
    from pipeline.bylines import parse_names
    assert is_byline_line(text, rules)
    assert names(parse_names(text, "byline", rules)) == people


@pytest.mark.parametrize("text", ["记者 王某 摄", "芦淞区委宣传部", "市委宣传部供图", "记者了解到,工程进展顺利。", "某某 某某"])
def test_photo_credits_and_text_are_no_byline_paragraphs(rules, text):
    assert not is_byline_line(text, rules)


@pytest.mark.parametrize("text,caption_end,people", [
    ("社员们在海边合影。胡某红 摄", 9, [("胡某红", None, "photo")]),
    ("某某在某村调研。图/首某亮", 8, [("首某亮", None, "photo")]),
    ("某某调研某村情况(组图摄影:周某云)", 8, [("周某云", None, "photo")]),
    ("书记主持召开座谈会。(图片由某北日报全媒记者陈某摄)", 10, [("陈某", "全媒记者", "photo")]),
    ("罗南村水清岸绿。/某山日报记者张某弢摄", 9, [("张某弢", "记者", "photo")]),
    ("▲某乡调查纪念馆陈某摄", 8, [("陈某", None, "photo")]),
    ("图片/某南日报全媒体记者 唐某 摄", 0, [("唐某", "全媒体记者", "photo")]),
])
def test_photo_credits_of_any_paper(rules, text, caption_end, people):
    credit = find_credit(text, rules)
    assert (credit.start, names(credit.bylines), credit.photo) == (caption_end, people, True)


@pytest.mark.parametrize("text,people", [
    ("区领导某某等分别参加。(罗某洪)", [("罗某洪", None, "byline")]),
    ("把社区的事办得更贴心。”(方某 王某文)", [("方某", None, "byline"), ("王某文", None, "byline")]),
    ("听取意见和建议。本报记者_阙某娜", [("阙某娜", "记者", "byline")]),
])
def test_bylines_closing_an_article(rules, text, people):
    credit = find_credit(text, rules)
    assert (names(credit.bylines), credit.photo) == (people, False)


@pytest.mark.parametrize("text", [
    "戴某(左三)在某村调研",        # a position in a caption, mid-line
    "孕妇(左二)被送上救护车。",
    "把孕妇送上救护车(左二)",       # no full sentence before the bracket
    "会议由他主持(完)",
    "游客们纷纷拿出手机拍摄",
    "大家都说:这是他的报道",
])
def test_text_ending_like_a_credit_is_none(rules, text):
    assert find_credit(text, rules) is None


def test_a_bare_name_line_is_an_authors_name(rules):
    from pipeline.bylines import is_name_line
    assert is_name_line("梁 某", rules) and is_name_line("王小某", rules)
    assert not is_name_line("开篇的话", rules) and not is_name_line("一座城", rules)
