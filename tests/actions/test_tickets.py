from actions.ticket_form import ValidateTicketForm
from actions.ticket_questions import ActionAskTicketConfirmed
from actions.tickets import ActionOpenTicket
from tests.actions.conftest import MAYA, MAYA_TOKEN, answer, make_tracker, run
from tests.conftest import OPEN_HOURS


def test_the_customers_first_words_become_category_and_description(services, domain):
    text = "The Aurora TV I got yesterday arrived with a cracked screen"
    result = run(
        ValidateTicketForm(services),
        make_tracker(text, "report_problem", slots=MAYA, metadata=MAYA_TOKEN),
        domain,
    )
    assert result.slot("ticket_category") == "damaged_item"
    assert result.slot("ticket_description") == text
    assert result.slot("requested_slot") == "order_id"


def test_a_return_request_is_a_return_ticket(services, domain):
    result = run(
        ValidateTicketForm(services),
        make_tracker(
            "/request_return",
            "request_return",
            slots={**MAYA, "order_id": "BW-104101"},
            metadata=MAYA_TOKEN,
        ),
        domain,
    )
    assert result.slot("ticket_category") == "return_request"
    assert result.slot("requested_slot") == "ticket_description"


def test_the_ticket_order_must_be_the_customers(services, domain):
    form = ValidateTicketForm(services)
    slots = {**MAYA, "requested_slot": "order_id", "ticket_category": "damaged_item"}
    theirs = answer(form, "order_id", "BW-104167", domain, slots=slots, metadata=MAYA_TOKEN)
    assert theirs.slot("order_id") is None and "couldn't find order BW-104167" in theirs.text
    mine = answer(form, "order_id", "104101", domain, slots=slots, metadata=MAYA_TOKEN)
    assert (
        mine.slot("order_id") == "BW-104101" and mine.slot("requested_slot") == "ticket_description"
    )


def test_a_billing_problem_does_not_need_an_order(services, domain):
    slots = {**MAYA, "requested_slot": "ticket_category"}
    result = answer(
        ValidateTicketForm(services),
        "ticket_category",
        "billing",
        domain,
        slots=slots,
        metadata=MAYA_TOKEN,
    )
    assert (
        result.slot("ticket_category") == "billing"
        and result.slot("requested_slot") == "ticket_description"
    )


def test_a_too_short_description_is_asked_again(services, domain):
    slots = {**MAYA, "requested_slot": "ticket_description", "ticket_category": "billing"}
    result = answer(
        ValidateTicketForm(services),
        "ticket_description",
        "broken",
        domain,
        slots=slots,
        metadata=MAYA_TOKEN,
    )
    assert result.slot("ticket_description") is None and "a little more" in result.text


def test_urgency_in_the_customers_words(services, domain):
    slots = {
        **MAYA,
        "requested_slot": "ticket_urgency",
        "ticket_category": "billing",
        "ticket_description": "I was charged twice for one order",
    }
    result = answer(
        ValidateTicketForm(services),
        "ticket_urgency",
        "pretty urgent tbh",
        domain,
        slots=slots,
        metadata=MAYA_TOKEN,
    )
    assert (
        result.slot("ticket_urgency") == "high"
        and result.slot("requested_slot") == "ticket_confirmed"
    )


SUMMARY_SLOTS = {
    **MAYA,
    "requested_slot": "ticket_confirmed",
    "ticket_category": "billing",
    "ticket_description": "charged twice for one order",
    "ticket_urgency": "high",
}


def test_no_change_it_asks_which_detail_and_keeps_the_others(services, domain):
    declined = answer(
        ValidateTicketForm(services),
        "ticket_confirmed",
        "no",
        domain,
        slots=SUMMARY_SLOTS,
        metadata=MAYA_TOKEN,
        intent="deny",
        value=False,
    )
    assert declined.slot("requested_slot") == "ticket_change"
    assert declined.slot("ticket_category") == "<unset>"  # nothing emptied yet
    changing = answer(
        ValidateTicketForm(services),
        "ticket_change",
        "the urgency is wrong",
        domain,
        slots={**SUMMARY_SLOTS, "ticket_confirmed": False, "requested_slot": "ticket_change"},
        metadata=MAYA_TOKEN,
    )
    assert changing.slot("ticket_urgency") is None
    assert changing.slot("requested_slot") == "ticket_urgency"
    assert changing.slot("ticket_description") == "<unset>"  # kept as it was


