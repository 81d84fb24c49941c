"""When people are at work: opening hours, public holidays and business-time targets.

Holidays come from the maintained `holidays` package for the configured country, so
the calendar stays right year after year without anyone editing a list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

import holidays

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SEARCH_DAYS = 400  # no real schedule is closed for longer than this


@dataclass
class SupportHours:
    """Weekly opening hours in one time zone, closed on the country's public holidays.

    `weekly` maps a weekday (0 = Monday) to ("HH:MM", "HH:MM") opening and closing
    times; a weekday that is missing is closed.
    """

    weekly: Dict[int, Tuple[str, str]]
    timezone: str
    timezone_label: str = ""
    holiday_country: Optional[str] = None
    _calendars: Dict[int, holidays.HolidayBase] = field(default_factory=dict, repr=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def holiday_name(self, day: date) -> Optional[str]:
        if not self.holiday_country:
            return None
        calendar = self._calendars.get(day.year)
        if calendar is None:
            calendar = holidays.country_holidays(self.holiday_country, years=day.year)
            self._calendars[day.year] = calendar
        return calendar.get(day)

    def window(self, day: date) -> Optional[Tuple[datetime, datetime]]:
        """The opening and closing moments of `day` (local), or None when closed."""
        span = self.weekly.get(day.weekday())
        if span is None or self.holiday_name(day):
            return None
        opens, closes = (time.fromisoformat(value) for value in span)
        return (
            datetime.combine(day, opens, tzinfo=self.zone),
            datetime.combine(day, closes, tzinfo=self.zone),
        )

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.zone)
        window = self.window(local.date())
        return window is not None and window[0] <= local < window[1]

    def next_opening(self, at: datetime) -> datetime:
        """`at` itself when open, otherwise the next moment the team starts work."""
        local = at.astimezone(self.zone)
        for offset in range(_SEARCH_DAYS):
            day = local.date() + timedelta(days=offset)
            window = self.window(day)
            if window is None:
                continue
            if local < window[0]:
                return window[0]
            if local < window[1]:
                return local
        raise ValueError("the support schedule never opens")

    def add_business_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` of opening time after `start` have passed."""
        remaining = timedelta(hours=hours)
        moment = start.astimezone(self.zone)
        for _ in range(_SEARCH_DAYS):
            moment = self.next_opening(moment)
            closes = self.window(moment.date())[1]  # type: ignore[index]
            if moment + remaining <= closes:
                return moment + remaining
            remaining -= closes - moment
            moment = closes
        raise ValueError("the support schedule never opens")

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """The same local time `days` working days later, kept within that day's
        hours. A request that arrives while closed counts from the next opening."""
        moment = self.next_opening(start)
        clock = moment.timetz().replace(tzinfo=None)
        day = moment.date()
        for _ in range(days):
            day += timedelta(days=1)
            while self.window(day) is None:
                day += timedelta(days=1)
        opens, closes = self.window(day)  # type: ignore[misc]
        candidate = datetime.combine(day, clock, tzinfo=self.zone)
        return min(max(candidate, opens), closes)

    def describe_moment(self, at: datetime, now: Optional[datetime] = None) -> str:
        """ "today at 3:00 pm Eastern", "tomorrow at 8:00 am Eastern" or
        "Monday, Nov 30 at 8:00 am Eastern"."""
        local = at.astimezone(self.zone)
        today = (now or datetime.now(self.zone)).astimezone(self.zone).date()
        clock = local.strftime("%I:%M %p").lstrip("0").lower()
        if local.date() == today:
            day = "today"
        elif local.date() == today + timedelta(days=1):
            day = "tomorrow"
        else:
            day = f"{_DAY_NAMES[local.weekday()]}, {local.strftime('%b')} {local.day}"
        label = f" {self.timezone_label}" if self.timezone_label else ""
        return f"{day} at {clock}{label}"

    def day_runs(self) -> List[Tuple[int, int, Optional[Tuple[str, str]]]]:
        """The week as runs of days with the same hours: (first day, last day, the
        opening and closing times or None when closed), Monday = 0."""
        runs: List[Tuple[int, int, Optional[Tuple[str, str]]]] = []
        day = 0
        while day < 7:
            span = self.weekly.get(day)
            end = day
            while end + 1 < 7 and self.weekly.get(end + 1) == span:
                end += 1
            runs.append((day, end, span))
            day = end + 1
        return runs

    def describe_week(self) -> List[str]:
        """One line per run of days with the same hours: "Monday–Friday 8:00–20:00"
        (in English; helpdesk/localization.py writes it in any language)."""
        lines: List[str] = []
        for first, last, span in self.day_runs():
            days = _DAY_NAMES[first] if first == last else f"{_DAY_NAMES[first]}–{_DAY_NAMES[last]}"
            lines.append(f"{days} {clock(span[0])}–{clock(span[1])}" if span else f"{days} closed")
        return lines


def clock(hhmm: str) -> str:
    """ "08:00" -> "8:00"."""
    return hhmm[1:] if hhmm.startswith("0") else hhmm
