"""The question router: a policy question told as a story goes to the knowledge
base; a request to act, or one naming an order, stays a request."""

from rasa.shared.nlu.training_data.message import Message

from helpdesk.parsing import asks_a_question
from kefu_rasa.question_router import KefuQuestionRouter


def parsed(text: str, ranking, entities=()) -> Message:
    message = Message(data={"text": text})
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set("intent", entries[0])
    message.set("intent_ranking", entries)
    message.set("entities", [{"entity": e, "value": "x"} for e in entities])
    return message


def route(message: Message) -> str:
    router = KefuQuestionRouter(KefuQuestionRouter.get_default_config())
    [result] = router.process([message])
    return result.get("intent")["name"]


def test_a_story_that_asks_the_rule_goes_to_the_knowledge_base():
    message = parsed(
        "I got a kettle two weeks ago and hate it, can it go back?",
        [("request_return", 0.6), ("ask_faq", 0.3), ("affirm", 0.1)],
    )
    assert route(message) == "ask_faq"
    assert message.get("intent")["confidence"] == 0.6
    assert [r["name"] for r in message.get("intent_ranking")][:2] == ["ask_faq", "request_return"]


def test_a_plain_request_to_act_stays_a_request():
    message = parsed(
        "I want to return my kettle", [("request_return", 0.6), ("ask_faq", 0.2)]
    )
    assert route(message) == "request_return"


def test_a_story_the_classifier_half_took_for_a_rule_question_gets_the_rule():
    message = parsed(
        "I bought headphones five weeks ago and only now realised I don't like them",
        [("report_problem", 0.36), ("ask_faq", 0.2), ("request_return", 0.13)],
    )
    assert route(message) == "ask_faq"


def test_a_question_naming_an_order_is_about_that_order():
    message = parsed(
        "can BW-104233 still go back?",
        [("request_return", 0.6), ("ask_faq", 0.3)],
        entities=["order_id"],
    )
    assert route(message) == "request_return"


def test_a_request_the_classifier_barely_thought_a_question_stays_a_request():
    message = parsed(
        "can you cancel my order please?", [("cancel_order", 0.9), ("ask_faq", 0.05)]
    )
    assert route(message) == "cancel_order"


def test_question_shapes():
    assert asks_a_question("how long do I have")
    assert asks_a_question("bought it last week, can it go back")
    assert asks_a_question("just wondering about returns")
    assert not asks_a_question("I want to send my kettle back")


def test_a_goodbye_that_also_reads_like_a_question_is_answered_not_said_goodbye_to():
    message = parsed("chat hours", [("goodbye", 0.68), ("ask_faq", 0.14), ("greet", 0.05)])
    assert route(message) == "ask_faq"


def test_a_plain_goodbye_stays_a_goodbye():
    message = parsed("ok thanks, bye", [("goodbye", 0.9), ("ask_faq", 0.03), ("greet", 0.02)])
    assert route(message) == "goodbye"
