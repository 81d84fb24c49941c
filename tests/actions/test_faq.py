"""Answers from the knowledge base as the customer reads them: by meaning, both
questions of a two-question message, an offer to act after a policy answer, and a
question Rasa's NLU did not understand still answered when an article surely does."""

from actions.faq import ActionAnswerFaq
from actions.general import ActionHandleFallback
from tests.actions.conftest import make_tracker, run, user_event


def test_a_question_in_words_unlike_any_example_gets_the_article(services, domain):
    result = run(
        ActionAnswerFaq(services),
        make_tracker("what number do I ring to reach a human at your place", "ask_faq"),
        domain,
    )
    assert "1-800-555-0199" in result.text
    assert "/help/contact#contact-details" in result.text


def test_a_message_with_two_questions_gets_both_answers(services, domain):
    result = run(
        ActionAnswerFaq(services),
        make_tracker("How long does standard shipping take? And do you take PayPal?", "ask_faq"),
        domain,
    )
    assert "3–5 business days" in result.text
    assert "PayPal" in result.text
    assert result.text.count("More in our help center") == 2


def test_a_return_rule_answer_offers_to_start_the_return(services, domain):
    result = run(
        ActionAnswerFaq(services),
        make_tracker("got a toaster last week, changed my mind, can I still return it?", "ask_faq"),
        domain,
    )
    assert "30 days of delivery" in result.text
    assert "Start a return" in result.buttons
    assert "Yes, thanks" in result.buttons


def test_a_question_the_bot_is_not_sure_of_offers_the_closest_topics_first(services, domain):
    result = run(
        ActionAnswerFaq(services),
        make_tracker("I got a kettle two weeks ago and hate it, can it go back?", "ask_faq"),
        domain,
    )
    if "/help/" not in result.text:  # in the not-sure band: the right topic comes first
        assert result.buttons[0] == "How long do I have to return something?"
    else:
        assert "30 days of delivery" in result.text


def test_nonsense_gets_no_confident_article(services, domain):
    result = run(
        ActionAnswerFaq(services),
        make_tracker("do you sell second-hand cars or boats", "ask_faq"),
        domain,
    )
    assert "/help/" not in result.text
    assert "not sure" in result.text


def test_a_question_the_nlu_did_not_understand_is_answered_when_an_article_surely_does(
    services, domain
):
    result = run(
        ActionHandleFallback(services),
        make_tracker("whats the phone number for support", "nlu_fallback", confidence=0.2),
        domain,
    )
    assert "1-800-555-0199" in result.text and "didn't quite get" not in result.text


def test_an_answered_fallback_does_not_count_as_a_misunderstanding(services, domain):
    answered = [
        user_event("whats the phone number for support", "nlu_fallback", 0.2),
        {"event": "action", "name": "action_handle_fallback"},
        {"event": "slot", "name": "faq_topic", "value": "contact-details"},
    ]
    result = run(
        ActionHandleFallback(services),
        make_tracker("blorp zzz", "nlu_fallback", history=answered, confidence=0.1),
        domain,
    )
    assert not result.handed_over
    assert "didn't quite get that" in result.text


def test_a_cancellation_that_asks_whether_it_still_can_hears_the_rule_before_verification(
    services, domain
):
    from actions.orders import ValidateCancellationForm

    result = run(
        ValidateCancellationForm(services),
        make_tracker(
            "it already shipped, is it too late to cancel?",
            "cancel_order",
            active_loop="cancellation_form",
        ),
        domain,
    )
    assert "processing" in result.text and "/help/orders#cancel-or-change-order" in result.text
    assert "Did that answer your question?" not in result.text
    assert result.slot("requested_slot") == "verification_email"


def test_a_cancellation_naming_the_order_is_not_lectured_with_the_rule(services, domain, token_for):
    from actions.orders import ValidateCancellationForm

    result = run(
        ValidateCancellationForm(services),
        make_tracker(
            "please cancel BW-104138",
            "cancel_order",
            metadata={"customer_token": token_for("C1001")},
            active_loop="cancellation_form",
        ),
        domain,
    )
    assert "More in our help center" not in result.text


def test_a_request_for_a_person_that_asks_for_the_phone_number_gets_both(services, domain):
    from actions.handoff import ActionEscalateToHuman

    result = run(
        ActionEscalateToHuman(services),
        make_tracker("is there a phone number I can call to speak to a person", "request_human"),
        domain,
    )
    assert "1-800-555-0199" in result.text and "in the queue" in result.text
    assert result.text.index("1-800-555-0199") < result.text.index("in the queue")


def test_a_plain_request_for_a_person_quotes_no_article(services, domain):
    from actions.handoff import ActionEscalateToHuman

    result = run(
        ActionEscalateToHuman(services),
        make_tracker("I want to talk to a person", "request_human"),
        domain,
    )
    assert "/help/" not in result.text and "in the queue" in result.text


ZH = {"language": "zh"}


def test_a_chinese_question_is_answered_from_the_chinese_article_with_its_chinese_link(
    services, domain
):
    result = run(
        ActionAnswerFaq(services),
        make_tracker("客服电话是多少", "ask_faq", slots=ZH),
        domain,
    )
    assert "1-800-555-0199" in result.text and "{{" not in result.text
    assert "周一至周五 8:00–20:00" in result.text  # the hours as Chinese writes them
    assert "详情请看帮助中心：http://localhost:8000/zh/help/contact#contact-details" in result.text
    assert "这个回答解决您的问题了吗？" in result.text
    assert result.buttons[:2] == ["解决了，谢谢", "没有"]


def test_a_chinese_return_question_offers_the_return_in_chinese(services, domain):
    result = run(
        ActionAnswerFaq(services),
        make_tracker("买了一个多星期了还能退货吗", "ask_faq", slots=ZH),
        domain,
    )
    assert "/zh/help/returns#return-window" in result.text
    assert "申请退货" in result.buttons  # company.yml's follow-up, zh/company.yml's title


def test_a_topic_chosen_with_a_button_is_quoted_in_the_conversations_language(services, domain):
    result = run(
        ActionAnswerFaq(services),
        make_tracker(
            "/ask_faq",
            "ask_faq",
            slots=ZH,
            entities=[{"entity": "faq_topic", "value": "contact-details"}],
        ),
        domain,
    )
    assert "/zh/help/contact#contact-details" in result.text and "More in our" not in result.text


def test_unhelpful_answers_get_chinese_offers(services, domain):
    from actions.faq import ActionRecordFaqFeedback

    result = run(
        ActionRecordFaqFeedback(services),
        make_tracker("没有", "deny", slots={**ZH, "faq_topic": "return-window"}),
        domain,
    )
    assert result.text.startswith("抱歉没能帮到您")
    assert result.buttons[-1] == "转人工客服"
    assert all(not title.isascii() for title in result.buttons)  # the Chinese topic titles
