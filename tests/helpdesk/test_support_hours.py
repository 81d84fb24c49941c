from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from helpdesk.tickets import first_response_due

ET = ZoneInfo("America/New_York")


def et(*args):
    return datetime(*args, tzinfo=ET)


def test_open_on_weekdays_and_saturday_within_hours(facts):
    hours = facts.hours
    assert hours.is_open(et(2026, 11, 24, 8, 0))  # Tuesday opening
    assert not hours.is_open(et(2026, 11, 24, 20, 0))  # Tuesday closing time
    assert hours.is_open(et(2026, 11, 28, 16, 59))  # Saturday
    assert not hours.is_open(et(2026, 11, 28, 17, 0))
    assert not hours.is_open(et(2026, 11, 29, 12, 0))  # Sunday


def test_us_public_holidays_come_from_the_maintained_calendar(facts):
    hours = facts.hours
    assert hours.holiday_name(et(2026, 11, 26).date())  # Thanksgiving 2026
    assert not hours.is_open(et(2026, 11, 26, 12, 0))
    assert hours.holiday_name(et(2027, 7, 5).date())  # July 4th 2027 is a Sunday: observed Monday
    assert not hours.is_open(et(2027, 7, 5, 12, 0))


def test_next_opening_skips_sunday_and_holidays(facts):
    hours = facts.hours
    assert hours.next_opening(et(2026, 11, 28, 18, 0)) == et(2026, 11, 30, 8, 0)
    assert hours.next_opening(et(2026, 11, 25, 21, 0)) == et(
        2026, 11, 27, 8, 0
    )  # after Thanksgiving
    assert hours.next_opening(et(2026, 11, 24, 10, 0)) == et(2026, 11, 24, 10, 0)


@pytest.mark.parametrize(
    ("tier", "created", "due"),
    [
        ("premier", et(2026, 11, 24, 15, 0), et(2026, 11, 24, 16, 0)),
        ("premier", et(2026, 11, 24, 19, 30), et(2026, 11, 25, 8, 30)),  # runs over closing
        ("plus", et(2026, 11, 28, 15, 0), et(2026, 11, 30, 10, 0)),  # Saturday -> Monday
        ("plus", et(2026, 11, 25, 22, 0), et(2026, 11, 27, 12, 0)),  # over Thanksgiving
        ("standard", et(2026, 11, 24, 15, 0), et(2026, 11, 25, 15, 0)),
        (
            "standard",
            et(2026, 11, 27, 19, 0),
            et(2026, 11, 28, 17, 0),
        ),  # clamped to Saturday's close
        ("standard", et(2026, 11, 29, 12, 0), et(2026, 12, 1, 8, 0)),  # Sunday counts from Monday
    ],
)
def test_first_response_targets_count_business_time_only(facts, tier, created, due):
    assert first_response_due(facts, tier, created) == due


def test_week_is_described_in_runs_of_equal_hours(facts):
    assert facts.hours.describe_week() == [
        "Monday–Friday 8:00–20:00",
        "Saturday 9:00–17:00",
        "Sunday closed",
    ]


def test_moments_are_described_relative_to_now(facts):
    now = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)
    assert facts.hours.describe_moment(et(2026, 11, 24, 16, 0), now) == "today at 4:00 pm Eastern"
    assert facts.hours.describe_moment(et(2026, 11, 25, 8, 0), now) == "tomorrow at 8:00 am Eastern"
    assert (
        facts.hours.describe_moment(et(2026, 11, 30, 8, 0), now)
        == "Monday, Nov 30 at 8:00 am Eastern"
    )
