"""Stage `masthead`: paper, date, weekday, lunar date, issue number, pages.

Two printed forms are known: one block (`株洲日报` / `2023年2月17日 星期五` /
`癸卯年正月廿七 第23219期 今日8版`) and one split over lines with the app's
name in front (`掌上株洲` / `客户端2024年12月5日 星期四` / …). Both are a run
of lines at the top of the file made only of masthead fields and masthead
furniture. Without a masthead, `infer_issue_date` dates the issue from its
datelines and the years its text names.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import regex

from .records import Line, Masthead
from .rules import StructureRules

_MONTH_DAY = regex.compile(r"^(?:(?P<y>(?:19|20)\d{2})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]")
_FULL_DATE = regex.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")
_YEAR = regex.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?!\d)\s*年?")


def _residue(text: str, rules: StructureRules) -> str:
    """What is left of a line once every masthead field is taken out."""
    for pattern in (rules.cn_number, rules.masthead_date, rules.weekday, rules.lunar_date,
                    rules.issue_number, rules.pages):
        text = pattern.sub(" ", text)
    for name in rules.paper_names:
        text = text.replace(name, " ")
    parts = [p for p in regex.split(r"\s+", text) if p and not rules.masthead_furniture.match(p)]
    rest = " ".join(parts)
    return "" if rules.masthead_furniture.match(rest) else rest


def parse_masthead(lines: list[Line], rules: StructureRules) -> Masthead:
    """The masthead at the top of the issue, or an empty `Masthead`."""
    block: list[Line] = []
    for line in lines[: rules.masthead_search_lines]:
        if _residue(line.text, rules):
            break
        block.append(line)
    text = " ".join(line.text for line in block)
    date_match = rules.masthead_date.search(text)
    number = rules.issue_number.search(text)
    if not (date_match or number):
        return Masthead()
    paper = next((name for name in rules.paper_names if name in text), None)
    cn = rules.cn_number.search(text)
    if paper is None and cn:
        paper = dict(rules.papers_by_cn).get(cn.group("cn"))
    issue_date = None
    if date_match:
        try:
            issue_date = dt.date(int(date_match["y"]), int(date_match["m"]), int(date_match["d"]))
        except ValueError:
            issue_date = None
    weekday = rules.weekday.search(text)
    lunar = rules.lunar_date.search(text)
    pages = rules.pages.search(text)
    return Masthead(
        paper=paper,
        issue_date=issue_date,
        weekday=weekday.group() if weekday else None,
        lunar_date=lunar.group() if lunar else None,
        issue_number=int(number["n"]) if number else None,
        pages=int(pages["n"]) if pages else None,
        line_indexes=tuple(line.index for line in block),
    )


def infer_issue_date(datelines: list[str], text: str) -> dt.date | None:
    """Date an issue that has no masthead, or None when the text does not support one.

    A daily reports the day before: the issue is dated the day after its latest
    month/day dateline. The year is the one the text supports best: first by
    the number of full dates (`2021年12月21日`) falling in the quarter before
    the issue date, then by how often the text names the year (`2024年`).
    """
    month_days = []
    for phrase in datelines:
        m = _MONTH_DAY.match(phrase or "")
        if m:
            month_days.append((int(m["m"]), int(m["d"])))
    if not month_days:
        return None
    full_dates = []
    for m in _FULL_DATE.finditer(text):
        try:
            full_dates.append(dt.date(int(m["y"]), int(m["m"]), int(m["d"])))
        except ValueError:
            pass
    years = Counter(int(m["y"]) for m in _YEAR.finditer(text))
    candidates = set(years) | {y + 1 for y in years} | {d.year for d in full_dates} | {d.year + 1 for d in full_dates}
    best: tuple[int, int, int] | None = None  # (recent full dates, year votes, year)
    for year in sorted(candidates):
        issue = _day_after_latest(year, month_days)
        if issue is None:
            continue
        recent = sum(1 for d in full_dates if 0 <= (issue - d).days <= 92)
        score = (recent, years.get(year, 0), year)
        if (recent or score[1]) and (best is None or score[:2] > best[:2]):
            best = score
    return _day_after_latest(best[2], month_days) if best else None


def _day_after_latest(year: int, month_days: list[tuple[int, int]]) -> dt.date | None:
    dates = []
    for month, day in month_days:
        try:
            dates.append(dt.date(year, month, day))
        except ValueError:
            continue
    return max(dates) + dt.timedelta(days=1) if dates else None


def paper_from_sources(sources: list[str], paper_names: tuple[str, ...]) -> str | None:
    """The paper named by most datelines (`株洲日报讯` -> 株洲日报), if any."""
    counts = Counter(name for source in sources if source for name in paper_names if source.startswith(name))
    return counts.most_common(1)[0][0] if counts else None
