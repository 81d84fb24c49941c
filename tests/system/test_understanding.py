"""Multi-turn conversations through the running servers, one per kind of failure
customers met (issue 8): each asserts on the replies the customer reads.

The phrasings here are the team's own; the measure of how well the bot understands
customers it has never seen is the end-to-end question set (tests/e2e/)."""

from typing import Dict, List

import pytest

from helpdesk.config import Settings
from helpdesk.identity import issue_customer_token
from ops.chat_client import RestChat

pytestmark = pytest.mark.stack

MAYA_EMAIL, MAYA_ORDER = "maya.thompson@example.com", "BW-104101"


def signed_in_as(customer_id: str) -> Dict[str, str]:
    return {"customer_token": issue_customer_token(customer_id, Settings().customer_token_secret)}


def text(replies: List[Dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def buttons(replies: List[Dict]) -> List[str]:
    return [b["title"] for r in replies for b in r.get("buttons") or []]


def chat(stack, customer_id: str = "") -> RestChat:
    conversation = RestChat(
        stack.config.rasa_url, metadata=signed_in_as(customer_id) if customer_id else None
    )
    conversation.send("/greet")
    return conversation


def test_a_policy_question_told_as_a_story_gets_the_rule_then_the_offer_to_act(stack):
    replies = chat(stack).send("I bought a kettle ten days ago and honestly hate it, can it go back?")
    assert "30 days of delivery" in text(replies)
    assert "make sure I'm talking to the account holder" not in text(replies)
    assert "Start a return" in buttons(replies)


def test_a_plain_question_in_words_unlike_any_example_is_answered(stack):
    replies = chat(stack).send("what number do I ring to get hold of you lot")
    assert "1-800-555-0199" in text(replies)


def test_a_message_with_two_questions_gets_both_answers(stack):
    replies = chat(stack).send(
        "How many days does standard delivery take? And can I pay with Apple Pay?"
    )
    assert "3–5 business days" in text(replies)
    assert "Apple Pay" in text(replies)


def test_asking_for_a_copy_of_ones_data_is_not_a_deletion_request(stack):
    replies = chat(stack).send("please send me a copy of all the data you hold on me")
    assert "copy of your personal data" in text(replies)
    assert "deletion" not in text(replies).lower() or "copy" in text(replies).lower()
    assert not any(r.get("handoff") for r in replies)


def test_an_angry_demand_for_a_person_escalates(stack):
    replies = chat(stack).send("this is useless, get me a human now")
    assert "support team" in text(replies)
    assert "didn't quite get that" not in text(replies)


def test_that_order_means_the_order_just_discussed(stack):
    conversation = chat(stack, "C1001")
    first = conversation.send("where is my order BW-104119?")
    assert "BW-104119" in text(first)
    second = conversation.send("what was in that order?")
    assert "Orbit smart speaker" in text(second)
    assert "BW-104101" not in text(second) and "BW-104138" not in text(second)


def test_email_order_number_and_question_in_one_message_are_all_used(stack):
    replies = chat(stack).send(f"hi, {MAYA_EMAIL} order {MAYA_ORDER}, has it arrived?")
    said = text(replies)
    assert "you're verified" in said
    assert MAYA_ORDER in said and "delivered" in said.lower()
    assert "What would you like to do about order" not in said


def test_a_question_in_the_middle_of_verification_is_answered_and_verification_resumes(stack):
    conversation = chat(stack)
    asked = conversation.send("where is my order?")
    assert "email" in text(asked).lower()
    answered = conversation.send("wait, how long do I have to return things?")
    assert "30 days of delivery" in text(answered)
    resumed = conversation.send(MAYA_EMAIL)
    assert "order number" in text(resumed).lower()
    done = conversation.send(MAYA_ORDER)
    assert "you're verified" in text(done)


def test_the_ticket_form_takes_free_text_and_keeps_every_detail(stack):
    conversation = chat(stack, "C1001")
    started = conversation.send("I need to open a ticket")
    assert "What is it about?" in text(started)
    # an order number typed where the category was asked is kept...
    kept = conversation.send("BW-104119")
    assert "Which order is it about?" not in text(kept)
    # ...and the description typed next names the category by itself
    described = conversation.send(
        "one of the speakers won't charge any more, the light just blinks red"
    )
    assert "How urgent" in text(described)
    said = text(conversation.send('/inform{"urgency": "normal"}'))
    assert "Here's the ticket I'll open" in said
    assert "Faulty product" in said and "BW-104119" in said
    assert "Billing" not in said
    changing = conversation.send("/deny")
    assert "Which detail should I change?" in text(changing)
    asked = conversation.send("urgency")
    assert "How urgent" in text(asked)
    summary = conversation.send("/inform{\"urgency\": \"high\"}")
    assert "Here's the ticket I'll open" in text(summary) and "BW-104119" in text(summary)


def test_a_description_mentioning_card_charges_stays_a_ticket_not_a_fraud_escalation(stack):
    conversation = chat(stack, "C1001")
    conversation.send("I want to report a problem")
    replies = conversation.send(
        "I was charged twice on my card for order BW-104101, once on the 12th and again on the 13th"
    )
    said = text(replies)
    assert not any(r.get("handoff") for r in replies)
    assert "Billing" in said or "How urgent" in said or "Here's the ticket" in said
