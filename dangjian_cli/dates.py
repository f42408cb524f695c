"""Whole-month and whole-year date arithmetic, one definition for every layer.

The checks (an applicant is 18 on the birthday 18 years on) and the rules (a term of
office, a period's deadline, the window a year back) move dates by the same
calendar rule, so it lives here, below both: checks must not import rules. A day
past the end of a shorter month becomes that month's last day, so 29 February
moved by a year is 28 February, and 31 August plus six months is 28 (or 29)
February.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months; a day past the month's end becomes its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)