def test_the_summary_quotes_the_customers_text_as_given(services, domain):
    slots = {
        **MAYA,
        "ticket_category": "damaged_item",
        "order_id": "BW-104101",
        "ticket_description": "<script>alert(1)</script> box crushed",
        "ticket_urgency": "normal",
    }
    result = run(
        ActionAskTicketConfirmed(services),
        make_tracker("normal", "inform", slots=slots, metadata=MAYA_TOKEN),
        domain,
    )
    assert "<script>alert(1)</script> box crushed" in result.text and "BW-104101" in result.text


def test_opening_the_ticket_stores_it_with_priority_and_tells_number_and_target(
    services, domain, records
):
    slots = {
        **MAYA,
        "ticket_category": "damaged_item",
        "order_id": "BW-104101",
        "ticket_description": "The fridge door arrived dented",
        "ticket_urgency": "high",
        "ticket_confirmed": True,
    }
    result = run(
        ActionOpenTicket(services),
        make_tracker("yes", "affirm", slots=slots, metadata=MAYA_TOKEN),
        domain,
    )
    ticket = records.list_tickets("C1001")[0]
    assert (
        ticket.ref in result.text
        and "within 1 business hour" in result.text
        and "Premier" in result.text
    )
    assert (ticket.category, ticket.order_id, ticket.urgency) == (
        "damaged_item",
        "BW-104101",
        "high",
    )
    assert ticket.priority >= 9  # Premier x high
    assert ticket.first_response_due is not None
    assert result.slot("ticket_description") is None  # ready for the next ticket


def test_a_standard_customer_is_promised_one_business_day(services, domain, records):
    slots = {
        "customer_id": "C1003",
        "identity_method": "verification",
        "ticket_category": "billing",
        "order_id": "none",
        "ticket_description": "I was charged twice this month",
        "ticket_urgency": "low",
        "ticket_confirmed": True,
    }
    services.identities.bind("conv-test", "C1003", "verification", OPEN_HOURS)
    result = run(ActionOpenTicket(services), make_tracker("yes", "affirm", slots=slots), domain)
    assert "within 1 business day" in result.text and "Standard" in result.text
    assert records.list_tickets("C1003")[0].order_id is None


CONFIRMED = {
    **MAYA,
    "ticket_category": "damaged_item",
    "order_id": "BW-104101",
    "ticket_description": "The box arrived crushed and the kettle is dented",
    "ticket_urgency": "normal",
    "ticket_confirmed": True,
}


def test_the_same_confirmation_twice_opens_one_ticket(services, domain, records):
    """A retried "yes" (the reply was lost when Rasa crashed) finds the ticket."""
    first = run(
        ActionOpenTicket(services),
        make_tracker("yes", "affirm", slots=CONFIRMED, metadata=MAYA_TOKEN),
        domain,
    )
    again = run(
        ActionOpenTicket(services),
        make_tracker("yes", "affirm", slots=CONFIRMED, metadata=MAYA_TOKEN),
        domain,
    )
    [ticket] = [t for t in records.list_tickets("C1001") if t.conversation_id == "conv-test"]
    assert ticket.ref in first.text and ticket.ref in again.text


def test_a_link_in_the_customers_description_is_quoted_back_as_words(services, domain):
    slots = {**CONFIRMED, "ticket_description": "[Reset your password](https://evil.example) now"}
    result = run(
        ActionAskTicketConfirmed(services),
        make_tracker("normal", "inform", slots=slots, metadata=MAYA_TOKEN),
        domain,
    )
    assert "`[Reset your password](https://evil.example) now`" in result.text


def broken_services(services):
    from dataclasses import replace

    from actions.common import Services

    down = Services.from_settings(
        services.settings.with_changes(database_url="postgresql://kefu@127.0.0.1:9/nowhere")
    )
    return replace(down, clock=services.clock)


def test_a_confirmation_the_database_cannot_store_is_kept_for_a_retry(services, domain):
    result = run(
        ActionOpenTicket(broken_services(services)),
        make_tracker("yes", "affirm", slots=CONFIRMED, metadata=MAYA_TOKEN, active_loop=None),
        domain,
    )
    assert "couldn't save your ticket" in result.text and len(result.messages) == 1
    assert result.slot("requested_slot") == "ticket_confirmed"
    assert {"event": "active_loop", "name": "ticket_form"}.items() <= next(
        e for e in result.events if e["event"] == "active_loop"
    ).items()
    assert result.slot("ticket_description", "kept") == "kept"  # nothing cleared


