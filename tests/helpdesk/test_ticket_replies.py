"""What a customer is promised about the answer to a ticket opened in their chat."""

from helpdesk.config import PROJECT_ROOT
from helpdesk.desk_texts import DeskTexts
from helpdesk.ticket_replies import where_the_answer_comes

TEXTS = DeskTexts(PROJECT_ROOT / "knowledge_base")


def test_without_an_address_only_the_chat_is_promised(facts):
    said = where_the_answer_comes(facts, "T-00042", "en", TEXTS)
    assert said.startswith("A person will reply here in this chat:")
    assert "T-00042" in said and "by email" not in said


def test_with_the_tickets_address_the_answer_is_promised_by_email_too(facts):
    said = where_the_answer_comes(facts, "T-00042", "en", TEXTS, email="anna@example.com")
    assert said.startswith("A person will reply here in this chat and by email to anna@example.com")
    assert "T-00042" in said and facts.support_email in said


def test_the_email_promise_in_chinese(facts):
    said = where_the_answer_comes(facts, "T-00042", "zh", TEXTS, email="wang.li@163.com")
    assert said.startswith("客服专员会在这个对话里答复您，同时发邮件到 wang.li@163.com")
    assert "T-00042" in said
    plain = where_the_answer_comes(facts, "T-00042", "zh", TEXTS)
    assert "邮件到" not in plain and "T-00042" in plain
