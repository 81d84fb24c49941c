"""Dates, times, money, opening hours and response targets as a reader of each
language expects them: "Nov 17, 2026" and "$849.00" in English, "2026年11月17日" and
"US$849.00" in Chinese.

Names of days and months, date patterns and currency signs come from the CLDR data
that Babel ships (a maintained library, no download); the phrases around them
("{days} closed", "{count} business days") are in the reply catalogue's
`formatting` area, so a company rewords them with the rest of the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import List, Optional, Tuple

from babel.dates import format_date, get_day_names
from babel.numbers import format_currency, get_currency_name

from helpdesk.replies import ReplyCatalogue
from helpdesk.support_hours import SupportHours, clock

# Babel locale per conversation language.
LOCALES = {"en": "en_US", "zh": "zh_Hans_CN"}
# English keeps the shop's own signs ("$849.00", "CA$12.00").
_ENGLISH_SIGNS = {"USD": "$", "CAD": "CA$"}


@dataclass(frozen=True)
class Localizer:
    catalogue: ReplyCatalogue
    language: str

    @property
    def locale(self) -> str:
        return LOCALES.get(self.language, LOCALES["en"])

    def _say(self, key: str, **values: object) -> str:
        return self.catalogue.text(f"formatting.{key}", self.language, **values)

    def date(self, moment: Optional[datetime], zone: object = None) -> str:
        """ "Nov 17, 2026" / "2026年11月17日"; "—" for no date."""
        if moment is None:
            return "—"
        local = moment.astimezone(zone) if zone is not None else moment
        if self.language == "en":
            return f"{local.strftime('%b')} {local.day}, {local.year}"
        return format_date(local.date(), "long", locale=self.locale)

    def short_date(self, moment: datetime) -> str:
        """ "Nov 30" / "11月30日"."""
        if self.language == "en":
            return f"{moment.strftime('%b')} {moment.day}"
        return format_date(moment.date(), "M月d日", locale=self.locale)

    def weekday(self, index: int, short: bool = False) -> str:
        """0 = Monday: "Monday" / "周一" (Chinese uses the short names in lists)."""
        width = "abbreviated" if short or self.language == "zh" else "wide"
        return str(get_day_names(width, locale=self.locale)[index])

    def money(self, amount: Decimal, currency: str) -> str:
        code = currency.upper()
        if self.language == "en":
            sign = _ENGLISH_SIGNS.get(code)
            return f"{sign}{amount:,.2f}" if sign else f"{amount:,.2f} {code}"
        shown = format_currency(amount, code, locale=self.locale)
        # "US$849.00" says its currency; "CA$" is less known outside Canada.
        return (
            shown if code == "USD" else f"{shown}（{get_currency_name(code, locale=self.locale)}）"
        )

    def clock(self, moment: datetime) -> str:
        """ "3:00 pm" / "15:00"."""
        if self.language == "en":
            return moment.strftime("%I:%M %p").lstrip("0").lower()
        return moment.strftime("%H:%M").lstrip("0") or "0:00"

    def week(self, hours: SupportHours) -> List[str]:
        """One line per run of days with the same hours: "Monday–Friday 8:00–20:00"."""
        return [self._run(first, last, span) for first, last, span in hours.day_runs()]

    def _run(self, first: int, last: int, span: Optional[Tuple[str, str]]) -> str:
        days = (
            self.weekday(first)
            if first == last
            else self._say("day_range", first=self.weekday(first), last=self.weekday(last))
        )
        if span is None:
            return self._say("days_closed", days=days)
        return self._say("days_open", days=days, opens=clock(span[0]), closes=clock(span[1]))

    def support_hours(self, hours: SupportHours, zone_label: str) -> str:
        """ "Monday–Friday 8:00–20:00, Saturday 9:00–17:00 Eastern"."""
        open_days = [self._run(*run) for run in hours.day_runs() if run[2] is not None]
        joined = self._say("list_separator").join(open_days)
        return self._say("support_hours", days=joined, zone=zone_label).strip()

    def moment(
        self, hours: SupportHours, at: datetime, zone_label: str, now: Optional[datetime] = None
    ) -> str:
        """ "today at 3:00 pm Eastern", "tomorrow at 8:00 am Eastern",
        "Monday, Nov 30 at 8:00 am Eastern"."""
        local = at.astimezone(hours.zone)
        today = (now or datetime.now(hours.zone)).astimezone(hours.zone).date()
        clock = self.clock(local)
        if local.date() == today:
            return self._say("moment_today", clock=clock, zone=zone_label).strip()
        if local.date() == today + timedelta(days=1):
            return self._say("moment_tomorrow", clock=clock, zone=zone_label).strip()
        return self._say(
            "moment_day",
            weekday=self.weekday(local.weekday()),
            date=self.short_date(local),
            clock=clock,
            zone=zone_label,
        ).strip()

    def target(self, hours: Optional[int], days: Optional[int]) -> str:
        """ "1 business hour", "4 business hours", "1 business day"."""
        if hours is not None:
            key = "target_business_hour" if hours == 1 else "target_business_hours"
            return self._say(key, count=hours)
        count = days or 1
        return self._say(
            "target_business_day" if count == 1 else "target_business_days", count=count
        )