def test_a_form_answer_the_database_cannot_check_keeps_the_form_where_it_was(services, domain):
    slots = {**MAYA, "ticket_category": "damaged_item"}
    result = answer(
        ValidateTicketForm(broken_services(services)),
        "order_id",
        "BW-104101",
        domain,
        slots=slots,
        metadata=MAYA_TOKEN,
    )
    assert result.text.count("can't reach our customer systems") == 1
    assert result.slot("requested_slot") == "order_id"  # asked again, form still on
    assert result.slot("order_id") is None  # not kept unchecked
    assert not result.ended_form


def test_an_order_number_typed_for_the_category_is_kept_and_not_asked_again(services, domain):
    result = answer(
        ValidateTicketForm(services),
        "ticket_category",
        "BW-104101",
        domain,
        slots=MAYA,
        metadata=MAYA_TOKEN,
    )
    assert result.slot("order_id") == "BW-104101"
    assert result.slot("requested_slot") == "ticket_category"


def test_a_description_typed_for_the_order_is_kept_without_a_wrong_order_message(
    services, domain
):
    text = "my headphones stopped working after a week and won't charge any more"
    result = answer(
        ValidateTicketForm(services),
        "order_id",
        text,
        domain,
        slots={**MAYA, "ticket_category": "faulty_product"},
        metadata=MAYA_TOKEN,
    )
    assert result.slot("ticket_description") == text
    assert "couldn't find" not in result.text
    assert result.slot("requested_slot") == "order_id"


def test_the_category_is_asked_at_most_twice_then_the_best_guess_is_shown(services, domain):
    asked_twice = [
        {"event": "active_loop", "name": "ticket_form"},
        {"event": "action", "name": "action_ask_ticket_category"},
        {"event": "action", "name": "action_ask_ticket_category"},
    ]
    result = answer(
        ValidateTicketForm(services),
        "ticket_category",
        "hmm not sure",
        domain,
        slots={**MAYA, "ticket_description": "the phone won't charge any more"},
        metadata=MAYA_TOKEN,
        history=asked_twice,
    )
    assert result.slot("ticket_category") == "faulty_product"
    assert "didn't catch" not in result.text


def test_the_rule_for_the_problem_comes_before_the_questions(services, domain):
    text = "You sent me a blue stand mixer instead of the red one I ordered"
    result = run(
        ValidateTicketForm(services),
        make_tracker(
            text, "report_problem", slots=MAYA, metadata=MAYA_TOKEN, active_loop="ticket_form"
        ),
        domain,
    )
    assert result.slot("ticket_category") == "wrong_item"
    assert "replacement" in result.text and "48 hours" in result.text
    assert "Did that answer" not in result.text  # the form's own question follows
    again = run(
        ValidateTicketForm(services),
        make_tracker(
            text,
            "report_problem",
            slots={**MAYA, "faq_topic": "damaged-or-wrong-item"},
            metadata=MAYA_TOKEN,
            active_loop="ticket_form",
        ),
        domain,
    )
    assert "48 hours" not in again.text


ZH = {"language": "zh"}


def test_a_chinese_first_message_becomes_category_and_description(services, domain):
    text = "收到的电视屏幕裂了，外箱也被压烂了"
    result = run(
        ValidateTicketForm(services),
        make_tracker(text, "report_problem", slots={**MAYA, **ZH}, metadata=MAYA_TOKEN),
        domain,
    )
    assert result.slot("ticket_category") == "damaged_item"
    assert result.slot("ticket_description") == text


