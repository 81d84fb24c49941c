"""An anonymous visitor whose request for a person became a ticket outside support
hours is asked for an email address to be answered at (actions/contact_email.py),
only when Kefu sends email; the email promise is made only when it can be kept."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from actions.contact_email import (
    ActionAskContactEmail,
    ActionSaveContactEmail,
    ValidateContactEmailForm,
)
from actions.general import ActionDefaultFallback
from actions.handoff import ActionEscalateToHuman
from helpdesk.models import Ticket
from tests.actions.conftest import (
    action_event,
    answer,
    bot_event,
    make_tracker,
    run,
    user_event,
)
from tests.conftest import CLOSED_HOURS

FORM = "contact_email_form"
ZH = {"language": "zh"}


@pytest.fixture
def closed(services):
    """Support is closed (a Sunday); email is off, as in the embedded default."""
    return replace(services, clock=lambda: CLOSED_HOURS)


@pytest.fixture
def mailing(closed):
    """Support is closed and Kefu sends email (an SMTP host is set)."""
    return replace(closed, settings=closed.settings.with_changes(smtp_host="127.0.0.1"))


def escalate(services, domain, slots=None, text="can I talk to a person", **kwargs):
    tracker = make_tracker(text, "request_human", slots=slots, **kwargs)
    return run(ActionEscalateToHuman(services), tracker, domain)


def the_ticket(records, conversation="conv-test"):
    return records.open_tickets_for_conversation(conversation)[0]


def stored_email(demo_db, ticket_id):
    with demo_db.session() as session:
        return session.execute(
            select(Ticket.contact_email).where(Ticket.id == ticket_id)
        ).scalar_one()


def starts_the_form(result) -> bool:
    return {"event": "active_loop", "name": FORM} in [
        {k: e.get(k) for k in ("event", "name")} for e in result.events
    ]


def asked(ticket, **slots):
    """The slots while the form waits for the address of `ticket`."""
    return {"contact_ticket_id": str(ticket.id), **slots}


# --- who is asked ----------------------------------------------------------------


def test_with_email_off_an_anonymous_visitor_is_promised_the_chat_only_and_not_asked(
    closed, records, domain
):
    result = escalate(closed, domain)
    ticket = the_ticket(records)
    assert not starts_the_form(result) and result.slot("contact_ticket_id") == "<unset>"
    assert "A person will reply here in this chat:" in result.text and ticket.ref in result.text
    assert "by email" not in result.text and "answer by email" not in result.text


def test_a_recognised_customer_is_not_asked_and_is_promised_email_to_their_address(
    mailing, records, domain
):
    mailing.identities.bind("conv-test", "C1003", "verification", CLOSED_HOURS)
    result = escalate(
        mailing, domain, slots={"customer_id": "C1003", "identity_method": "verification"}
    )
    customer = records.get_customer("C1003")
    assert not starts_the_form(result)
    assert f"A person will reply here in this chat and by email to {customer.email}" in result.text
    assert the_ticket(records).ref in result.text


def test_a_visitor_who_gave_an_address_while_verifying_is_not_asked_again(mailing, records, domain):
    result = escalate(mailing, domain, slots={"verification_email": "Visitor@Example.com"})
    assert not starts_the_form(result)
    assert "by email to visitor@example.com" in result.text


def test_an_anonymous_visitor_outside_hours_with_email_on_is_asked_for_an_address(
    mailing, records, domain
):
    result = escalate(mailing, domain)
    ticket = the_ticket(records)
    assert result.slot("contact_ticket_id") == str(ticket.id)
    assert result.events[-1] == {"event": "active_loop", "name": FORM, "timestamp": None}
    assert not result.handed_over  # the bot goes on: RulePolicy runs the form at once
    # the ticket's message promises only the chat: no address is known yet
    assert "A person will reply here in this chat:" in result.text
    assert "by email" not in result.text


def test_during_support_hours_the_visitor_is_queued_and_not_asked(services, domain):
    on = replace(services, settings=services.settings.with_changes(smtp_host="127.0.0.1"))
    result = escalate(on, domain)
    assert result.handed_over and not starts_the_form(result)


def test_a_second_request_adds_to_the_ticket_without_asking_again(mailing, records, domain):
    first = escalate(mailing, domain)
    assert starts_the_form(first)
    again = escalate(mailing, domain, text="hello? a person please")
    assert not starts_the_form(again)
    assert len(records.open_tickets_for_conversation("conv-test")) == 1


def test_the_form_follows_an_escalation_after_two_misunderstandings_too(mailing, domain):
    history = [
        user_event("blorf zingle", "nlu_fallback", 0.2),
        action_event("action_default_fallback"),
        bot_event("Sorry, I didn't get that."),
    ]
    tracker = make_tracker("wibble frotz plugh", "nlu_fallback", confidence=0.2, history=history)
    result = run(ActionDefaultFallback(mailing), tracker, domain)
    assert starts_the_form(result)
    assert "user_utterance_reverted" not in result.kinds  # that would undo the form


# --- the form, through its validation action against the real domain --------------


def test_the_form_asks_for_the_address_with_a_no_thanks_button(mailing, records, domain):
    escalate(mailing, domain)
    ticket = the_ticket(records)
    tracker = make_tracker(
        "can I talk to a person", "request_human", slots=asked(ticket), active_loop=FORM
    )
    started = run(ValidateContactEmailForm(mailing), tracker, domain)
    assert started.slot("requested_slot") == "contact_email"
    question = run(ActionAskContactEmail(mailing), tracker, domain)
    assert question.text.startswith("Would you like the answer by email as well")
    assert question.buttons == ["No thanks"]


def test_a_valid_address_is_stored_on_the_ticket_and_confirmed(mailing, records, domain, demo_db):
    escalate(mailing, domain)
    ticket = the_ticket(records)
    result = answer(
        ValidateContactEmailForm(mailing),
        "contact_email",
        "sure, it's Anna.Lee@Example.com",
        domain,
        slots=asked(ticket),
    )
    assert result.slot("contact_email") == "anna.lee@example.com"
    assert result.slot("requested_slot") is None and result.messages == []
    saved = run(
        ActionSaveContactEmail(mailing),
        make_tracker(
            "sure, it's Anna.Lee@Example.com",
            "inform",
            slots=asked(ticket, contact_email="anna.lee@example.com"),
        ),
        domain,
    )
    assert stored_email(demo_db, ticket.id) == "anna.lee@example.com"
    assert saved.text == (
        f"Thanks! A person will answer ticket {ticket.ref} by email to anna.lee@example.com "
        "as well as here in this chat, so the answer reaches you even if you close this window."
    )
    assert saved.slot("contact_ticket_id") is None


def test_an_address_read_as_another_request_is_still_the_answer(mailing, records, domain):
    escalate(mailing, domain)
    ticket = the_ticket(records)
    # Rasa's mapping took nothing (an account question is not an answer), the text has one
    tracker = make_tracker(
        "my email is anna@example.com",
        "check_account",
        slots=asked(ticket, requested_slot="contact_email"),
        active_loop=FORM,
    )
    result = run(ValidateContactEmailForm(mailing), tracker, domain)
    assert result.slot("contact_email") == "anna@example.com"
    assert result.slot("requested_slot") is None


def test_an_answer_without_an_address_is_asked_again_once(mailing, records, domain):
    escalate(mailing, domain)
    ticket = the_ticket(records)
    result = answer(
        ValidateContactEmailForm(mailing),
        "contact_email",
        "anna at example",
        domain,
        slots=asked(ticket),
    )
    assert result.slot("contact_email") is None and result.slot("contact_email_failures") == 1.0
    assert result.slot("requested_slot") == "contact_email" and result.messages == []
    again = run(
        ActionAskContactEmail(mailing),
        make_tracker("anna at example", "inform", slots=asked(ticket, contact_email_failures=1.0)),
        domain,
    )
    assert again.text.startswith("Sorry, I couldn't find an email address in that.")
    assert "name@example.com" in again.text


def test_a_second_answer_without_an_address_ends_the_form_politely(
    mailing, records, domain, demo_db
):
    escalate(mailing, domain)
    ticket = the_ticket(records)
    result = answer(
        ValidateContactEmailForm(mailing),
        "contact_email",
        "hmm what",
        domain,
        slots=asked(ticket, contact_email_failures=1.0),
    )
    assert result.slot("requested_slot") is None and result.slot("contact_email") is None
    assert result.text.startswith("Sorry, I still couldn't find an email address there")
    assert f"the answer to ticket {ticket.ref} will come here in this chat" in result.text
    after = run(
        ActionSaveContactEmail(mailing),
        make_tracker("hmm what", "inform", slots={"contact_ticket_id": None}),
        domain,
    )
    assert after.messages == [] and stored_email(demo_db, ticket.id) is None


@pytest.mark.parametrize(
    ("text", "intent"), [("no thanks", "deny"), ("I'd rather not", "inform"), ("/deny", "deny")]
)
def test_a_refusal_ends_the_form_politely_and_the_answer_still_comes_here(
    mailing, records, domain, text, intent
):
    escalate(mailing, domain)
    ticket = the_ticket(records)
    result = answer(
        ValidateContactEmailForm(mailing),
        "contact_email",
        text,
        domain,
        slots=asked(ticket),
        intent=intent,
    )
    assert result.slot("requested_slot") is None and result.slot("contact_ticket_id") is None
    assert result.text == (
        f"No problem: the answer to ticket {ticket.ref} will come here in this chat, "
        "and it will be waiting when you open the chat again."
    )


def test_a_yes_without_an_address_is_asked_which_address(mailing, records, domain):
    escalate(mailing, domain)
    ticket = the_ticket(records)
    result = answer(
        ValidateContactEmailForm(mailing),
        "contact_email",
        "yes please",
        domain,
        slots=asked(ticket),
        intent="affirm",
    )
    assert result.slot("requested_slot") == "contact_email"
    assert result.slot("contact_email_failures") == "<unset>"  # not a wrong answer
    question = run(
        ActionAskContactEmail(mailing),
        make_tracker("yes please", "affirm", slots=asked(ticket)),
        domain,
    )
    assert question.text == "Great: what email address should we write to?"


# --- never to the wrong people -----------------------------------------------------


def test_the_form_asks_nothing_of_a_recognised_customer_even_if_it_runs(mailing, domain):
    tracker = make_tracker(
        "human please",
        "request_human",
        slots={"contact_ticket_id": "1", "customer_id": "C1003"},
        active_loop=FORM,
    )
    result = run(ValidateContactEmailForm(mailing), tracker, domain)
    assert result.slot("requested_slot") is None and result.messages == []


def test_the_form_asks_nothing_when_email_is_off_even_if_it_runs(closed, domain):
    tracker = make_tracker(
        "human please", "request_human", slots={"contact_ticket_id": "1"}, active_loop=FORM
    )
    result = run(ValidateContactEmailForm(closed), tracker, domain)
    assert result.slot("requested_slot") is None and result.messages == []


def test_an_address_is_never_written_on_another_chats_ticket(mailing, records, domain, demo_db):
    escalate(mailing, domain, sender_id="someone-else")
    theirs = the_ticket(records, "someone-else")
    saved = run(
        ActionSaveContactEmail(mailing),
        make_tracker(
            "me@example.com", "inform", slots=asked(theirs, contact_email="me@example.com")
        ),
        domain,
    )
    assert saved.messages == [] and stored_email(demo_db, theirs.id) is None


def test_a_later_ticket_of_the_same_chat_gets_the_address_given_before(
    mailing, records, domain, demo_db
):
    first = escalate(mailing, domain)
    assert starts_the_form(first)
    records.set_ticket_status(the_ticket(records).id, "solved")
    later = escalate(mailing, domain, slots={"contact_email": "anna@example.com"})
    ticket = the_ticket(records)
    assert not starts_the_form(later)
    assert stored_email(demo_db, ticket.id) == "anna@example.com"
    assert "by email to anna@example.com" in later.text


# --- in Chinese ----------------------------------------------------------------------


def test_a_chinese_visitor_is_asked_and_answered_in_chinese(mailing, records, domain, demo_db):
    first = escalate(mailing, domain, slots=ZH, text="转人工")
    assert starts_the_form(first)
    assert "客服专员会直接在这个对话里答复您" in first.text and "邮件到" not in first.text
    ticket = the_ticket(records)
    question = run(
        ActionAskContactEmail(mailing),
        make_tracker("转人工", "request_human", slots=asked(ticket, **ZH)),
        domain,
    )
    assert question.text.startswith("需要我们同时把答复发到您的邮箱吗？")
    assert question.buttons == ["不用了，谢谢"]
    result = answer(
        ValidateContactEmailForm(mailing),
        "contact_email",
        "我的邮箱是 wang.li@163.com",
        domain,
        slots=asked(ticket, **ZH),
    )
    assert result.slot("contact_email") == "wang.li@163.com"
    saved = run(
        ActionSaveContactEmail(mailing),
        make_tracker(
            "我的邮箱是 wang.li@163.com",
            "inform",
            slots=asked(ticket, contact_email="wang.li@163.com", **ZH),
        ),
        domain,
    )
    assert saved.text.startswith(f"谢谢！客服专员会把工单 {ticket.ref} 的答复发到 wang.li@163.com")
    assert stored_email(demo_db, ticket.id) == "wang.li@163.com"


def test_a_chinese_no_thanks_ends_the_form_in_chinese(mailing, records, domain):
    escalate(mailing, domain, slots=ZH, text="转人工")
    ticket = the_ticket(records)
    result = answer(
        ValidateContactEmailForm(mailing),
        "contact_email",
        "不用了",
        domain,
        slots=asked(ticket, **ZH),
        intent="deny",
    )
    assert result.slot("requested_slot") is None
    assert (
        result.text
        == f"好的，没问题：工单 {ticket.ref} 的答复会发到这个对话里，下次打开对话时就能看到。"
    )


def test_a_recognised_chinese_customer_is_promised_email_in_chinese(mailing, records, domain):
    mailing.identities.bind("conv-test", "C1003", "verification", CLOSED_HOURS)
    result = escalate(
        mailing,
        domain,
        slots={"customer_id": "C1003", "identity_method": "verification", **ZH},
        text="转人工",
    )
    email = records.get_customer("C1003").email
    assert f"客服专员会在这个对话里答复您，同时发邮件到 {email}" in result.text
    assert not starts_the_form(result)
