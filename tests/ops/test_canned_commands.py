"""The admin's canned-reply commands, run the way the README says (`./kefu canned
...` is `python -m ops canned ...`), against a real database."""

from helpdesk.canned_replies import CannedReplies
from helpdesk.db import Database
from tests.ops.test_agent_commands import kefu


def test_an_admin_adds_edits_lists_and_removes_a_canned_reply(tmp_path):
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    added = kefu(
        url,
        "canned",
        "add",
        "--shortcut",
        "refund-sent",
        "--title",
        "Refund sent",
        "--body",
        "Hi {first_name}, the refund for {order_id} is on its way.",
    )
    assert added.returncode == 0, added.stderr
    assert "/refund-sent (en)" in added.stdout
    edited = kefu(
        url, "canned", "edit", "--shortcut", "refund-sent", "--body", "Refund for {order_id} sent."
    )
    assert edited.returncode == 0, edited.stderr
    listed = kefu(url, "canned", "list", "--language", "en", "--query", "refund").stdout
    assert "/refund-sent\tRefund sent" in listed
    reply = CannedReplies(Database(url)).find("en", "refund-sent")
    assert reply.body == "Refund for {order_id} sent."
    removed = kefu(url, "canned", "remove", "--id", str(reply.id))
    assert removed.returncode == 0 and "removed /refund-sent" in removed.stdout
    assert "refund-sent" not in kefu(url, "canned", "list").stdout


def test_the_knowledge_bases_replies_are_there_and_import_adds_only_what_is_missing(tmp_path):
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    listed = kefu(url, "canned", "list", "--language", "zh").stdout
    assert "/greeting\t问候" in listed
    assert (
        kefu(url, "canned", "remove", "--shortcut", "greeting", "--language", "zh").returncode == 0
    )
    imported = kefu(url, "canned", "import")
    assert (
        imported.returncode == 0 and "imported 1 canned replies: /greeting (zh)" in imported.stdout
    )


def test_a_mistake_is_explained_and_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    before = kefu(url, "canned", "list").stdout
    unknown = kefu(
        url, "canned", "add", "--shortcut", "x", "--title", "X", "--body", "Hi {nickname}"
    )
    assert unknown.returncode == 1 and "{nickname} is not a placeholder" in unknown.stderr
    taken = kefu(url, "canned", "add", "--shortcut", "thanks", "--title", "T", "--body", "Bye")
    assert taken.returncode == 1 and "already" in taken.stderr
    missing = kefu(url, "canned", "edit", "--shortcut", "nope", "--title", "Nope")
    assert missing.returncode == 1 and "no canned reply" in missing.stderr
    assert kefu(url, "canned", "list").stdout == before
