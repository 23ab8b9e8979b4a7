"""Read what a machine needs from a plan's free-text timeframe, e.g. "June – September 2022".

Pure Python (no Django) so it can be tested and reused on its own. Nothing here raises: text
that says nothing readable gives an empty Timeframe, and words it does not know are ignored,
never guessed at.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from plans.models import RagRating

RECURRENCES = ("ongoing", "monthly", "quarterly", "termly", "six_monthly", "annual")

MIN_YEAR, MAX_YEAR = 1900, 2200
# A financial-year span covers a few years at most; "2021-85" is not one.
MAX_SPAN_YEARS = 10


@dataclass(frozen=True)
class Timeframe:
    due: date | None = None  # end of the latest stated month/year (or the day, if one is stated)
    starts: date | None = None  # start of a stated range, e.g. "June – September 2022"
    recurrence: str = ""  # "" or one of RECURRENCES
    to_be_confirmed: bool = False  # "TBC", "to be confirmed", "TBA"
    stated_complete: bool = False  # the text says "complete"/"completed"


def parse_timeframe(text: str, period: tuple[date, date] | None = None) -> Timeframe:
    """What the text says; period (the plan's, plan_period) gives a month written without a
    year its year: "November" in a 2021-22 plan is November 2021."""
    due, starts = _read_dates(text, period)
    return Timeframe(
        due=due,
        starts=starts,
        recurrence=_recurrence(text),
        to_be_confirmed=bool(_TBC.search(text)),
        # One space between words: the lookbehinds of _COMPLETE are one space wide.
        stated_complete=bool(_COMPLETE.search(" ".join(text.split()))),
    )


# --- dates -------------------------------------------------------------------------------------

_MONTH_NAMES = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sept", "sep"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
# Month names and abbreviations to numbers (also read by reporting.cycle_rules' calendar).
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

# England's school terms: their first and last months (a school year starts in September).
TERMS = {"autumn": (9, 12), "spring": (1, 3), "summer": (4, 7)}

# Digits are spelt [0-9] because \d also matches other scripts' digits, which no plan uses.
_DATES = re.compile(
    # Spring Term 2016; Autumn term 2016/17 (the school year: spring and summer in 2017)
    r"(?P<term>\b(?P<t_name>autumn|spring|summer)\s+term\s+(?P<t_year>[0-9]{4})"
    r"(?:\s*[/-]\s*(?P<t_next>[0-9]{2}|[0-9]{4}))?(?![\w/]))"
    # Q3 2026/27, quarter 1 2024-25: a quarter of a UK financial year (April to March)
    r"|(?P<quarter>\b(?:q|quarter\s*)(?P<q_number>[1-4])\s+(?P<q_year>[0-9]{4})\s*[/-]\s*"
    r"(?P<q_next>[0-9]{2}|[0-9]{4})(?![\w/]))"
    # 30/09/2024 (UK order)
    r"|(?P<numeric>(?<![\w/.])(?P<n_day>[0-9]{1,2})[/.](?P<n_month>[0-9]{1,2})[/.]"
    r"(?P<n_year>[0-9]{4})(?![\w/.]))"
    # 2024-09-30
    r"|(?P<iso>(?<![\w/.-])(?P<i_year>[0-9]{4})-(?P<i_month>[0-9]{2})-(?P<i_day>[0-9]{2})"
    r"(?![\w/.-]))"
    # 2021-23, 2024-25, 2021 – 2023: UK financial years
    r"|(?P<span>(?<![\w/.])(?P<s_first>[0-9]{4})\s*[-–—]\s*(?P<s_last>[0-9]{4}|[0-9]{2})"
    r"(?![\w/]))"
    # [13] September [2024]; a month without a year only counts as the start of a range
    rf"|(?P<month>(?:(?<![\w/.])(?P<m_day>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?)?"
    rf"\b(?P<m_name>{_MONTH})\b\.?(?:,?\s+(?P<m_year>[0-9]{{4}})(?![\w/]))?)"
    # 2024; a year beside a slash is a report year ("2020/21"), not a date
    r"|(?P<year>(?<![\w/.])[0-9]{4}(?![\w/]))",
    re.IGNORECASE,
)
_RANGE_LINK = re.compile(r"\s*(?:[-–—]+|to|until|till|through)\s*", re.IGNORECASE)
_FROM = re.compile(
    r"\b(?:from|starting(?:\s+(?:in|from))?|commencing(?:\s+in)?|beginning(?:\s+in)?|"
    r"starts?(?:\s+in)?)\s*$",
    re.IGNORECASE,
)
_WORD_BEFORE = re.compile(r"([\w'’]+)\s*$")
# Words that may stand just before a year without making it part of a name.
_CONNECTIVES = frozenset(
    "by in from until till to during throughout across end before after for of and or early "
    "late mid since within over around start starting beginning the ongoing quarterly monthly "
    "termly annual annually yearly tbc tba complete completed".split()
)
_LOOK_BEHIND = 40  # characters; enough for the word before a date, keeps long text linear


@dataclass(frozen=True)
class _Stated:
    """One date statement found in the text, as the days it covers."""

    kind: str  # "day", "month", "bare_month" (no year), "term", "quarter", "span" or "year"
    start: int  # position in the text
    end: int
    first: date | None = None
    last: date | None = None
    month: int = 0  # the month of a "bare_month"


def has_month_without_year(text: str) -> bool:
    """Whether the text names a month without a year, which only a plan's period can date."""
    return any(
        item.kind == "bare_month"
        for match in _DATES.finditer(text)
        if (item := _stated(text, match))
    )


def plan_period(text: str) -> tuple[date, date] | None:
    """The first and last days a plan's period ("2021-23", "2024", "April 2024 – March
    2025") covers, or None if it states none."""
    stated = [item for match in _DATES.finditer(text) if (item := _stated(text, match))]
    days = [item for item in stated if item.first is not None and item.last is not None]
    if not days:
        return None
    return min(item.first for item in days), max(item.last for item in days)


def _in_period(month: int, period: tuple[date, date]) -> tuple[date, date] | None:
    """The first and last days of the first such month within the period, if any."""
    for year in range(period[0].year, period[1].year + 1):
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        if first >= period[0].replace(day=1) and last <= period[1]:
            return first, last
    return None


def _with_next(stated: list) -> list:
    """Each statement with the one after it (None after the last)."""
    return list(zip(stated, [*stated[1:], None], strict=False))


def _ranges_to_a_date(text: str, item: _Stated, after: _Stated | None) -> bool:
    """Whether a range link ("–", "to", "until"...) leads from the item to a dated one."""
    return (
        after is not None
        and after.first is not None
        and _RANGE_LINK.fullmatch(text, item.end, after.start) is not None
    )


def _years_from_period(text: str, stated: list, period: tuple[date, date]) -> list:
    """Each month written without a year, in the plan's period: "November" in a 2021-22 plan
    is November 2021; "November – January" runs into 2022. Not one that begins a range to a
    dated month ("June – September 2022": the range's own year is June's)."""
    resolved = []
    for item, after in _with_next(stated):
        if item.kind == "bare_month" and not _ranges_to_a_date(text, item, after):
            within = _in_period(item.month, period)
            if within is not None:
                item = _Stated("month", item.start, item.end, *within)
        resolved.append(item)
    return resolved


def _read_dates(
    text: str, period: tuple[date, date] | None = None
) -> tuple[date | None, date | None]:
    """The due date (latest stated end) and start (earliest start of a range or "from")."""
    stated = [item for match in _DATES.finditer(text) if (item := _stated(text, match))]
    if period is not None:
        stated = _years_from_period(text, stated, period)
    dues: list[date] = []
    starts: list[date] = []
    for item, after in _with_next(stated):
        # "September 2022 – June 2022" is no range but two dates (the later one due): which
        # of them is mistyped is not guessed at.
        opens_range = _ranges_to_a_date(text, item, after) and (
            item.first is None or item.first <= after.last
        )
        if item.first is None or item.last is None:
            # "June – September 2022": the month takes the year of the range's end, and
            # "November – January 2023" the year before it.
            if opens_range and after and after.first and after.kind in ("day", "month"):
                year = after.first.year - int(item.month > after.first.month)
                if MIN_YEAR <= year <= MAX_YEAR:
                    starts.append(date(year, item.month, 1))
            continue
        if opens_range or _FROM.search(text, max(0, item.start - _LOOK_BEHIND), item.start):
            starts.append(item.first)
        else:
            dues.append(item.last)
    return (max(dues) if dues else None, min(starts) if starts else None)


def _stated(text: str, match: re.Match[str]) -> _Stated | None:
    kind = match.lastgroup
    start, end = match.span()
    if kind == "term":
        return _term(start, end, match["t_name"], match["t_year"], match["t_next"])
    if kind == "quarter":
        return _quarter(start, end, match["q_number"], match["q_year"], match["q_next"])
    if kind == "numeric":
        return _day(start, end, match["n_year"], match["n_month"], match["n_day"])
    if kind == "iso":
        return _day(start, end, match["i_year"], match["i_month"], match["i_day"])
    if kind == "month":
        return _month(start, end, match["m_name"], match["m_year"], match["m_day"])
    if _belongs_to_name(text, start):
        return None
    if kind == "span":
        return _span(start, end, match["s_first"], match["s_last"])
    return _year(start, end, match["year"])


def _day(start: int, end: int, year: str, month: str, day: str) -> _Stated | None:
    if not (MIN_YEAR <= int(year) <= MAX_YEAR and 1 <= int(month) <= 12):
        return None
    last_day = calendar.monthrange(int(year), int(month))[1]
    if not 1 <= int(day) <= last_day:
        return None
    stated = date(int(year), int(month), int(day))
    return _Stated("day", start, end, stated, stated)


def _month(start: int, end: int, name: str, year: str | None, day: str | None) -> _Stated | None:
    month = MONTHS[name.casefold()]
    if year is None:
        return _Stated("bare_month", start, end, month=month)
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        return None
    first = date(int(year), month, 1)
    last = date(int(year), month, calendar.monthrange(int(year), month)[1])
    if day is not None and 1 <= int(day) <= last.day:
        # "13 June 2022" states the day itself.
        first = last = first.replace(day=int(day))
    return _Stated("month", start, end, first, last)


def _next_year(first: int, text: str | None) -> int | None:
    """The second year of "2016/17" or "2016-2017", if it is the year after the first."""
    if text is None:
        return None
    year = int(text) + (first // 100 * 100 if len(text) == 2 else 0)
    return year if year == first + 1 else None


def _term(start: int, end: int, name: str, year: str, next_year: str | None) -> _Stated | None:
    first_month, last_month = TERMS[name.casefold()]
    term_year = int(year)
    if next_year is not None:  # a school year: only its autumn term is in its first year
        if _next_year(term_year, next_year) is None:
            return None
        term_year += int(first_month < 9)
    if not MIN_YEAR <= term_year <= MAX_YEAR:
        return None
    last_day = calendar.monthrange(term_year, last_month)[1]
    return _Stated(
        "term", start, end, date(term_year, first_month, 1), date(term_year, last_month, last_day)
    )


def _quarter(start: int, end: int, number: str, year: str, next_year: str) -> _Stated | None:
    first_year = int(year)
    if _next_year(first_year, next_year) is None or not MIN_YEAR <= first_year < MAX_YEAR:
        return None
    first_month = 4 + 3 * (int(number) - 1)  # Q1 April–June ... Q4 January–March
    quarter_year = first_year + (first_month > 12)
    first_month = (first_month - 1) % 12 + 1
    last_month = first_month + 2
    last_day = calendar.monthrange(quarter_year, last_month)[1]
    return _Stated(
        "quarter",
        start,
        end,
        date(quarter_year, first_month, 1),
        date(quarter_year, last_month, last_day),
    )


def _span(start: int, end: int, first_text: str, last_text: str) -> _Stated | None:
    first_year = int(first_text)
    last_year = int(last_text)
    if len(last_text) == 2:
        last_year += first_year // 100 * 100
        if last_year <= first_year:  # "1999-00"
            last_year += 100
    if not (MIN_YEAR <= first_year < last_year <= MAX_YEAR):
        return None
    if last_year - first_year > MAX_SPAN_YEARS:
        return None
    return _Stated("span", start, end, date(first_year, 4, 1), date(last_year, 3, 31))


def _year(start: int, end: int, text: str) -> _Stated | None:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return _Stated("year", start, end, date(year, 1, 1), date(year, 12, 31))


def _belongs_to_name(text: str, start: int) -> bool:
    """Whether a bare year follows a word that makes it part of something else.

    "Mary 2021" (a misspelt month) and "Working Together 2018" (a statute's title) name no
    date we can trust, so the year is dropped rather than read as the whole of 2021.
    """
    found = _WORD_BEFORE.search(text, max(0, start - _LOOK_BEHIND), start)
    if found is None:
        return False
    word = found.group(1)
    letters = word.replace("'", "").replace("’", "")
    if letters.isalpha() and letters.islower():
        return False
    return word.casefold() not in _CONNECTIVES


# --- recurrence, TBC, complete -----------------------------------------------------------------


def _times_a_year(numbers: str) -> str:
    """ "4 a year", "four reviews per year", "4 or 5 reviews a year" (the first number)."""
    return rf"\b(?:{numbers})(?:\s+or\s+\w+)?(?:\s+[a-z]+)?\s+(?:a|per|each)\s+year\b"


# Order matters: at one position the first alternative wins, so "six monthly" and
# "half-yearly" are read before "monthly" and "yearly" can be.
_RECURRENCE_PATTERNS = (
    ("", r"\bbi-?monthly\b"),  # every two months or twice a month: ambiguous, so ignored
    (
        "six_monthly",
        r"\b(?:six|6)[\s-]*monthly\b|\bhalf[\s-]*yearly\b|\bevery\s+(?:six|6)\s+months\b"
        r"|\btwice\s+(?:a\s+|per\s+)?year(?:ly)?\b|" + _times_a_year("two|2"),
    ),
    (
        "quarterly",
        r"\bquarterly\b|\b(?:three|3)[\s-]*monthly\b|\bevery\s+(?:three|3)\s+months\b"
        r"|\b(?:each|every)\s+quarter\b|" + _times_a_year("four|4"),
    ),
    ("monthly", r"\bmonthly\b|\b(?:each|every)\s+month\b|" + _times_a_year("twelve|12")),
    ("termly", r"\btermly\b|\b(?:each|every)\s+term\b|" + _times_a_year("three|3")),
    ("annual", r"\bannual(?:ly)?\b|\byearly\b|\b(?:each|every)\s+year\b|\bonce\s+a\s+year\b"),
    ("ongoing", r"\bon[\s-]?going\b"),
)
_RECURRENCE = re.compile(
    "|".join(f"(?P<r{index}>{pattern})" for index, (_, pattern) in enumerate(_RECURRENCE_PATTERNS)),
    re.IGNORECASE,
)
_TBC = re.compile(
    r"\btb[cad]\b|\bt\.b\.[cad]\b"
    r"|\bto\s+be\s+(?:confirmed|agreed|arranged|announced|decided|determined)\b",
    re.IGNORECASE,
)
# "to be completed", "not yet complete" state a plan, not a completion.
_COMPLETE = re.compile(
    r"(?<!be\s)(?<!being\s)(?<!not\s)(?<!yet\s)(?<!partially\s)(?<!nearly\s)(?<!almost\s)"
    r"\bcomplet(?:e|ed)\b",
    re.IGNORECASE,
)


def _recurrence(text: str) -> str:
    """The first periodic recurrence stated; "ongoing" only when no period is."""
    found = [
        _RECURRENCE_PATTERNS[int(match.lastgroup[1:])][0]
        for match in _RECURRENCE.finditer(text)
        if match.lastgroup
    ]
    periodic = [kind for kind in found if kind and kind != "ongoing"]
    if periodic:
        return periodic[0]
    return "ongoing" if "ongoing" in found else ""


def is_overdue(due: date | None, scale: str | None, today: date) -> bool:
    """Overdue: a due date has passed and the action is not complete."""
    return due is not None and due < today and scale != RagRating.Scale.COMPLETE
