from actions.common import Services
from actions.general import (
    ActionCancelCurrentTask,
    ActionGreet,
    ActionHandleFallback,
    ActionStartOver,
)
from actions.orders import ActionShowOrderStatus
from tests.actions.conftest import action_event, bot_event, make_tracker, run, user_event


def test_a_signed_in_customer_is_greeted_by_name(services, domain, token_for):
    result = run(
        ActionGreet(services),
        make_tracker("hi", "greet", metadata={"customer_token": token_for("C1001")}),
        domain,
    )
    assert result.text.startswith("Hi Maya! I'm the Brightwave virtual assistant")
    assert result.slot("customer_id") == "C1001"
    anonymous = run(ActionGreet(services), make_tracker("hi", "greet"), domain)
    assert anonymous.text.startswith("Hi! I'm the Brightwave virtual assistant")
    assert "Where is my order?" in anonymous.buttons


def test_the_first_misunderstanding_asks_again_with_suggestions(services, domain):
    result = run(
        ActionHandleFallback(services),
        make_tracker("blorp zzz", "nlu_fallback", confidence=0.2),
        domain,
    )
    assert "didn't quite get that" in result.text and "Talk to a person" in result.buttons
    assert not result.handed_over


def test_two_misunderstandings_in_a_row_bring_in_a_person(services, domain):
    history = [
        user_event("asdf qwer", "nlu_fallback", 0.2),
        action_event("action_handle_fallback"),
        bot_event("Sorry..."),
    ]
    tracker = make_tracker("zxcv", "nlu_fallback", history=history, confidence=0.1)
    result = run(ActionHandleFallback(services), tracker, domain)
    assert result.handed_over
    assert "support team" in result.text


def test_a_misunderstanding_after_an_understood_message_starts_counting_again(services, domain):
    history = [
        user_event("asdf", "nlu_fallback", 0.2),
        action_event("action_handle_fallback"),
        user_event("where is my order", "check_order_status"),
    ]
    result = run(
        ActionHandleFallback(services),
        make_tracker("zxcv", "nlu_fallback", history=history),
        domain,
    )
    assert not result.handed_over


def test_empty_and_very_long_messages_get_a_fitting_answer(services, domain):
    empty = run(ActionHandleFallback(services), make_tracker("   ", "nlu_fallback"), domain)
    assert "empty" in empty.text
    long = run(
        ActionHandleFallback(services), make_tracker("my order " * 500, "nlu_fallback"), domain
    )
    assert "Open a ticket" in long.buttons


def test_an_order_number_on_its_own_offers_what_can_be_done_with_it(services, domain):
    result = run(ActionHandleFallback(services), make_tracker("bw 104233", "inform"), domain)
    assert "order BW-104233" in result.text and "Where is it?" in result.buttons


def test_never_mind_ends_the_form_and_clears_the_task_but_not_the_identity(services, domain):
    slots = {
        "customer_id": "C1001",
        "identity_method": "token",
        "ticket_category": "billing",
        "requested_slot": "ticket_description",
    }
    result = run(
        ActionCancelCurrentTask(services),
        make_tracker("never mind", "nevermind", slots=slots, active_loop="ticket_form"),
        domain,
    )
    assert result.ended_form
    assert result.slot("ticket_category") is None and result.slot("customer_id") == "<unset>"
    assert "stopped the ticket" in result.text


def test_start_over_offers_a_fresh_start(services, domain):
    result = run(
        ActionStartOver(services),
        make_tracker("start over", "start_over", slots={"order_id": "BW-104101"}),
        domain,
    )
    assert result.slot("order_id") is None and "start over" in result.text


def test_a_broken_backend_gets_an_apology_not_a_stack_trace(settings, domain):
    broken = Services.from_settings(
        settings.with_changes(database_url="postgresql://kefu@127.0.0.1:9/nowhere")
    )
    result = run(
        ActionShowOrderStatus(broken),
        make_tracker(
            "where is my order",
            "check_order_status",
            slots={"customer_id": "C1001", "identity_method": "token"},
        ),
        domain,
    )
    assert (
        "can't reach our customer systems" in result.text and "Talk to a person" in result.buttons
    )


