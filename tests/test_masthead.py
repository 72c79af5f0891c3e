import datetime as dt

from pipeline.masthead import infer_issue_date, parse_masthead
from pipeline.repair import split_lines


def test_masthead_in_one_block(rules):
    text = "\n株洲日报\n\n2025年3月12日 星期三\n乙巳年二月十三 第24001期 今日8版\n中共株洲市委主管、主办 国内统一连续出版物号 CN 43-0005\n\n## 标题\n"
    m = parse_masthead(split_lines(text), rules)
    assert (m.paper, m.issue_date, m.weekday, m.lunar_date, m.issue_number, m.pages) == (
        "株洲日报", dt.date(2025, 3, 12), "星期三", "乙巳年二月十三", 24001, 8)
    assert len(m.line_indexes) == 4


def test_masthead_split_over_lines_names_the_paper_by_its_cn_number(rules):
    text = "掌上株洲  \n客户端2025年6月3日 星期二  \n乙巳年五月初八 第24083期 今日12版\n\n中共株洲市委主管、主办 国内统一连续出版物号CN 43-0005\n\n## 标题\n"
    m = parse_masthead(split_lines(text), rules)
    assert (m.paper, m.issue_date, m.lunar_date, m.issue_number, m.pages) == (
        "株洲日报", dt.date(2025, 6, 3), "乙巳年五月初八", 24083, 12)


def test_no_masthead_when_the_file_starts_with_an_article(rules):
    text = "## 2025年3月12日召开的会议\n\n株洲日报讯(记者/王明)3月11日,会议召开。\n"
    assert parse_masthead(split_lines(text), rules).issue_date is None


def test_inferred_date_is_the_day_after_the_latest_dateline_in_the_year_the_text_supports():
    text = "去年12月20日……2024年12月28日,项目启动。2024年全年……"
    assert infer_issue_date(["1月5日", "1月6日上午", "近日"], text) == dt.date(2025, 1, 7)
    assert infer_issue_date(["3月2日"], "2023年以来,……2023年的成绩") == dt.date(2023, 3, 3)


def test_no_date_without_a_dated_dateline_or_a_year():
    assert infer_issue_date(["近日"], "2024年") is None
    assert infer_issue_date(["3月2日"], "没有年份的文字") is None
