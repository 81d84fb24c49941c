"""The commit listener (helpdesk/commit_notices.py) on a real SQLite database, through
the helpdesk's own writers: it hears what the consoles show once it is committed,
and nothing else."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from helpdesk.agents import AgentAccounts
from helpdesk.commit_notices import CommitNotices
from helpdesk.company import load_company
from helpdesk.conversation_records import ConversationRecords
from helpdesk.db import Database
from helpdesk.handoffs.desk import HandoffDesk
from helpdesk.models import Handoff, utcnow
from helpdesk.sql_records import SqlCustomerRecords
from tests.conftest import import_demo, queue_chat
from tests.webapp.agents_app import ALEX


@pytest.fixture
def heard(demo_db):
    commits = []
    notices = CommitNotices(demo_db, commits.append)
    notices.install()
    yield commits
    notices.remove()


def test_a_new_handoff_event_is_heard_after_its_commit(demo_db, heard, settings):
    chat = queue_chat(ConversationRecords(demo_db))
    heard.clear()
    agent = AgentAccounts(demo_db).create_agent(*ALEX)
    assert heard == []  # an agent account is not on the consoles' feed
    desk = HandoffDesk(
        demo_db, SqlCustomerRecords(demo_db), load_company(settings.knowledge_base_dir)
    )
    desk.add_note(chat, agent, "A note", utcnow())
    assert heard == [frozenset({"handoff_events"})]


def test_a_bulk_update_statement_is_heard_too(demo_db, heard):
    chat = queue_chat(ConversationRecords(demo_db))
    heard.clear()
    with demo_db.session() as session:
        session.execute(
            update(Handoff)
            .where(Handoff.id == chat)
            .values(claimed_at=utcnow() - timedelta(minutes=1))
        )
    assert heard == [frozenset({"handoffs"})]


def test_a_rolled_back_change_and_a_read_are_not_heard(demo_db, heard):
    chat = queue_chat(ConversationRecords(demo_db))
    heard.clear()
    with pytest.raises(RuntimeError), demo_db.session() as session:
        session.execute(update(Handoff).where(Handoff.id == chat).values(priority=1))
        raise RuntimeError("the use case failed")
    with demo_db.session() as session:
        session.get(Handoff, chat)
    assert heard == []


def test_another_database_in_the_process_is_not_heard(demo_db, heard, tmp_path):
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    import_demo(other)
    queue_chat(ConversationRecords(other))
    other.dispose()
    assert heard == []


def test_once_removed_it_hears_nothing(demo_db):
    commits = []
    notices = CommitNotices(demo_db, commits.append)
    notices.install()
    queue_chat(ConversationRecords(demo_db))
    notices.remove()
    queue_chat(ConversationRecords(demo_db), conversation_id="chat-other")
    assert len(commits) == 1