def test_chinese_answers_to_the_ticket_questions_are_understood(services, domain):
    form = ValidateTicketForm(services)
    category = answer(
        form, "ticket_category", "账单或付款问题", domain, slots={**MAYA, **ZH}, metadata=MAYA_TOKEN
    )
    assert category.slot("ticket_category") == "billing"
    slots = {**MAYA, **ZH, "ticket_category": "damaged_item"}
    no_order = answer(form, "order_id", "和订单无关。", domain, slots=slots, metadata=MAYA_TOKEN)
    assert no_order.slot("order_id") == "none"
    short = answer(
        form,
        "ticket_description",
        "坏了",
        domain,
        slots={**slots, "order_id": "BW-104101"},
        metadata=MAYA_TOKEN,
    )
    assert short.slot("ticket_description") is None and "能再说得详细一点吗" in short.text
    described = {**slots, "order_id": "BW-104101", "ticket_description": "冰箱门到的时候凹进去一块"}
    urgent = answer(form, "ticket_urgency", "挺急的", domain, slots=described, metadata=MAYA_TOKEN)
    assert urgent.slot("ticket_urgency") == "high"
    relaxed = answer(form, "ticket_urgency", "不着急", domain, slots=described, metadata=MAYA_TOKEN)
    assert relaxed.slot("ticket_urgency") == "low"


def test_no_change_it_in_chinese_names_the_detail(services, domain):
    changing = answer(
        ValidateTicketForm(services),
        "ticket_change",
        "紧急程度选错了",
        domain,
        slots={**SUMMARY_SLOTS, **ZH, "ticket_confirmed": False, "requested_slot": "ticket_change"},
        metadata=MAYA_TOKEN,
    )
    assert changing.slot("ticket_urgency") is None
    assert changing.slot("requested_slot") == "ticket_urgency"


def test_the_chinese_summary_uses_the_chinese_labels(services, domain):
    slots = {
        **MAYA,
        **ZH,
        "ticket_category": "damaged_item",
        "ticket_description": "外箱压烂了，水壶有凹痕",
        "ticket_urgency": "high",
    }
    result = run(
        ActionAskTicketConfirmed(services),
        make_tracker("紧急", "inform", slots=slots, metadata=MAYA_TOKEN),
        domain,
    )
    assert result.text == (
        "我将为您提交以下工单：\n- 问题类型：商品损坏\n- 订单：无\n- 紧急程度：紧急\n"
        "- 问题描述：`外箱压烂了，水壶有凹痕`\n\n确认提交吗？"
    )
    assert result.buttons == ["是，提交工单", "不，我要修改"]


def test_the_ticket_questions_offer_chinese_labels(services, domain):
    from actions.ticket_questions import ActionAskTicketCategory, ActionAskTicketUrgency

    category = run(ActionAskTicketCategory(services), make_tracker("x", slots=ZH), domain)
    assert category.text.startswith("我来为您创建工单") and "商品损坏" in category.buttons
    urgency = run(ActionAskTicketUrgency(services), make_tracker("x", slots=ZH), domain)
    assert urgency.buttons == ["不急", "请尽快处理", "紧急"]


def test_opening_a_ticket_in_chinese_tells_number_tier_and_target_in_chinese(
    services, domain, records
):
    result = run(
        ActionOpenTicket(services),
        make_tracker("是的", "affirm", slots={**CONFIRMED, **ZH}, metadata=MAYA_TOKEN),
        domain,
    )
    ticket = records.list_tickets("C1001")[0]
    assert result.text.startswith(f"已为您创建工单 {ticket.ref}。您是Premier 会员")
    assert "1 个工作小时内回复您，最晚不超过今天 16:00（美东时间）" in result.text


def test_a_chinese_confirmation_the_database_cannot_store_is_kept_in_chinese(services, domain):
    result = run(
        ActionOpenTicket(broken_services(services)),
        make_tracker("是", "affirm", slots={**CONFIRMED, **ZH}, metadata=MAYA_TOKEN),
        domain,
    )
    assert "工单没能保存" in result.text and result.slot("requested_slot") == "ticket_confirmed"


def test_questions_asked_inside_the_forms_turn_count_towards_the_two_asks(services, domain):
    # Rasa runs a form's question within the form's own turn: the tracker holds the
    # bot's messages marked with the asking action, not an ActionExecuted of it.
    asked_twice = [
        {"event": "active_loop", "name": "ticket_form"},
        {"event": "bot", "text": "?", "metadata": {"utter_action": "action_ask_ticket_category"}},
        {"event": "bot", "text": "?", "metadata": {"utter_action": "action_ask_ticket_category"}},
    ]
    result = answer(
        ValidateTicketForm(services),
        "ticket_category",
        "BW-104167",
        domain,
        slots={**MAYA, "ticket_description": "the phone won't charge any more"},
        metadata=MAYA_TOKEN,
        history=asked_twice,
    )
    assert result.slot("ticket_category") == "faulty_product"
