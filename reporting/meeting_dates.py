"""The meeting calendar: dates as staff type or paste them ("Tuesday 10 September 2024",
"10/09/2024", "2024-09-10"), read one line at a time. Pure functions, tested without a
database."""

import datetime
import re
from dataclasses import dataclass

from actions.timeframes import MONTHS

# The meeting calendar: dates as staff type or paste them


WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")
WORDS = re.compile(r"(?:([a-z]+),?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})")


class NotADate(ValueError):
    pass


def parse_uk_date(text: str) -> datetime.date:
    """15/09/2024, 15.9.24, 15 September 2024, Sun 15th Sept 2024 or 2024-09-15: day first,
    as people in the UK write it. Raises NotADate saying what is wrong, in plain words."""
    value = " ".join(text.strip().lower().split())
    if match := ISO.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
        return real_date(year, month, day, text)
    if match := NUMERIC.fullmatch(value):
        day, month, year = match.groups()
        year = int(year) + (2000 if len(year) == 2 else 0)
        return real_date(year, int(month), int(day), text)
    if match := WORDS.fullmatch(value):
        weekday, day, month_name, year = match.groups()
        if month_name not in MONTHS:
            raise NotADate(f"“{month_name}” is not a month")
        date = real_date(int(year), MONTHS[month_name], int(day), text)
        if weekday is not None:
            if weekday not in WEEKDAYS:
                raise NotADate(f"“{weekday}” is not a day of the week")
            if WEEKDAYS[weekday] != date.weekday():
                raise NotADate(f"{date:%-d %B %Y} is a {date:%A}, not a {weekday.capitalize()}")
        return date
    raise NotADate("enter a date like 15/09/2024, 15 September 2024 or 2024-09-15")


def real_date(year: int, month: int, day: int, text: str) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise NotADate(f"“{text.strip()}” is not a real date") from None


@dataclass(frozen=True)
class LineError:
    number: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.number}: {self.message}"


def parse_calendar(text: str) -> tuple[list[tuple[int, datetime.date]], list[LineError]]:
    """One date a line (blank lines skipped): (line number, date) in the order given, and an
    error for each line that is not a date or repeats an earlier one."""
    dates, errors, seen = [], [], {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            date = parse_uk_date(line)
        except NotADate as problem:
            errors.append(LineError(number, str(problem)))
            continue
        if date in seen:
            errors.append(LineError(number, f"{date:%-d %B %Y} is on line {seen[date]} too"))
            continue
        seen[date] = number
        dates.append((number, date))
    return dates, errors
