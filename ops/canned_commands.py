"""`./kefu canned list|add|edit|remove|import`: the admin's commands for canned
replies (helpdesk/canned_replies.py), the same changes the console's Admin view
makes. A reply is named by `--id` (what `list` shows) or by `--shortcut` and
`--language` (default: the company's language)."""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Dict

from helpdesk.canned_placeholders import PLACEHOLDERS
from helpdesk.canned_replies import (
    CannedReplies,
    CannedReplyError,
    CannedReplyView,
    NewCannedReply,
)
from helpdesk.config import Settings
from helpdesk.db import Database
from helpdesk.desk_texts import DeskTexts


def add_parsers(commands: argparse._SubParsersAction) -> None:
    canned = commands.add_parser("canned", help="canned replies agents insert with /shortcut")
    actions = canned.add_subparsers(dest="canned_action", required=True)
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)

    listing = actions.add_parser("list", help="every canned reply, by shortcut")
    listing.add_argument("--language", help="only this language (en, zh)")
    listing.add_argument("--query", help="only replies holding these words")

    add = actions.add_parser("add", help=f"a new canned reply; its text may hold {known}")
    add.add_argument("--shortcut", required=True, help="e.g. thanks (typed as /thanks)")
    add.add_argument("--title", required=True, help='e.g. "Closing"')
    add.add_argument("--body", required=True, help="the text agents insert")
    add.add_argument("--language", help="en or zh (default: the company's language)")
    add.add_argument("--team", help="only this team's agents are offered it")

    edit = actions.add_parser("edit", help="change a canned reply (what is given)")
    _name_a_reply(edit)
    edit.add_argument("--new-shortcut")
    edit.add_argument("--title")
    edit.add_argument("--body")
    edit.add_argument("--team", help='a team key, or "" for every agent')

    remove = actions.add_parser("remove", help="delete a canned reply")
    _name_a_reply(remove)

    actions.add_parser(
        "import",
        help="add the knowledge base's replies (canned_replies.yml) whose shortcut is new",
    )


def _name_a_reply(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--id", type=int, help="the reply's id (see list)")
    parser.add_argument("--shortcut", help="or its shortcut...")
    parser.add_argument("--language", help="...and language (default: the company's)")


def _replies() -> CannedReplies:
    settings = Settings.from_env()
    db = Database(settings.database_url)
    db.create_schema()
    return CannedReplies(db, DeskTexts(settings.knowledge_base_dir))


def _line(reply: CannedReplyView) -> str:
    team = reply.team_key or "-"
    return f"{reply.id}\t{reply.language}\t/{reply.shortcut}\t{reply.title}\t{team}"


def _reply_id(replies: CannedReplies, args: argparse.Namespace) -> int:
    if args.id is not None:
        return int(args.id)
    if not args.shortcut:
        raise CannedReplyError("name the reply with --id, or --shortcut (and --language)")
    language = args.language or replies.texts.default_language
    return replies.find(language, args.shortcut).id


def cmd_canned(args: argparse.Namespace) -> int:
    replies = _replies()
    try:
        if args.canned_action == "list":
            for reply in replies.list(args.language, args.query):
                print(_line(reply))
        elif args.canned_action == "add":
            made = replies.add(
                NewCannedReply(
                    shortcut=args.shortcut,
                    title=args.title,
                    body=args.body,
                    language=args.language or replies.texts.default_language,
                    team=args.team,
                )
            )
            print(f"[kefu] added /{made.shortcut} ({made.language}), id {made.id}")
        elif args.canned_action == "edit":
            changes = {
                name: value
                for name, value in (
                    ("shortcut", args.new_shortcut),
                    ("title", args.title),
                    ("body", args.body),
                    ("team", args.team),
                )
                if value is not None
            }
            changed = replies.edit(_reply_id(replies, args), **changes)
            print(f"[kefu] changed /{changed.shortcut} ({changed.language})")
        elif args.canned_action == "remove":
            gone = replies.remove(_reply_id(replies, args))
            print(f"[kefu] removed /{gone.shortcut} ({gone.language})")
        else:
            added = replies.import_knowledge_base(replies.texts.kb_dir)
            named = ", ".join(f"/{r.shortcut} ({r.language})" for r in added)
            print(f"[kefu] imported {len(added)} canned replies{': ' + named if named else ''}")
    except CannedReplyError as error:
        print(f"[kefu] {error}", file=sys.stderr)
        return 1
    return 0


COMMANDS: Dict[str, Callable[[argparse.Namespace], int]] = {"canned": cmd_canned}
