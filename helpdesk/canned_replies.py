"""Canned replies: texts the admin writes once for what agents say again and again
(a greeting, asking for the order number, return steps), inserted in a reply with
`/shortcut` or the console's picker.

A reply has a shortcut (unique per language: "thanks" in English and "thanks" in
Chinese are two replies), a title, a text and optionally a team (then only that
team's members are offered it). Its text may hold placeholders, filled from the
chat when an agent inserts it:

    {first_name}  {customer_name}  {order_id}  {ticket_ref}  {agent_name}  {company}

Any other `{word}` is refused when the reply is saved, so a typo cannot reach a
customer as "{frist_name}". A value the chat does not have (an anonymous visitor's
name, an order nobody mentioned) is left in the text as its placeholder and named
in `RenderedReply.missing`: the console selects that gap for the agent to type
over and will not send the reply while it is there. Refusing to insert the reply
would make the agent type it all; filling in a blank would send "Hi ," to the
customer.

The replies are data the admin edits: seeded from the knowledge base
(knowledge_base/canned_replies.yml, knowledge_base/<language>/canned_replies.yml)
when the table is first created (`Database.create_schema`), and from then on kept
in the database, where `./kefu canned ...` and the console's Admin view change
them. `./kefu canned import` adds the knowledge base's replies whose shortcut the
database does not have yet, so editing a file never undoes the admin's changes.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import yaml
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from helpdesk.canned_placeholders import PLACEHOLDERS, fill_placeholders, placeholders_in
from helpdesk.db import Database
from helpdesk.desk_texts import DeskTexts, default_texts
from helpdesk.language import SUPPORTED
from helpdesk.models import CannedReply, Team, TeamMember
from helpdesk.sql_records import unit_of_work

MAX_BODY_LENGTH = 4000  # what a reply may be (helpdesk/handoffs/desk.py MAX_MESSAGE_LENGTH)
MAX_TITLE_LENGTH = 200
CANNED_FILE = "canned_replies.yml"
_SHORTCUT = re.compile(r"[a-z0-9_-]{1,40}")

logger = logging.getLogger(__name__)


class CannedReplyError(ValueError):
    """A canned reply cannot be saved, found or imported as asked; the message
    (a catalogue text, `canned.*`) says why."""


class CannedReplyNotFound(CannedReplyError):
    """No canned reply with that id (or shortcut in that language)."""


@dataclass(frozen=True)
class CannedReplyView:
    id: int
    shortcut: str
    language: str
    title: str
    body: str
    team_key: Optional[str]
    team_name: Optional[str]


@dataclass(frozen=True)
class RenderedReply:
    reply: CannedReplyView
    text: str  # the body with every placeholder the chat has a value for filled in
    missing: Tuple[str, ...]  # placeholders left in `text` for the agent to fill


@dataclass(frozen=True)
class NewCannedReply:
    shortcut: str
    title: str
    body: str
    language: str
    team: Optional[str] = None  # a team key


_KEEP = object()  # an argument of `edit` left as it is


class CannedReplies:
    def __init__(self, db: Database, texts: Optional[DeskTexts] = None) -> None:
        self.db = db
        self.texts = default_texts(texts)

    # ----- reading ------------------------------------------------------------------

    def list(
        self,
        language: Optional[str] = None,
        query: Optional[str] = None,
        for_agent_id: Optional[int] = None,
    ) -> List[CannedReplyView]:
        """The replies by shortcut; of one language, holding `query` in the shortcut,
        title or text, and (given an agent) only those for everyone or for a team
        the agent is in."""
        statement = select(CannedReply).options(selectinload(CannedReply.team))
        if language:
            statement = statement.where(CannedReply.language == language)
        for word in (query or "").lower().split()[:8]:
            statement = statement.where(
                or_(
                    CannedReply.shortcut.contains(word, autoescape=True),
                    func.lower(CannedReply.title).contains(word, autoescape=True),
                    func.lower(CannedReply.body).contains(word, autoescape=True),
                )
            )
        if for_agent_id is not None:
            teams = select(TeamMember.team_id).where(TeamMember.agent_id == for_agent_id)
            statement = statement.where(
                or_(CannedReply.team_id.is_(None), CannedReply.team_id.in_(teams))
            )
        statement = statement.order_by(CannedReply.shortcut, CannedReply.language)
        with unit_of_work(self.db) as session:
            return [_view(row) for row in session.execute(statement).scalars()]

    def get(self, reply_id: int) -> CannedReplyView:
        with unit_of_work(self.db) as session:
            return _view(self._row(session, reply_id))

    def find(self, language: str, shortcut: str) -> CannedReplyView:
        with unit_of_work(self.db) as session:
            row = session.execute(
                select(CannedReply).where(
                    CannedReply.language == language,
                    CannedReply.shortcut == (shortcut or "").strip().lstrip("/").lower(),
                )
            ).scalar_one_or_none()
            if row is None:
                raise CannedReplyNotFound(
                    self._say("no_such_reply", reply=f"/{shortcut} ({language})")
                )
            return _view(row)

    def render(self, reply_id: int, values: Mapping[str, Optional[str]]) -> RenderedReply:
        """The reply with the chat's values (`chat_values`) in its placeholders."""
        reply = self.get(reply_id)
        text, missing = fill_placeholders(reply.body, values)
        return RenderedReply(reply, text, missing)

    # ----- the admin's changes --------------------------------------------------------

    def add(self, new: NewCannedReply) -> CannedReplyView:
        shortcut, language = self._shortcut(new.shortcut), self._language(new.language)
        title, body = self._title(new.title), self._body(new.body)
        try:
            with unit_of_work(self.db) as session:
                row = CannedReply(
                    shortcut=shortcut,
                    language=language,
                    title=title,
                    body=body,
                    team_id=self._team_id(session, new.team),
                )
                session.add(row)
                session.flush()
                return _view(row)
        except IntegrityError as error:
            raise self._taken(shortcut, language) from error

    def edit(
        self,
        reply_id: int,
        shortcut: object = _KEEP,
        title: object = _KEEP,
        body: object = _KEEP,
        language: object = _KEEP,
        team: object = _KEEP,
    ) -> CannedReplyView:
        """Changes what is given; `team=None` (or "") makes the reply everyone's."""
        changes: Dict[str, object] = {}
        if shortcut is not _KEEP:
            changes["shortcut"] = self._shortcut(str(shortcut or ""))
        if title is not _KEEP:
            changes["title"] = self._title(str(title or ""))
        if body is not _KEEP:
            changes["body"] = self._body(str(body or ""))
        if language is not _KEEP:
            changes["language"] = self._language(str(language or ""))
        wanted: Dict[str, str] = {}
        try:
            with unit_of_work(self.db) as session:
                row = self._row(session, reply_id)
                if team is not _KEEP:
                    changes["team_id"] = self._team_id(session, team)  # type: ignore[arg-type]
                for name, value in changes.items():
                    setattr(row, name, value)
                wanted.update(shortcut=row.shortcut, language=row.language)
                session.flush()
                session.expire(row, ["team"])  # team_id may have changed
                return _view(row)
        except IntegrityError as error:
            raise self._taken(wanted["shortcut"], wanted["language"]) from error

    def remove(self, reply_id: int) -> CannedReplyView:
        with unit_of_work(self.db) as session:
            row = self._row(session, reply_id)
            gone = _view(row)
            session.delete(row)
            return gone

    # ----- the knowledge base's files ---------------------------------------------------

    def import_knowledge_base(self, kb_dir: Path) -> List[CannedReplyView]:
        """Adds the replies of the knowledge base's files whose (language, shortcut)
        the database does not have; never changes one it has. Every file is checked
        whole before anything is written. Returns what was added."""
        wanted: List[NewCannedReply] = []
        for language, path in knowledge_base_files(kb_dir, self.texts.default_language):
            wanted.extend(self.read_file(path, language))
        added: List[CannedReplyView] = []
        with unit_of_work(self.db) as session:
            present = set(session.execute(select(CannedReply.language, CannedReply.shortcut)).all())
            for new in wanted:
                if (new.language, new.shortcut) in present:
                    continue
                row = CannedReply(
                    shortcut=new.shortcut,
                    language=new.language,
                    title=new.title,
                    body=new.body,
                    team_id=self._team_id(session, new.team),
                )
                session.add(row)
                session.flush()
                present.add((new.language, new.shortcut))
                added.append(_view(row))
        return added

    def read_file(self, path: Path, language: str) -> List[NewCannedReply]:
        """The replies of one file (`replies:` a list of shortcut, title, body and
        optionally team), each checked as `add` checks it."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise CannedReplyError(
                self._say("file_unreadable", file=path.name, problem=str(error).splitlines()[0])
            ) from error
        entries = data.get("replies") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise CannedReplyError(
                self._say("file_unreadable", file=path.name, problem="replies: a list")
            )
        found: List[NewCannedReply] = []
        for number, entry in enumerate(entries, start=1):
            entry = entry if isinstance(entry, dict) else {}
            try:
                found.append(
                    NewCannedReply(
                        shortcut=self._shortcut(str(entry.get("shortcut") or "")),
                        title=self._title(str(entry.get("title") or "")),
                        body=self._body(str(entry.get("body") or "")),
                        language=self._language(language),
                        team=(str(entry["team"]) if entry.get("team") else None),
                    )
                )
            except CannedReplyError as problem:
                raise CannedReplyError(
                    self._say("file_entry_problem", file=path.name, number=number, problem=problem)
                ) from problem
        return found

    # ----- checks -------------------------------------------------------------------------

    def _shortcut(self, shortcut: str) -> str:
        clean = (shortcut or "").strip().lstrip("/").lower()
        if not _SHORTCUT.fullmatch(clean):
            raise CannedReplyError(self._say("shortcut_invalid", shortcut=shortcut))
        return clean

    def _language(self, language: str) -> str:
        clean = (language or "").strip().lower()
        if clean not in SUPPORTED:
            raise CannedReplyError(
                self._say("language_invalid", given=language, languages=", ".join(SUPPORTED))
            )
        return clean

    def _title(self, title: str) -> str:
        clean = " ".join((title or "").split())
        if not clean or len(clean) > MAX_TITLE_LENGTH:
            raise CannedReplyError(self._say("title_empty"))
        return clean

    def _body(self, body: str) -> str:
        clean = (body or "").strip()
        if not clean or len(clean) > MAX_BODY_LENGTH:
            raise CannedReplyError(self._say("body_empty", max=MAX_BODY_LENGTH))
        for name in placeholders_in(clean):
            if name not in PLACEHOLDERS:
                raise CannedReplyError(
                    self._say(
                        "unknown_placeholder",
                        placeholder="{" + name + "}",
                        known=", ".join("{" + known + "}" for known in PLACEHOLDERS),
                    )
                )
        return clean

    def _team_id(self, session: Session, team: Optional[str]) -> Optional[int]:
        key = (team or "").strip().lower()
        if not key:
            return None
        found = session.execute(select(Team.id).where(Team.key == key)).scalar_one_or_none()
        if found is None:
            raise CannedReplyError(self._say("no_such_team", team=team))
        return int(found)

    def _row(self, session: Session, reply_id: int) -> CannedReply:
        row = session.get(CannedReply, reply_id)
        if row is None:
            raise CannedReplyNotFound(self._say("no_such_reply", reply=reply_id))
        return row

    def _taken(self, shortcut: str, language: str) -> CannedReplyError:
        return CannedReplyError(
            self._say("shortcut_taken", shortcut=shortcut, reply_language=language)
        )

    def _say(self, key: str, **values: object) -> str:
        return self.texts.say(f"canned.{key}", **values)


def knowledge_base_files(kb_dir: Path, default_language: str) -> Sequence[Tuple[str, Path]]:
    """(language, file) of the knowledge base's canned replies: the top folder's are
    in the default language, each language folder's (zh/) in that language."""
    files = [(default_language, kb_dir / CANNED_FILE)]
    files += [(language, kb_dir / language / CANNED_FILE) for language in SUPPORTED]
    return [(language, path) for language, path in files if path.is_file()]


def seed_canned_replies(db: Database) -> None:
    """Called by `Database.create_schema` when it has just created the table: the
    environment's knowledge base's replies go in. Another process starting at the
    same moment may seed it first; then there is nothing left to do."""
    texts = DeskTexts.from_env()
    try:
        CannedReplies(db, texts).import_knowledge_base(texts.kb_dir)
    except IntegrityError:
        pass
    except CannedReplyError as problem:
        # A broken file must not stop the servers starting; the admin imports it
        # once it is fixed (`./kefu canned import`).
        logger.warning("the knowledge base's canned replies were not imported: %s", problem)


def _view(row: CannedReply) -> CannedReplyView:
    team = row.team
    return CannedReplyView(
        id=row.id,
        shortcut=row.shortcut,
        language=row.language,
        title=row.title,
        body=row.body,
        team_key=team.key if team else None,
        team_name=team.name if team else None,
    )
