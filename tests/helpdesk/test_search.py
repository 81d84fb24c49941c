"""Search across tickets, chats and customers on the embedded SQLite database and
on PostgreSQL (helpdesk/search.py), including Chinese, which has no spaces."""

import pytest

from helpdesk.agents import AgentAccounts
from helpdesk.handoffs.desk import HandoffDesk
from helpdesk.models import Ticket
from helpdesk.search import Search
from tests.conftest import OPEN_HOURS, queue_chat


def _ticket(db, description, subject="Damaged item"):
    with db.session() as session:
        row = Ticket(
            customer_id="C1001", category="damaged_item", subject=subject, description=description
        )
        session.add(row)
        session.commit()
        return row.id


@pytest.fixture
def search(demo_db):
    return Search(demo_db)


def test_a_ticket_is_found_by_words_of_its_description_in_any_case_and_order(demo_db, search):
    _ticket(demo_db, "The blender jar arrived with a crack along the handle")
    _ticket(demo_db, "Wrong colour of kettle")
    hits = [h for h in search.find("HANDLE crack") if h.kind == "ticket"]
    assert len(hits) == 1 and "crack" in hits[0].snippet
    assert hits[0].ref.startswith("T-")


def test_chinese_is_found_by_any_part_of_a_sentence(demo_db, search):
    _ticket(demo_db, "我的电视屏幕碎了，包装也破了", subject="商品损坏")
    assert [h.title for h in search.find("屏幕碎") if h.kind == "ticket"] == ["商品损坏"]
    assert [h.title for h in search.find("包装") if h.kind == "ticket"] == ["商品损坏"]  # 2 chars


def test_a_chat_is_found_by_a_phrase_of_its_transcript_or_of_what_the_agent_wrote(
    demo_db, search, conversations, records, facts
):
    chat = queue_chat(conversations, customer_text="the soundbar keeps flickering its lights")
    desk = HandoffDesk(demo_db, records, facts)
    alex = AgentAccounts(demo_db).create_agent("alex@brightwave.example", "Alex", "password123!")
    desk.claim(chat, alex, OPEN_HOURS)
    desk.record_reply(chat, alex, "Please try a firmware reset first", OPEN_HOURS)
    assert [h.ref for h in search.find("keeps flickering") if h.kind == "chat"] == [str(chat)]
    assert [h.ref for h in search.find("firmware reset") if h.kind == "chat"] == [str(chat)]


def test_a_customer_is_found_by_name_email_or_id(search):
    assert [h.ref for h in search.find("maya thompson") if h.kind == "customer"] == ["C1001"]
    assert [h.ref for h in search.find("maya.thompson@example") if h.kind == "customer"] == [
        "C1001"
    ]
    assert "C1001" in [h.ref for h in search.find("c1001") if h.kind == "customer"]


def test_odd_queries_find_nothing_and_break_nothing(demo_db, search):
    _ticket(demo_db, "100% broken_item here")
    assert search.find("") == [] and search.find("   ") == []
    assert [h.kind for h in search.find("100%")] == ["ticket"]
    assert search.find('" OR 1=1 --') == []
    assert search.find("x" * 10_000) == []
    assert [h.kind for h in search.find("broken_item")] == ["ticket"]


def test_a_ticket_edited_later_is_found_by_its_new_words_not_its_old_ones(demo_db, search):
    from sqlalchemy import update

    opened = _ticket(demo_db, "original words about a toaster")
    with demo_db.session() as session:
        session.execute(
            update(Ticket).where(Ticket.id == opened).values(description="a kettle now")
        )
        session.commit()
    assert [h.kind for h in search.find("toaster")] == []
    assert [h.kind for h in search.find("kettle now")] == ["ticket"]
