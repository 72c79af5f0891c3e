"""Each headline/body form on a snippet written for the tests."""

import pytest

from pipeline.extract import structure_issue
from pipeline.records import SourceText


def extract(text: str, rules):
    source = SourceText("t.txt", "0" * 64, text, "utf-8")
    return structure_issue(source, rules)


def heads(issue):
    return [(a.kicker, a.headline, a.subtitle, a.kind) for a in issue.articles]


def test_markdown_headings_and_subheads(rules):
    issue = extract(
        "## 新桥通车\n\n株洲日报讯(记者/王丽)5月1日,新桥通车。\n\n"
        "# 一座城的变迁\n\n### ——写在建市七十周年之际\n\n株洲日报全媒体记者/何平\n\n开篇的话。\n\n"
        "#### ●第一部分\n\n内容一。\n", rules)
    assert heads(issue) == [(None, "新桥通车", None, "news"),
                            (None, "一座城的变迁", "——写在建市七十周年之际", "feature")]
    assert issue.articles[1].body == "开篇的话。\n●第一部分\n内容一。"


def test_bare_headline_blocks(rules):
    issue = extract(
        "全省经济工作会议召开\n\n稳中求进 奋发有为\n\n省委书记作重要讲话\n\n株洲日报讯(记者/王丽) 会议召开了。\n\n"
        "小区改造完成  \n居民拍手称快\n\n株洲日报讯(记者/何平) 近日,改造完成。\n", rules)
    assert heads(issue) == [("全省经济工作会议召开", "稳中求进 奋发有为", "省委书记作重要讲话", "news"),
                            (None, "小区改造完成", "居民拍手称快", "news")]


def test_cut_paragraph_is_joined_across_a_caption(rules):
    issue = extract(
        "## 志愿者在行动\n\n株洲日报讯(记者/王丽) 志愿者们每天清晨出发,为老人送去\n\n\n\n"
        "志愿者在分拣物资。记者/王丽 摄\n\n新鲜蔬菜和药品。\n", rules)
    a = issue.articles[0]
    assert a.body == "志愿者们每天清晨出发,为老人送去新鲜蔬菜和药品。\n志愿者在分拣物资。"
    assert [(b.name, b.credit) for b in a.bylines] == [("王丽", "byline"), ("王丽", "photo")]


def test_commentary_title_printed_inside_its_text(rules):
    issue = extract(
        "## 株洲时评\n\n城市的温度,体现在每一个\n\n## 细节见温度\n\n细节之中。市民的感受最真实。\n\n"
        "## 另一篇\n\n株洲日报讯(记者/王丽) 消息。\n", rules)
    a = issue.articles[0]
    assert (a.kicker, a.headline, a.kind) == ("株洲时评", "细节见温度", "commentary")
    assert a.body == "城市的温度,体现在每一个细节之中。市民的感受最真实。"


def test_photo_news_table_notice_letter_and_jumps(rules):
    issue = extract(
        "## 旧文\n\n株洲日报讯(记者/王丽) 项目推进中。\n\n►下转 02版\n\n"
        "春日花开\n\n\n\n游客在公园赏花。\n\n株洲日报全媒体记者/何平 摄\n\n"
        "## 考核结果\n\n本报讯 结果如下。\n\n项目\t甲区\t乙区\n名次\t第一\t第二\n排名\t1\t2\n\n"
        "关于开展评选活动的公告\n\n为做好评选工作,现公告如下。\n\n株洲市评选办公室 2025年3月1日\n\n\n\n"
        "感谢那些温暖的人\n\n天元区某小学五年级学生\n\n我们收到了很多帮助。\n\n"
        "◀◀上接01版 工程将于年底完工。\n", rules)
    assert [a.kind for a in issue.articles] == ["news", "photo", "table", "notice", "letter", "news"]
    assert issue.articles[0].continues_on == "02版"
    assert issue.articles[5].continued_from == "01版" and issue.articles[5].headline is None
    assert issue.articles[2].body.split("\n")[1] == "项目\t甲区\t乙区"
    assert issue.articles[4].bylines == []


def test_repeated_block_stray_line_and_furniture(rules):
    issue = extract(
        "## 标题\n\n株洲日报讯(记者/王丽) 开头。\n\n小标题:\n第二行\n\n第一段。\n\n第二段。\n\n"
        "小标题: 第二行\n\n第一段。\n\n第二段。\n\n控\n\n## 扫一扫关注株洲日报社新媒体\n", rules)
    assert issue.articles[0].body == "开头。\n小标题:第二行\n第一段。\n第二段。"
    assert len(issue.articles) == 1
    reasons = [w.reason for w in issue.warnings]
    assert "dropped 1 stray one-character line(s)" in reasons
    assert "article 1: dropped 3 paragraph(s) printed twice" in reasons


def test_text_without_structure_is_one_unknown_article_with_a_warning(rules):
    issue = extract("这是一段没有标题也没有电头的文字," * 10 + "结束。\n", rules)
    assert [a.kind for a in issue.articles] == ["unknown"]
    assert issue.warnings[-1].severity == "warning"


def test_no_text_at_all_is_a_failure(rules):
    failure = extract("!!!???\n...\n", rules)
    assert failure.severity == "error" and failure.reason.startswith("no articles found")


def test_editor_lines_are_furniture_not_kickers(rules):
    issue = extract("## 一\n\n株洲日报讯(记者/张三) 3月1日,内容。\n\n(责任编辑:李四)\n\n## 二\n\n株洲日报讯(记者/王五) 3月2日,内容。\n", rules)
    assert [a.kicker for a in issue.articles] == [None, None]


def names(article):
    return [(b.name, b.role, b.credit) for b in article.bylines]


