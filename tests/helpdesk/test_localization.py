from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from helpdesk.company import load_company
from helpdesk.localization import Localizer
from helpdesk.replies import load_reply_catalogue
from ops.paths import ROOT

KB = ROOT / "knowledge_base"


@pytest.fixture(scope="module")
def catalogue():
    return load_reply_catalogue(KB)


def test_dates_and_money_read_as_a_chinese_reader_expects(catalogue):
    local = Localizer(catalogue, "zh")
    moment = datetime(2026, 11, 17, 15, 0, tzinfo=load_company(KB).hours.zone)
    assert local.date(moment) == "2026年11月17日"
    assert local.money(Decimal("849"), "USD") == "US$849.00"
    assert "加拿大元" in local.money(Decimal("12"), "CAD")


def test_english_dates_and_money_stay_as_they_were(catalogue):
    local = Localizer(catalogue, "en")
    moment = datetime(2026, 11, 17, 15, 0, tzinfo=load_company(KB).hours.zone)
    assert local.date(moment) == "Nov 17, 2026"
    assert local.money(Decimal("849"), "USD") == "$849.00"
    assert local.money(Decimal("12"), "CAD") == "CA$12.00"


def test_opening_hours_are_stated_in_each_language(catalogue):
    facts = load_company(KB)
    english = Localizer(catalogue, "en").support_hours(facts.hours, facts.hours.timezone_label)
    assert english == facts.support_hours_text
    chinese_facts = load_company(KB, "zh")
    chinese = Localizer(catalogue, "zh").support_hours(
        chinese_facts.hours, chinese_facts.hours.timezone_label
    )
    assert chinese == "周一至周五 8:00–20:00，周六 9:00–17:00（美东时间）"
    assert Localizer(catalogue, "zh").week(facts.hours)[-1] == "周日休息"


def test_moments_and_targets_read_in_chinese(catalogue):
    facts = load_company(KB)
    local = Localizer(catalogue, "zh")
    now = datetime(2026, 11, 17, 15, 0, tzinfo=facts.hours.zone)
    assert local.moment(facts.hours, now + timedelta(days=1), "美东时间", now) == (
        "明天 15:00（美东时间）"
    )
    assert local.target(1, None) == "1 个工作小时" and local.target(None, 1) == "1 个工作日"
    assert Localizer(catalogue, "en").target(4, None) == "4 business hours"


def test_the_chinese_company_facts_keep_every_number_and_change_only_the_words():
    english, chinese = load_company(KB), load_company(KB, "zh")
    assert chinese.tiers["plus"].label == "Plus 会员"
    assert chinese.tiers["plus"].first_response_hours == english.tiers["plus"].first_response_hours
    assert chinese.support_phone == english.support_phone
    assert set(chinese.ticket_categories) == set(english.ticket_categories)
    assert all(cat.examples for cat in chinese.ticket_categories.values())