def test_an_angry_demand_for_a_person_escalates_even_when_the_nlu_fell_back(services, domain):
    tracker = make_tracker("this is useless, get me a human now", "nlu_fallback", confidence=0.3)
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "express_frustration", "confidence": 0.36},
        {"name": "request_human", "confidence": 0.25},
        {"name": "ask_faq", "confidence": 0.1},
    ]
    result = run(ActionHandleFallback(services), tracker, domain)
    assert result.handed_over
    assert "I'm really sorry" in result.text and "didn't quite get" not in result.text


def test_a_weak_guess_of_wanting_a_person_is_not_taken_for_one(services, domain):
    tracker = make_tracker("blorp zzz", "nlu_fallback", confidence=0.2)
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "request_human", "confidence": 0.2},
        {"name": "ask_faq", "confidence": 0.15},
    ]
    result = run(ActionHandleFallback(services), tracker, domain)
    assert not result.handed_over


def test_out_of_scope_is_said_unless_an_article_surely_answers_it(services, domain):
    from actions.general import ActionHandleOutOfScope

    phone = run(
        ActionHandleOutOfScope(services),
        make_tracker("what number do I ring to get hold of you lot", "out_of_scope"),
        domain,
    )
    assert "1-800-555-0199" in phone.text
    cars = run(
        ActionHandleOutOfScope(services),
        make_tracker("do you sell second-hand cars", "out_of_scope"),
        domain,
    )
    assert cars.messages[0].get("response") == "utter_out_of_scope"


def test_an_article_asked_for_in_two_words_is_not_taken_for_information(services, domain):
    result = run(
        ActionHandleFallback(services),
        make_tracker("hotline number", "inform", confidence=0.7),
        domain,
    )
    assert "1-800-555-0199" in result.text


ZH = {"language": "zh"}


def test_a_chinese_conversation_is_greeted_in_chinese_by_name(services, domain, token_for):
    result = run(
        ActionGreet(services),
        make_tracker("你好", "greet", slots=ZH, metadata={"customer_token": token_for("C1001")}),
        domain,
    )
    assert result.text.startswith("Maya，您好！我是 Brightwave 的智能客服助手")
    assert result.buttons == ["我的订单到哪了？", "我的工单", "反馈问题", "转人工客服"]


def test_a_chinese_misunderstanding_is_answered_in_chinese(services, domain):
    result = run(
        ActionHandleFallback(services),
        make_tracker("啊啊啊", "nlu_fallback", slots=ZH, confidence=0.2),
        domain,
    )
    assert result.text.startswith("抱歉，我没太明白") and "转人工客服" in result.buttons
    order = run(ActionHandleFallback(services), make_tracker("bw 104233", "inform", slots=ZH), domain)
    assert "订单 BW-104233 需要我帮您做什么？" in order.text and "查看物流" in order.buttons


def test_never_mind_in_chinese_names_the_task_in_chinese(services, domain):
    result = run(
        ActionCancelCurrentTask(services),
        make_tracker("算了", "nevermind", slots=ZH, active_loop="ticket_form"),
        domain,
    )
    assert "已为您退出工单填写" in result.text and result.ended_form
    start = run(ActionStartOver(services), make_tracker("重新开始", "start_over", slots=ZH), domain)
    assert start.text.startswith("好的，我们重新开始")


def test_a_broken_backend_apologises_in_the_conversations_language(settings, domain):
    broken = Services.from_settings(
        settings.with_changes(database_url="postgresql://kefu@127.0.0.1:9/nowhere")
    )
    result = run(
        ActionShowOrderStatus(broken),
        make_tracker(
            "我的订单到哪了",
            "check_order_status",
            slots={"customer_id": "C1001", "identity_method": "token", **ZH},
        ),
        domain,
    )
    assert "连不上我们的客户系统" in result.text and "转人工客服" in result.buttons