def test_pictures_captioned_between_headline_and_lead_belong_to_the_article(rules):
    issue = extract("新路通车 村民出行不再难\n\n村民在新修的公路上散步。\n\n"
                    "某某网5月3日讯(记者 王小一)5月2日,某村的公路通车。\n\n村民们十分高兴。\n", rules)
    assert heads(issue) == [(None, "新路通车 村民出行不再难", None, "news")]
    a = issue.articles[0]
    assert (a.source, a.dateline) == ("某某网5月3日讯", "5月2日")
    assert a.body == "村民在新修的公路上散步。\n5月2日,某村的公路通车。\n村民们十分高兴。"
    # an editor's note before the pictures does not end them either
    issue = extract("文明之城\n\n编者按:一座城市的文明程度,决定着她的形象。\n\n街道一角。\n\n"
                    "某某网讯(记者 李一)近日,街道焕然一新。\n", rules)
    assert len(issue.articles) == 1 and issue.articles[0].source == "某某网讯"


def test_a_long_text_before_a_dateline_is_another_article(rules):
    long_text = "这是一段很长的正文," * 8 + "写完了。"
    issue = extract(f"第一条新闻\n\n{long_text}\n\n本报讯(记者 王一)5月2日,又一件事。\n", rules)
    assert len(issue.articles) == 2


def test_a_source_printed_alone_takes_the_time_phrase_of_the_lead(rules):
    issue = extract("我们选出了新书记\n\n本报某地1月3日电\n\n记者 毛某来 王某锋\n\n报道组 吴某潮\n\n"
                    "今天上午10时许,选举开始。\n", rules)
    a = issue.articles[0]
    assert (a.source, a.dateline, a.kind) == ("本报某地1月3日电", "今天上午10时许", "news")
    assert names(a) == [("毛某来", "记者", "byline"), ("王某锋", "记者", "byline"), ("吴某潮", "报道组", "byline")]
    assert a.body == "今天上午10时许,选举开始。"


def test_a_byline_before_the_source_and_a_name_under_the_title(rules):
    issue = extract("○○通讯员钟某金\n\n晚报讯日前,某屯的水泥路通车。\n", rules)
    a = issue.articles[0]
    assert (a.source, a.dateline, names(a)) == ("晚报讯", "日前", [("钟某金", "通讯员", "byline")])
    issue = extract("莫让众人望“位”兴叹\n\n梁 某\n\n随着私家车增多,停车难问题日益突出。\n", rules)
    a = issue.articles[0]
    assert (a.headline, names(a), a.body) == ("莫让众人望“位”兴叹", [("梁某", None, "byline")],
                                             "随着私家车增多,停车难问题日益突出。")


def test_a_closing_byline_ends_the_article_and_the_next_headline_starts_one(rules):
    issue = extract("社区解民忧获赠锦旗\n\n居民送来锦旗,社区工作者说:“这是我们该做的。”(方某 王某文)\n\n"
                    "老街换新颜\n\n老街改造完工,居民拍手称快。本报记者_阙某娜\n", rules)
    assert [a.headline for a in issue.articles] == ["社区解民忧获赠锦旗", "老街换新颜"]
    assert names(issue.articles[0]) == [("方某", None, "byline"), ("王某文", None, "byline")]
    assert issue.articles[0].body == "居民送来锦旗,社区工作者说:“这是我们该做的。”"
    assert names(issue.articles[1]) == [("阙某娜", "记者", "byline")]
    assert issue.articles[1].body == "老街改造完工,居民拍手称快。"


def test_a_section_label_opens_a_section_not_an_article(rules):
    issue = extract("这个夏天很温暖\n\n母女志愿者成为一道风景。\n\n镜头1\n\n某某新区\n\n“云端”连线减压\n\n"
                    "某市新闻传媒集团记者 祝某\n\n8月11日上午,一场连线开始。\n", rules)
    assert [a.headline for a in issue.articles] == ["这个夏天很温暖"]
    assert names(issue.articles[0]) == [("祝某", "记者", "byline")]


def test_the_same_credit_on_several_captions_is_one_row(rules):
    issue = extract("新春走基层\n\n手绘孝图 记者 李某晨 摄\n\n某某网消息(记者 李某晨)2月9日,活动走进某县。\n\n"
                    "展示墙。 记者 李某晨 摄\n\n村民舞龙。 记者 李某晨 摄\n", rules)
    assert len(issue.articles) == 1
    assert names(issue.articles[0]) == [("李某晨", "记者", "photo"), ("李某晨", "记者", "byline")]


@pytest.mark.parametrize("cut,rest", [
    ("良好的环境关系到群众的切身利益。从实", "际情况看,很多问题都点多面广。"),        # a sentence ends inside the line
    ("舞活考核的指挥棒,就是在", "日常考核的基础上补短板。"),                     # it ends with a word that ends no phrase
    ("为了避免故障车辆影响后方来车、造成堵塞,某某带领某某、某某三管", "齐下疏导车流。"),  # long, with clause punctuation
])
def test_a_sentence_cut_after_a_complete_paragraph_is_joined(rules, cut, rest):
    issue = extract(f"新闻标题\n\n本报讯(记者 王一)5月1日,第一段写完了。\n\n{cut}\n\n{rest}\n", rules)
    assert issue.articles[0].body == f"5月1日,第一段写完了。\n{cut}{rest}"


def test_a_short_subhead_with_a_comma_stays_a_subhead(rules):
    issue = extract("新闻标题\n\n本报讯(记者 王一)5月1日,第一段写完了。\n\n常常帮助,总是安慰\n\n第二段也写完了。\n", rules)
    assert issue.articles[0].body == "5月1日,第一段写完了。\n常常帮助,总是安慰\n第二段也写完了。"
