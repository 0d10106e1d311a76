"""Turning spreadsheet cells into domain values: RAG, dates, whole numbers, text.

Every parser returns `(value, note)` or raises `CellError` with one sentence
saying why the cell cannot be taken. A parser never guesses where a guess
could be wrong: "31/03/2019" is read the UK way (day first) because the
trackers are English; "end of March 2019", "Mar-19" and "Q2 2019/20" name
the last day of a period a council plans to, and are taken with a note
saying so; "Ongoing", "Monthly" or "TBC" mean no due date (a note, not an
error); "Spring 2019" or "Q2 2019" (calendar or financial quarter?) are
refused with the reason.

RAG comes from the cell's word (R/A/G/B, Red, Amber, Green, Blue, Complete…)
or, when the cell is blank, from its fill colour read by hue (the red, amber,
green and blue families of Excel's palette); a word wins over a colour that
disagrees, with a note.
"""

from __future__ import annotations

import calendar
import colorsys
import datetime as dt
import math
import re
from typing import Final

from db.models import Rag

#: Years outside this range are taken for typing mistakes.
FIRST_YEAR, LAST_YEAR = 1990, 2100
#: The longest text shown back to a person in a reason.
CLIP = 40


class CellError(Exception):
    """A cell that cannot be taken; the message is the reason shown on the row."""


class Formula(str):
    """A formula cell whose workbook holds no saved value (never calculated by Excel)."""


def clip(value: object, limit: int = CLIP) -> str:
    """A cell's value as short one-line text for a reason."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing worth reading."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def text_of(value: object) -> str:
    """A cell's value as text (numbers without a trailing ".0")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return f"{value:%d/%m/%Y}"
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    text = str(value).replace("\x00", "").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]  # the apostrophe a CSV export puts before formula-like text
    return text


def text_field(value: object, label: str, limit: int) -> str | None:
    """Plain text for a field of at most `limit` characters (None when blank)."""
    if is_blank(value):
        return None
    if isinstance(value, float) and math.isinf(value):
        raise CellError(f"{label} is not text")
    text = text_of(value)
    if not text:
        return None
    if isinstance(value, Formula):
        raise CellError(
            f"{label} is a formula ({clip(text)}) with no saved value; "
            "open the file in Excel, save it, and import again"
        )
    if len(text) > limit:
        raise CellError(f"{label} is {len(text):,} characters long; the most is {limit:,}")
    return text


# -- RAG ---------------------------------------------------------------------------------

_RAG_WORDS: Final[dict[str, Rag]] = {
    **dict.fromkeys(("r", "red", "off track", "red off track"), Rag.RED),
    **dict.fromkeys(("a", "amber", "at risk", "amber at risk", "yellow", "orange"), Rag.AMBER),
    **dict.fromkeys(("g", "green", "on track", "green on track"), Rag.GREEN),
    **dict.fromkeys(
        (
            "b",
            "blue",
            "complete",
            "completed",
            "blue complete",
            "blue completed",
            "done",
            "achieved",
        ),
        Rag.BLUE,
    ),
}


def _rag_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z]+", " ", text.casefold()).split())


def rag_from_colour(colour: str | None) -> Rag | None:
    """The RAG a fill colour ("#RRGGBB") stands for, or None for no RAG colour (white, grey…)."""
    if not colour or not re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        return None
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, saturation, value = colorsys.rgb_to_hsv(r, g, b)
    if saturation < 0.35 or value < 0.3:
        return None  # white, greys, black: not a RAG colour
    degrees = hue * 360
    if degrees < 20 or degrees >= 330:
        return Rag.RED
    if degrees < 65:
        return Rag.AMBER
    if degrees < 170:
        return Rag.GREEN
    if degrees < 250:
        return Rag.BLUE
    return None


def parse_rag(value: object, fill: str | None) -> tuple[Rag | None, str | None]:
    """The RAG of a cell from its word or, when blank, its fill colour."""
    coloured = rag_from_colour(fill)
    if is_blank(value):
        if coloured is not None:
            return coloured, f"RAG read from the cell colour ({coloured.label})"
        return None, None
    text = text_of(value)
    rag = _RAG_WORDS.get(_rag_key(text))
    if rag is None:
        raise CellError(f"RAG '{clip(text)}' is not one of Blue (complete), Green, Amber or Red")
    if coloured is not None and coloured is not rag:
        return rag, f"RAG '{clip(text)}' taken over the cell colour ({coloured.label})"
    return rag, None


# -- Dates -------------------------------------------------------------------------------

_MONTHS: Final[dict[str, int]] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].casefold()] = _number
    _MONTHS[calendar.month_abbr[_number].casefold()] = _number
_MONTHS["sept"] = 9

#: Words meaning "no fixed date": no due date, with a note.
NO_DATE_WORDS: Final = frozenset(
    {
        "ongoing",
        "on going",
        "continuous",
        "monthly",
        "weekly",
        "quarterly",
        "annually",
        "annual",
        "each meeting",
        "every meeting",
        "tbc",
        "tba",
        "tbd",
        "n a",
        "na",
        "none",
        "as required",
        "as needed",
        "business as usual",
        "bau",
    }
)
_DASHES = {"-", "–", "—", "n/a", "?"}

