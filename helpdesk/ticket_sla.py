"""A ticket's service-level targets: when its first response and its resolution
are due, and how each clock stands now.

Both targets come from the customer's tier (`first_response` and `resolution` in
knowledge_base/company.yml) and are counted in business time on the company's
holiday-aware calendar (helpdesk/support_hours.py): a ticket opened on Friday
evening is not late on Saturday morning.

Each clock is in one of four states:
- "met": done (first public agent reply / solved or closed) no later than due;
- "breached": done late, or not done and already past due;
- "at_risk": not done, and no more than the tier's `sla_at_risk_fraction` (0.25:
  the last quarter) of the target's business time is left;
- "on_track": not done, with more time left than that.
A clock without a due time (a ticket imported without targets) has no state (None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from helpdesk.company import CompanyFacts, Tier
from helpdesk.support_hours import SupportHours

MET, BREACHED, AT_RISK, ON_TRACK = "met", "breached", "at_risk", "on_track"
_LONGEST_SPAN_DAYS = 400  # a target further away than this is not a real schedule


def first_response_due(facts: CompanyFacts, tier_key: Optional[str], at: datetime) -> datetime:
    tier = facts.tier(tier_key)
    if tier.first_response_hours is not None:
        return facts.hours.add_business_hours(at, tier.first_response_hours)
    return facts.hours.add_business_days(at, tier.first_response_days or 1)


def resolution_due(facts: CompanyFacts, tier_key: Optional[str], at: datetime) -> datetime:
    """The resolution target of the tier; a tier that names none gets three
    business days (the standard tier's), so every new ticket has both clocks."""
    tier = facts.tier(tier_key)
    if tier.resolution_hours is not None:
        return facts.hours.add_business_hours(at, tier.resolution_hours)
    return facts.hours.add_business_days(at, tier.resolution_days or 3)


def business_time_between(hours: SupportHours, start: datetime, end: datetime) -> timedelta:
    """How much opening time lies between `start` and `end` (zero if end <= start)."""
    if end <= start:
        return timedelta(0)
    total = timedelta(0)
    local_start = start.astimezone(hours.zone)
    local_end = end.astimezone(hours.zone)
    day = local_start.date()
    for _ in range(_LONGEST_SPAN_DAYS):
        if day > local_end.date():
            break
        window = hours.window(day)
        if window is not None:
            opens, closes = max(window[0], local_start), min(window[1], local_end)
            if closes > opens:
                total += closes - opens
        day += timedelta(days=1)
    return total


@dataclass(frozen=True)
class SlaClock:
    """One target of a ticket: when it is due, when it was done (if it was), and
    how it stands at the moment it was computed."""

    due: Optional[datetime]
    done_at: Optional[datetime]
    state: Optional[str]  # met | breached | at_risk | on_track | None (no target)

    @property
    def breached(self) -> bool:
        return self.state == BREACHED

    @property
    def running(self) -> bool:
        """Still counting: not done, with a due time."""
        return self.due is not None and self.done_at is None


@dataclass(frozen=True)
class TicketSla:
    first_response: SlaClock
    resolution: SlaClock

    @property
    def breached(self) -> bool:
        return self.first_response.breached or self.resolution.breached

    @property
    def at_risk(self) -> bool:
        return AT_RISK in (self.first_response.state, self.resolution.state)

    @property
    def next_due(self) -> Optional[datetime]:
        """The earliest due time of a clock still running (None: nothing is due)."""
        running = [c.due for c in (self.first_response, self.resolution) if c.running]
        return min(running) if running else None  # type: ignore[type-var]


def clock_state(
    hours: SupportHours,
    tier: Tier,
    opened_at: datetime,
    due: Optional[datetime],
    done_at: Optional[datetime],
    now: datetime,
) -> SlaClock:
    if due is None:
        return SlaClock(due=None, done_at=done_at, state=None)
    if done_at is not None:
        return SlaClock(due=due, done_at=done_at, state=MET if done_at <= due else BREACHED)
    if now > due:
        return SlaClock(due=due, done_at=None, state=BREACHED)
    target = business_time_between(hours, opened_at, due)
    left = business_time_between(hours, now, due)
    at_risk = left <= target * tier.sla_at_risk_fraction
    return SlaClock(due=due, done_at=None, state=AT_RISK if at_risk else ON_TRACK)


def ticket_sla(
    facts: CompanyFacts,
    tier_key: Optional[str],
    opened_at: datetime,
    first_response_due_at: Optional[datetime],
    first_responded_at: Optional[datetime],
    resolution_due_at: Optional[datetime],
    solved_at: Optional[datetime],
    now: datetime,
) -> TicketSla:
    """How a ticket's two clocks stand at `now`."""
    tier = facts.tier(tier_key)
    hours = facts.hours
    return TicketSla(
        first_response=clock_state(
            hours, tier, opened_at, first_response_due_at, first_responded_at, now
        ),
        resolution=clock_state(hours, tier, opened_at, resolution_due_at, solved_at, now),
    )
