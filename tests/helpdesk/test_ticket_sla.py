from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.ticket_sla import (
    AT_RISK,
    BREACHED,
    MET,
    ON_TRACK,
    business_time_between,
    resolution_due,
    ticket_sla,
)
from helpdesk.tickets import TicketRequest, open_ticket

ET = ZoneInfo("America/New_York")


def et(*args):
    return datetime(*args, tzinfo=ET)


@pytest.mark.parametrize(
    ("tier", "created", "due"),
    [
        # 4 hours on Friday evening, the other 4 on Saturday morning
        ("premier", et(2026, 11, 20, 16, 0), et(2026, 11, 21, 13, 0)),
        # Saturday closes at 17:00 and Sunday is closed: Monday
        ("premier", et(2026, 11, 28, 14, 0), et(2026, 11, 30, 13, 0)),
        # Wednesday, (Thanksgiving skipped), Friday, Saturday
        ("standard", et(2026, 11, 24, 15, 0), et(2026, 11, 28, 15, 0)),
        # from Saturday afternoon: Monday, Tuesday
        ("plus", et(2026, 11, 28, 16, 0), et(2026, 12, 1, 16, 0)),
        # opened on a Sunday: counted from Monday's opening
        ("plus", et(2026, 11, 29, 12, 0), et(2026, 12, 2, 8, 0)),
    ],
)
def test_resolution_targets_count_business_time_over_weekends_and_holidays(
    facts, tier, created, due
):
    assert resolution_due(facts, tier, created) == due


def test_business_time_between_skips_closed_hours_and_holidays(facts):
    hours = facts.hours
    # Friday 19:00 -> Monday 9:00: 1 h Friday, 8 h Saturday, 1 h Monday
    assert business_time_between(hours, et(2026, 11, 20, 19), et(2026, 11, 23, 9)) == timedelta(
        hours=10
    )
    # Wednesday 19:00 -> Friday 9:00 over Thanksgiving: 1 h + 1 h
    assert business_time_between(hours, et(2026, 11, 25, 19), et(2026, 11, 27, 9)) == timedelta(
        hours=2
    )
    assert business_time_between(hours, et(2026, 11, 27, 9), et(2026, 11, 25, 19)) == timedelta(0)


def _sla(facts, now, responded=None, solved=None, tier="premier"):
    opened = et(2026, 11, 24, 9, 0)  # a Tuesday
    return ticket_sla(
        facts,
        tier,
        opened,
        et(2026, 11, 24, 10, 0),  # first response: 1 business hour
        responded,
        et(2026, 11, 24, 17, 0),  # resolution: 8 business hours
        solved,
        now,
    )


def test_a_first_answer_in_time_meets_the_target_and_a_late_one_breaches_it(facts):
    on_time = _sla(facts, et(2026, 11, 24, 12), responded=et(2026, 11, 24, 9, 30))
    assert on_time.first_response.state == MET and not on_time.breached
    late = _sla(facts, et(2026, 11, 24, 12), responded=et(2026, 11, 24, 11, 0))
    assert late.first_response.state == BREACHED and late.breached


def test_an_unanswered_ticket_past_its_due_time_is_breached(facts):
    sla = _sla(facts, et(2026, 11, 24, 10, 1))
    assert sla.first_response.state == BREACHED
    assert sla.resolution.state == ON_TRACK
    assert sla.breached


def test_a_clock_is_at_risk_in_the_last_quarter_of_its_business_time(facts):
    # 8 business hours to solve: at risk from 15:00 (2 hours left)
    assert (
        _sla(facts, et(2026, 11, 24, 14, 50), responded=et(2026, 11, 24, 9, 5)).resolution.state
        == ON_TRACK
    )
    at_risk = _sla(facts, et(2026, 11, 24, 15, 10), responded=et(2026, 11, 24, 9, 5))
    assert at_risk.resolution.state == AT_RISK and at_risk.at_risk and not at_risk.breached


def test_solving_in_time_meets_the_resolution_target_and_nothing_is_due(facts):
    sla = _sla(
        facts, et(2026, 11, 30, 9), responded=et(2026, 11, 24, 9, 5), solved=et(2026, 11, 24, 16)
    )
    assert sla.resolution.state == MET and sla.first_response.state == MET
    assert sla.next_due is None


def test_the_next_due_time_is_the_first_response_until_answered(facts):
    assert _sla(facts, et(2026, 11, 24, 9, 10)).next_due == et(2026, 11, 24, 10, 0)
    answered = _sla(facts, et(2026, 11, 24, 9, 10), responded=et(2026, 11, 24, 9, 5))
    assert answered.next_due == et(2026, 11, 24, 17, 0)


def test_a_ticket_without_targets_has_no_state(facts):
    sla = ticket_sla(
        facts, "standard", et(2026, 11, 24, 9), None, None, None, None, et(2026, 12, 9)
    )
    assert sla.first_response.state is None and sla.resolution.state is None
    assert not sla.breached and sla.next_due is None


def test_an_opened_ticket_gets_both_due_times_of_its_customers_tier(records, facts):
    maya = records.get_customer("C1001")  # premier
    now = et(2026, 11, 24, 15, 0)
    opened = open_ticket(
        records, facts, TicketRequest(category="billing", description="x", customer=maya), now
    )
    assert opened.ticket.first_response_due == et(2026, 11, 24, 16, 0)
    assert opened.ticket.resolution_due == et(2026, 11, 25, 11, 0)  # 5 h today, 3 h tomorrow
    assert opened.ticket.with_sla(facts, now).sla.first_response.state == ON_TRACK
