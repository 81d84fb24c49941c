"""The customer record an agent sees: spend per currency, lifecycle stage, churn
risk with its reasons, and the generated case summary."""

from datetime import timedelta
from decimal import Decimal

from helpdesk.customer_profile import build_profile
from helpdesk.handoffs.desk import HandoffDesk
from helpdesk.handoffs.summary import summarize
from tests.conftest import OPEN_HOURS, queue_chat


def test_spend_is_added_up_per_currency_never_across_currencies(records, conversations):
    profile = build_profile(records, conversations, "C1001", OPEN_HOURS)
    spend = dict(profile.spend_by_currency)
    # BW-104101 was paid in CAD; the other two (shipped, processing) in USD.
    assert spend == {"CAD": Decimal("2257.98"), "USD": Decimal("1346.00")}
    assert (profile.currency, profile.lifetime_spend) == ("CAD", Decimal("2257.98"))
    assert profile.order_count == 3


def test_a_customer_who_ordered_recently_is_active_with_low_risk(records, conversations):
    profile = build_profile(records, conversations, "C1001", OPEN_HOURS)
    assert profile.lifecycle_stage == "active"
    assert profile.churn_risk == "low" and profile.churn_reasons == ("1 open ticket",)


def test_poor_ratings_and_open_tickets_raise_the_churn_risk(records, conversations):
    conversations.record_rating("old-chat", 1, "useless", "C1001")
    records.add_ticket_comment(1, "customer", "Maya", "Still charged twice!")
    profile = build_profile(records, conversations, "C1001", OPEN_HOURS)
    assert profile.churn_risk == "medium"
    assert "rated a recent conversation 1–2 out of 5" in profile.churn_reasons
    assert profile.ratings[0].rating == 1 and profile.average_rating == 1.0


def test_a_year_without_orders_means_lapsed(records, conversations):
    profile = build_profile(records, conversations, "C1001", OPEN_HOURS + timedelta(days=400))
    assert profile.lifecycle_stage == "lapsed"
    assert "no order in over a year" in profile.churn_reasons


def test_an_unknown_customer_has_no_profile(records, conversations):
    assert build_profile(records, conversations, "C9999", OPEN_HOURS) is None


def test_the_summary_says_who_why_which_order_and_what_they_wrote_last(
    demo_db, records, conversations, facts
):
    chat = queue_chat(conversations, customer_text="The screen is cracked!!")
    detail = HandoffDesk(demo_db, records, facts).detail(chat)
    profile = build_profile(records, conversations, "C1001", OPEN_HOURS)
    summary = summarize(detail, profile)
    assert summary.startswith("Maya Thompson (Premier customer, signed in on the website).")
    assert "About order BW-104119 (shipped)." in summary
    assert "Last wrote: “The screen is cracked!!”" in summary
    assert "Open tickets: T-00001." in summary


def test_the_summary_of_an_anonymous_visitor_says_they_are_not_verified(
    demo_db, records, conversations, facts
):
    chat = queue_chat(conversations, customer_id=None)
    summary = summarize(HandoffDesk(demo_db, records, facts).detail(chat), None)
    assert summary.startswith("An anonymous visitor (identity not verified).")


def test_the_console_may_ask_for_the_summary_in_chinese(demo_db, records, conversations, facts):
    chat = queue_chat(conversations, customer_text="The screen is cracked!!")
    detail = HandoffDesk(demo_db, records, facts).detail(chat)
    profile = build_profile(records, conversations, "C1001", OPEN_HOURS, language="zh")
    summary = summarize(detail, profile, language="zh")
    assert summary.startswith(
        "Maya Thompson（Premier 会员，已在网站登录）。转人工原因：顾客要求转人工。"
    )
    assert "涉及订单 BW-104119（已发货）。" in summary
    assert "最后留言：“The screen is cracked!!”" in summary  # the customer's own words
    assert "未结工单：T-00001。" in summary
    assert profile.churn_reasons == ("1 张未结工单",)


def test_an_anonymous_visitors_summary_in_chinese_says_they_are_not_verified(
    demo_db, records, conversations, facts
):
    chat = queue_chat(conversations, customer_id=None)
    summary = summarize(HandoffDesk(demo_db, records, facts).detail(chat), None, language="zh")
    assert summary.startswith("匿名访客（身份未验证）。")
    assert "问题：The TV screen is cracked。" in summary
