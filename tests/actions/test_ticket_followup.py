"""Following up a ticket: its status, and information added to it, only ever the
customer's own."""

from actions.ticket_followup import (
    ActionAddTicketComment,
    ActionShowTicketStatus,
    ValidateTicketCommentForm,
)
from tests.actions.conftest import MAYA, MAYA_TOKEN, answer, make_tracker, run


def test_ticket_status_lists_open_tickets_and_never_anothers(services, domain):
    mine = run(
        ActionShowTicketStatus(services),
        make_tracker(
            "any news on my ticket", "check_ticket_status", slots=MAYA, metadata=MAYA_TOKEN
        ),
        domain,
    )
    assert "T-00001" in mine.text and "Charged twice" in mine.text
    theirs = run(
        ActionShowTicketStatus(services),
        make_tracker(
            "T-00002?",
            "check_ticket_status",
            slots={**MAYA, "ticket_id": "T-00002"},
            metadata=MAYA_TOKEN,
        ),
        domain,
    )
    assert "couldn't find that ticket" in theirs.text and "Earbuds" not in theirs.text


def test_information_is_added_to_the_customers_own_ticket(services, domain, records):
    form = ValidateTicketCommentForm(services)
    chosen = answer(form, "ticket_id", "T-00001", domain, slots=MAYA, metadata=MAYA_TOKEN)
    assert (
        chosen.slot("ticket_id") == "T-00001" and chosen.slot("requested_slot") == "ticket_comment"
    )
    result = run(
        ActionAddTicketComment(services),
        make_tracker(
            "the second charge was on Nov 3",
            "inform",
            slots={
                **MAYA,
                "ticket_id": "T-00001",
                "ticket_comment": "the second charge was on Nov 3",
            },
            metadata=MAYA_TOKEN,
        ),
        domain,
    )
    assert "added that to ticket T-00001" in result.text
    assert records.get_ticket(1).comments[-1].body == "the second charge was on Nov 3"
    other = answer(form, "ticket_id", "2", domain, slots=MAYA, metadata=MAYA_TOKEN)
    assert other.slot("ticket_id") is None


ZH = {"language": "zh"}


def test_ticket_status_and_comments_in_chinese(services, domain):
    mine = run(
        ActionShowTicketStatus(services),
        make_tracker("我的工单怎么样了", "check_ticket_status", slots={**MAYA, **ZH}, metadata=MAYA_TOKEN),
        domain,
    )
    assert mine.text.startswith("您未解决的工单：\n\n工单 T-00001 — `Charged twice`")
    assert "状态：处理中，等待客服回复。创建于 2026年" in mine.text
    assert "问题类型：账单或付款问题。" in mine.text
    assert mine.buttons == ["为 T-00001 补充信息"]
    added = run(
        ActionAddTicketComment(services),
        make_tracker(
            "第二笔扣款是11月3日",
            "inform",
            slots={**MAYA, **ZH, "ticket_id": "T-00001", "ticket_comment": "第二笔扣款是11月3日"},
            metadata=MAYA_TOKEN,
        ),
        domain,
    )
    assert added.text == "已补充到工单 T-00001，客服团队会看到。工单目前的状态：处理中。"
    missing = answer(
        ValidateTicketCommentForm(services),
        "ticket_id",
        "工单2",
        domain,
        slots={**MAYA, **ZH},
        metadata=MAYA_TOKEN,
    )
    assert missing.text == "您的账户里没有找到这个工单。工单号格式类似 T-00042。"
