"""The same models and importer on the PostgreSQL server (127.0.0.1:5432), in a
throwaway schema, so `DATABASE_URL=postgresql://...` is known to work."""


import pytest
from sqlalchemy import text

from helpdesk.identity import VerificationClaim
from helpdesk.importer import import_tickets
from helpdesk.orders import cancel_customer_order
from helpdesk.records import NewTicket
from helpdesk.sql_records import SqlCustomerRecords
from helpdesk.verification import verify_customer
from tests.conftest import DEMO_DATA, import_demo, postgres_schema

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_db():
    with postgres_schema() as db:
        yield db


def test_models_importer_and_records_work_on_postgresql(pg_db):
    import_demo(pg_db)
    records = SqlCustomerRecords(pg_db)
    assert (
        verify_customer(records, VerificationClaim("maya.thompson@example.com", "BW-104101")).id
        == "C1001"
    )
    assert cancel_customer_order(records, "C1001", "BW-104138").outcome == "cancelled"
    # Imported tickets carry explicit ids; a new chat ticket must still get a fresh one.
    ticket = records.create_ticket(
        NewTicket(
            category="other",
            subject="Hello",
            description="A question",
            urgency="low",
            priority=1,
            customer_id="C1001",
        )
    )
    assert ticket.id > 13
    assert len(records.search_customers("thompson")) == 1
    import_tickets(pg_db, DEMO_DATA / "tickets.csv")  # re-import keeps the sequence ahead
    assert (
        records.create_ticket(
            NewTicket(
                category="other", subject="Again", description="Another", urgency="low", priority=1
            )
        ).id
        > ticket.id
    )


def test_agents_and_the_handoff_state_machine_work_on_postgresql(pg_db):
    from datetime import timedelta

    from helpdesk.agents import AgentAccounts
    from helpdesk.company import load_company
    from helpdesk.config import Settings
    from helpdesk.conversation_records import ConversationRecords
    from helpdesk.handoffs.desk import HandoffConflict, HandoffDesk
    from tests.conftest import OPEN_HOURS, queue_chat

    import_demo(pg_db)
    accounts = AgentAccounts(pg_db)
    alex = accounts.create_agent("alex@brightwave.example", "Alex Rivera", "password 1234")
    sam = accounts.create_agent("sam@brightwave.example", "Sam Lee", "password 1234")
    signed_in = accounts.sign_in("alex@brightwave.example", "password 1234", OPEN_HOURS)
    assert accounts.agent_for_token(signed_in.token, OPEN_HOURS) == alex
    conversations = ConversationRecords(pg_db)
    records = SqlCustomerRecords(pg_db)
    desk = HandoffDesk(pg_db, records, load_company(Settings().knowledge_base_dir))
    chat = queue_chat(conversations)
    desk.claim(chat, alex, OPEN_HOURS)
    with pytest.raises(HandoffConflict):
        desk.claim(chat, sam, OPEN_HOURS)
    assert (
        conversations.route_customer_message("chat-maya", "hello", OPEN_HOURS).held_by_handoff
        == chat
    )
    outcome = desk.convert_to_ticket(chat, alex, OPEN_HOURS + timedelta(minutes=1))
    assert records.get_ticket(outcome.ticket.ticket.id).customer_id == "C1001"
    pg_db.create_schema()  # again: adds nothing, breaks nothing


def test_search_finds_tickets_chats_and_customers_on_postgresql_in_english_and_chinese(pg_db):
    from helpdesk.conversation_records import ConversationRecords
    from helpdesk.models import Ticket
    from helpdesk.search import Search
    from tests.conftest import queue_chat

    import_demo(pg_db)
    with pg_db.session() as session:
        session.add(
            Ticket(
                customer_id="C1001",
                category="damaged_item",
                subject="商品损坏",
                description="我的电视屏幕碎了 the stand is cracked too",
            )
        )
        session.commit()
    chat = queue_chat(ConversationRecords(pg_db), customer_text="my soundbar keeps flickering")
    search = Search(pg_db)
    assert [h.title for h in search.find("屏幕碎") if h.kind == "ticket"] == ["商品损坏"]
    assert [h.title for h in search.find("STAND crack") if h.kind == "ticket"] == ["商品损坏"]
    assert [h.ref for h in search.find("keeps flickering") if h.kind == "chat"] == [str(chat)]
    assert [h.ref for h in search.find("maya thompson") if h.kind == "customer"] == ["C1001"]
    assert search.find("100%_") == []
    with pg_db.engine.connect() as connection:
        indexes = connection.execute(
            text("SELECT indexname FROM pg_indexes WHERE indexname = :name"),
            {"name": "ix_tickets_search"},
        ).scalars().all()
    assert "ix_tickets_search" in indexes
