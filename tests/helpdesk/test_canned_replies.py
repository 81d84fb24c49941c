"""Canned replies in the service core (helpdesk/canned_replies.py): seeded from the
knowledge base when the database is created, kept in the database afterwards, their
placeholders checked on saving and filled from the chat on inserting."""

import pytest

from helpdesk.agents import AgentAccounts
from helpdesk.canned_replies import (
    CannedReplies,
    CannedReplyError,
    NewCannedReply,
)
from helpdesk.config import PROJECT_ROOT
from helpdesk.db import Database
from helpdesk.handoffs.teams import Teams

KB = PROJECT_ROOT / "knowledge_base"


def test_a_new_database_holds_the_knowledge_bases_replies_in_both_languages(empty_db):
    replies = CannedReplies(empty_db)
    english = {r.shortcut for r in replies.list("en")}
    chinese = {r.shortcut for r in replies.list("zh")}
    assert {"greeting", "order-number", "shipping", "returns", "delay", "thanks"} <= english
    assert 8 <= len(english) <= 10 and english == chinese
    assert "{first_name}" in replies.find("en", "greeting").body
    assert "您好" in replies.find("zh", "greeting").body


def test_after_seeding_the_database_is_the_truth_a_removed_reply_stays_removed(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'kefu.db'}")
    db.create_schema()
    replies = CannedReplies(db)
    greeting = replies.find("en", "greeting")
    replies.remove(greeting.id)
    replies.edit(replies.find("en", "thanks").id, body="Bye {first_name}!")
    db.create_schema()  # every start does this again
    assert "greeting" not in {r.shortcut for r in replies.list("en")}
    assert replies.find("en", "thanks").body == "Bye {first_name}!"
    # importing the knowledge base again adds only what the database lacks
    added = replies.import_knowledge_base(KB)
    assert [(r.language, r.shortcut) for r in added] == [("en", "greeting")]
    assert replies.find("en", "thanks").body == "Bye {first_name}!"
    db.dispose()


def test_an_unknown_placeholder_is_refused_on_saving_and_names_the_known_ones(empty_db):
    replies = CannedReplies(empty_db)
    with pytest.raises(CannedReplyError) as refused:
        replies.add(NewCannedReply("coupon", "Coupon", "Use {frist_name} code", "en"))
    assert "{frist_name}" in str(refused.value) and "{first_name}" in str(refused.value)
    with pytest.raises(CannedReplyError):
        replies.edit(replies.find("en", "thanks").id, body="Bye {name}")
    assert replies.find("en", "thanks").body.startswith("Thank you")


def test_a_shortcut_is_unique_per_language_and_keeps_to_its_alphabet(empty_db):
    replies = CannedReplies(empty_db)
    with pytest.raises(CannedReplyError, match="already"):
        replies.add(NewCannedReply("greeting", "Hello again", "Hello!", "en"))
    with pytest.raises(CannedReplyError, match="shortcut"):
        replies.add(NewCannedReply("Say Hi!", "Hi", "Hi!", "en"))
    with pytest.raises(CannedReplyError, match="languages"):
        replies.add(NewCannedReply("hola", "Hola", "Hola", "es"))
    made = replies.add(NewCannedReply("/Late-Refund", "Late refund", "Sorry!", "zh"))
    assert (made.shortcut, made.language) == ("late-refund", "zh")
    other = replies.add(NewCannedReply("late-refund", "Late refund", "Sorry!", "en"))
    with pytest.raises(CannedReplyError, match="already"):
        replies.edit(other.id, language="zh")


def test_a_reply_for_a_team_is_offered_only_to_its_members(empty_db):
    accounts = AgentAccounts(empty_db)
    ana = accounts.create_agent("ana@shop.example", "Ana Lima", "a long password")
    sam = accounts.create_agent("sam@shop.example", "Sam Lee", "a long password")
    teams = Teams(empty_db)
    teams.create("billing", "Billing")
    teams.add_member("billing", ana.email)
    replies = CannedReplies(empty_db)
    refund = replies.add(NewCannedReply("refund", "Refund", "Refunded.", "en", team="billing"))
    assert refund.team_key == "billing"
    assert "refund" in {r.shortcut for r in replies.list("en", for_agent_id=ana.id)}
    assert "refund" not in {r.shortcut for r in replies.list("en", for_agent_id=sam.id)}
    assert "greeting" in {r.shortcut for r in replies.list("en", for_agent_id=sam.id)}
    assert replies.edit(refund.id, team=None).team_key is None
    with pytest.raises(CannedReplyError, match="no team"):
        replies.add(NewCannedReply("x", "X", "X", "en", team="nope"))


def test_search_finds_replies_by_shortcut_title_or_text(empty_db):
    replies = CannedReplies(empty_db)
    assert {r.shortcut for r in replies.list("en", query="express")} == {"shipping"}
    assert {r.shortcut for r in replies.list("en", query="Greet")} == {"greeting"}
    assert {r.shortcut for r in replies.list("zh", query="退货")} >= {"returns"}


def test_a_broken_knowledge_base_file_names_the_file_and_the_reply(empty_db, tmp_path):
    (tmp_path / "canned_replies.yml").write_text(
        "replies:\n  - shortcut: ok\n    title: Fine\n    body: Fine\n"
        "  - shortcut: bad\n    title: Bad\n    body: 'Hi {nickname}'\n",
        encoding="utf-8",
    )
    replies = CannedReplies(empty_db)
    with pytest.raises(CannedReplyError) as refused:
        replies.import_knowledge_base(tmp_path)
    assert "canned_replies.yml" in str(refused.value) and "2" in str(refused.value)
    assert "ok" not in {r.shortcut for r in replies.list("en")}  # nothing of it was written
