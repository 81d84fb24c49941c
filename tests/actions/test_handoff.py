from dataclasses import replace

import pytest
from sqlalchemy import select

from actions.common import Services
from actions.handoff import ActionEscalateToHuman
from helpdesk.models import Handoff
from tests.actions.conftest import action_event, bot_event, make_tracker, run, user_event
from tests.conftest import CLOSED_HOURS

HISTORY = [
    user_event("my headphones arrived broken", "report_problem", 0.88),
    action_event("ticket_form"),
    bot_event("Which order is it about?"),
]


def test_a_request_for_a_person_pauses_the_bot_and_records_the_whole_story(
    services, domain, demo_db, token_for
):
    tracker = make_tracker(
        "can I talk to a real person",
        "request_human",
        slots={"ticket_category": "damaged_item"},
        metadata={"customer_token": token_for("C1002")},
        history=HISTORY,
        active_loop="ticket_form",
    )
    result = run(ActionEscalateToHuman(services), tracker, domain)
    assert result.handed_over and result.ended_form
    assert "pause" not in result.kinds  # Rasa's pause is the Rasa process's (kefu_rasa/pause.py)
    assert "next in the queue" in result.text
    with demo_db.session() as session:
        handoff = session.execute(select(Handoff)).scalar_one()
    assert handoff.reason == "customer_request" and handoff.customer_id == "C1002"
    assert handoff.identity_method == "token"
    assert handoff.collected["ticket_category"] == "damaged_item"
    assert [t["text"] for t in handoff.transcript] == [
        "my headphones arrived broken",
        "Which order is it about?",
        "can I talk to a real person",
    ]
    assert (
        handoff.transcript[0]["intent"] == "report_problem"
        and handoff.transcript[0]["confidence"] == 0.88
    )


@pytest.mark.parametrize(
    ("intent", "reason"),
    [
        ("report_fraud", "fraud"),
        ("raise_legal_issue", "legal"),
        ("request_data_deletion", "privacy_deletion"),
        ("express_frustration", "customer_upset"),
    ],
)
def test_sensitive_topics_and_upset_customers_are_escalated_with_their_reason(
    services, domain, demo_db, intent, reason
):
    run(ActionEscalateToHuman(services), make_tracker("...", intent), domain)
    with demo_db.session() as session:
        assert session.execute(select(Handoff.reason)).scalar_one() == reason


def test_outside_hours_the_customer_gets_a_ticket_and_the_time_a_person_answers(
    services, records, domain
):
    closed = replace(services, clock=lambda: CLOSED_HOURS)
    closed.identities.bind("conv-test", "C1003", "verification", CLOSED_HOURS)
    tracker = make_tracker(
        "human please",
        "request_human",
        slots={"customer_id": "C1003", "identity_method": "verification"},
    )
    result = run(ActionEscalateToHuman(closed), tracker, domain)
    assert not result.handed_over
    ticket = records.list_tickets("C1003")[0]
    assert ticket.ref in result.text
    assert "offline right now" in result.text and "back tomorrow at 8:00 am Eastern" in result.text
    # nobody is promised to join now when nobody can
    assert "bring in" not in result.text and "Of course" not in result.text
    assert (
        "answer by tomorrow at 8:00 am Eastern" not in result.text
    )  # standard: one business day later
    assert "Tuesday, Dec 1 at 8:00 am Eastern" in result.text


def test_a_database_that_is_down_still_gets_the_customer_to_a_person(settings, domain):
    broken = Services.from_settings(
        settings.with_changes(database_url="postgresql://kefu@127.0.0.1:9/nowhere")
    )
    result = run(ActionEscalateToHuman(broken), make_tracker("agent", "request_human"), domain)
    assert "support@brightwave.example" in result.text and "1-800-555-0199" in result.text
    assert "Traceback" not in result.text


def test_the_transcript_shows_what_the_customer_saw_not_the_widgets_own_messages(
    services, domain, demo_db
):
    history = [
        user_event("/greet", "greet", metadata={"silent": True}),
        bot_event("Hi! How can I help?"),
        user_event(
            "/check_order_status",
            "check_order_status",
            metadata={"display_text": "Where is my order?"},
        ),
        bot_event("What's the email address on your account?"),
    ]
    run(
        ActionEscalateToHuman(services),
        make_tracker("a person please", "request_human", history=history),
        domain,
    )
    with demo_db.session() as session:
        handoff = session.execute(select(Handoff)).scalar_one()
    assert [t["text"] for t in handoff.transcript] == [
        "Hi! How can I help?",
        "Where is my order?",
        "What's the email address on your account?",
        "a person please",
    ]


ZH = {"language": "zh"}


def test_a_chinese_request_for_a_person_is_answered_in_chinese_and_stored_in_chinese(
    services, domain, demo_db
):
    result = run(
        ActionEscalateToHuman(services),
        make_tracker("转人工", "request_human", slots=ZH),
        domain,
    )
    assert result.handed_over
    assert result.text.startswith("好的，我这就为您转接客服团队的工作人员。下一个就轮到您了。")
    with demo_db.session() as session:
        handoff = session.execute(select(Handoff)).scalar_one()
    assert handoff.language == "zh"  # the desk's notices in this chat speak it too


def test_outside_hours_a_chinese_customer_hears_the_times_in_chinese(services, records, domain):
    closed = replace(services, clock=lambda: CLOSED_HOURS)
    closed.identities.bind("conv-test", "C1003", "verification", CLOSED_HOURS)
    tracker = make_tracker(
        "麻烦帮我转接工作人员",
        "request_human",
        slots={"customer_id": "C1003", "identity_method": "verification", **ZH},
    )
    result = run(ActionEscalateToHuman(closed), tracker, domain)
    ticket = records.list_tickets("C1003")[0]
    assert "我会确保客服团队的工作人员收到您的问题。客服团队现在不在线" in result.text
    assert "周一至周五 8:00–20:00，周六 9:00–17:00（美东时间）" in result.text
    assert "将于明天 8:00（美东时间）恢复服务" in result.text
    assert "12月1日（周二）8:00（美东时间）之前回复您" in result.text
    assert f"我已为您创建工单 {ticket.ref}" in result.text and "support@brightwave.example" in result.text


def test_a_chinese_customer_is_told_the_contacts_in_chinese_when_the_database_is_down(
    settings, domain
):
    broken = Services.from_settings(
        settings.with_changes(database_url="postgresql://kefu@127.0.0.1:9/nowhere")
    )
    result = run(ActionEscalateToHuman(broken), make_tracker("人工", "request_human", slots=ZH), domain)
    assert "现在连不上我们的客服系统" in result.text
    assert "1-800-555-0199（周一至周五 8:00–20:00" in result.text