_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,\s*(\d{4})")
_MONTH_YEAR = re.compile(
    r"(?:(?:by\s+)?(?:the\s+)?end\s+(?:of\s+)?)?([a-z]+)\.?[\s\-/']*(\d{4}|\d{2})"
)
_END_MONTH = re.compile(r"(?:by\s+)?(?:the\s+)?end\s+(?:of\s+)?([a-z]+)\s+(\d{4})")
_FIN_QUARTER = re.compile(r"q([1-4])\s*(?:of\s+)?(?:fy\s*)?(\d{4})\s*[/\-]\s*(\d{2}|\d{4})")
_FIN_YEAR = re.compile(r"(?:by\s+)?(?:end\s+(?:of\s+)?)?(?:fy\s*)?(\d{4})\s*[/\-]\s*(\d{2}|\d{4})")


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CellError(f"the year {text} is outside {FIRST_YEAR}–{LAST_YEAR}")
    return year


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _real_date(year: int, month: int, day: int, shown: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"'{clip(shown)}' is not a real date (day/month/year)") from None


def _fin_year_end(first: str, second: str, shown: str) -> int:
    start = _year(first)
    end = int(second) + (start // 100 * 100 if len(second) == 2 else 0)
    if end != start + 1:
        raise CellError(f"'{clip(shown)}' is not a financial year (like 2019/20)")
    return start


def parse_date(value: object, label: str = "due date") -> tuple[dt.date | None, str | None]:
    """A due date from a cell: a real date, UK text, or a period's last day (with a note).

    Returns:
        (date, note): date None when the cell is blank or says there is no fixed date.

    Raises:
        CellError: anything else, with the reason.
    """
    if is_blank(value):
        return None, None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise CellError(f"{label} {value:%d/%m/%Y} is outside {FIRST_YEAR}–{LAST_YEAR}")
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(f"{label} '{clip(text_of(value))}' is a number, not a date")
    shown = text_of(value)
    text = " ".join(shown.casefold().replace(",", ", ").split()).replace(" ,", ",")
    if text in _DASHES or _rag_key(text) in NO_DATE_WORDS:
        return None, f"{label} '{clip(shown)}' is not a date: no {label} set"
    try:
        return _parse_text_date(text, shown)
    except CellError as error:
        raise CellError(f"{label} {error}") from None


def _parse_text_date(text: str, shown: str) -> tuple[dt.date, str | None]:
    if m := _ISO.fullmatch(text):
        return _real_date(_year(m[1]), int(m[2]), int(m[3]), shown), None
    if m := _DMY.fullmatch(text):
        return _real_date(_year(m[3]), int(m[2]), int(m[1]), shown), None
    if m := _DAY_MONTH_YEAR.fullmatch(text):
        month = _MONTHS.get(m[2])
        if month is not None:
            return _real_date(_year(m[3]), month, int(m[1]), shown), None
    if m := _MONTH_DAY_YEAR.fullmatch(text):
        month = _MONTHS.get(m[1])
        if month is not None:
            return _real_date(_year(m[3]), month, int(m[2]), shown), None
    if m := _FIN_QUARTER.fullmatch(text):
        start = _fin_year_end(m[2], m[3], shown)
        quarter = int(m[1])
        year, month = (start, 3 + 3 * quarter) if quarter < 4 else (start + 1, 3)
        day = _month_end(year, month)
        return day, f"'{clip(shown)}' read as the end of that quarter, {day:%d/%m/%Y}"
    if m := _FIN_YEAR.fullmatch(text):
        start = _fin_year_end(m[1], m[2], shown)
        day = dt.date(start + 1, 3, 31)
        return day, f"'{clip(shown)}' read as the end of that financial year, {day:%d/%m/%Y}"
    if m := (_END_MONTH.fullmatch(text) or _MONTH_YEAR.fullmatch(text)):
        month = _MONTHS.get(m[1])
        if month is not None:
            day = _month_end(_year(m[2]), month)
            return day, f"'{clip(shown)}' read as the end of that month, {day:%d/%m/%Y}"
    raise CellError(
        f"'{clip(shown)}' is not a date (use 31/03/2019, 31 March 2019, March 2019 or 2019/20)"
    )


# -- Numbers -----------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")


def parse_number(value: object, label: str) -> float | None:
    """A finite number from a cell ("1,234.5", "12%" → 12.0); None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"{label} '{text_of(value)}' is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = text_of(value).strip().removesuffix("%").strip()
        if not _NUMBER.fullmatch(text):
            raise CellError(f"{label} '{clip(text_of(value))}' is not a number")
        number = float(text.replace(",", ""))
    if not math.isfinite(number) or abs(number) > 1e12:
        raise CellError(f"{label} '{clip(text_of(value))}' is not a usable number")
    return number


def parse_score(value: object, label: str) -> int | None:
    """A likelihood or impact: a whole number from 1 to 5 (None when blank)."""
    number = parse_number(value, label)
    if number is None:
        return None
    if not number.is_integer() or not 1 <= number <= 5:
        raise CellError(f"{label} '{clip(text_of(value))}' is not a whole number from 1 to 5")
    return int(number)
