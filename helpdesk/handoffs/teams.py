"""Teams of agents and the rules that route a handed-off chat to one of them.

A rule names any of: the escalation reason ("fraud_report"), the ticket category
the bot collected ("billing"), the customer's tier ("premier") and the chat's
language ("zh"); a field it leaves empty matches anything. Rules are tried in order
and the first that matches names the team; a chat no rule matches goes to any
agent. The admin keeps teams and rules with `./kefu team ...` / `./kefu route ...`;
they live in the database so that changing them needs no restart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from helpdesk.db import Database
from helpdesk.desk_texts import account_refusal
from helpdesk.models import Agent, Handoff, RoutingRule, Team, TeamMember
from helpdesk.sql_records import unit_of_work

_TEAM_KEY = re.compile(r"[a-z][a-z0-9_-]{0,39}")


class TeamError(ValueError):
    """A team or rule the admin asked for cannot be made as asked."""


@dataclass(frozen=True)
class TeamView:
    id: int
    key: str
    name: str
    members: Tuple[str, ...]  # agents' emails


@dataclass(frozen=True)
class RuleView:
    id: int
    position: int
    team_key: str
    reason: Optional[str]
    category: Optional[str]
    tier: Optional[str]
    language: Optional[str]

    def matches(self, chat: ChatFacts) -> bool:
        wanted = (
            (self.reason, chat.reason),
            (self.category, chat.category),
            (self.tier, chat.tier),
            (self.language, chat.language),
        )
        return all(rule is None or rule == value for rule, value in wanted)


@dataclass(frozen=True)
class ChatFacts:
    """What routing looks at in a handed-off chat."""

    reason: Optional[str]
    category: Optional[str]
    tier: Optional[str]
    language: Optional[str]

    @classmethod
    def of(cls, row: Handoff) -> ChatFacts:
        collected = row.collected or {}
        tier = row.customer.tier if row.customer is not None else None
        return cls(row.reason, collected.get("ticket_category"), tier, row.language)


class Teams:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ----- teams ------------------------------------------------------------------

    def create(self, key: str, name: str) -> TeamView:
        key = (key or "").strip().lower()
        if not _TEAM_KEY.fullmatch(key):
            raise TeamError(account_refusal("team_key_invalid", team=key))
        name = " ".join((name or "").split()) or key
        try:
            with unit_of_work(self.db) as session:
                row = Team(key=key, name=name[:200])
                session.add(row)
                session.flush()
                return TeamView(row.id, row.key, row.name, ())
        except IntegrityError as error:
            raise TeamError(account_refusal("team_exists", team=key)) from error

    def add_member(self, team_key: str, email: str) -> TeamView:
        with unit_of_work(self.db) as session:
            team, agent = self._team(session, team_key), self._agent(session, email)
            present = session.get(TeamMember, (team.id, agent.id))
            if present is None:
                session.add(TeamMember(team_id=team.id, agent_id=agent.id))
                session.flush()
            return self._view(session, team)

    def remove_member(self, team_key: str, email: str) -> TeamView:
        with unit_of_work(self.db) as session:
            team, agent = self._team(session, team_key), self._agent(session, email)
            session.execute(
                delete(TeamMember).where(
                    TeamMember.team_id == team.id, TeamMember.agent_id == agent.id
                )
            )
            return self._view(session, team)

    def all(self) -> List[TeamView]:
        with unit_of_work(self.db) as session:
            teams = session.execute(select(Team).order_by(Team.key)).scalars().all()
            return [self._view(session, team) for team in teams]

    # ----- routing rules ----------------------------------------------------------

    def add_rule(
        self,
        team_key: str,
        reason: Optional[str] = None,
        category: Optional[str] = None,
        tier: Optional[str] = None,
        language: Optional[str] = None,
    ) -> RuleView:
        """A rule after the existing ones (tried last)."""
        if not any((reason, category, tier, language)):
            raise TeamError(account_refusal("rule_empty"))
        with unit_of_work(self.db) as session:
            team = self._team(session, team_key)
            last = session.execute(select(func.max(RoutingRule.position))).scalar_one_or_none()
            row = RoutingRule(
                position=int(last or 0) + 1,
                team_id=team.id,
                reason=reason or None,
                category=category or None,
                tier=(tier or "").lower() or None,
                language=language or None,
            )
            session.add(row)
            session.flush()
            return _rule_view(row, team.key)

    def remove_rule(self, rule_id: int) -> None:
        with unit_of_work(self.db) as session:
            if not session.execute(delete(RoutingRule).where(RoutingRule.id == rule_id)).rowcount:
                raise TeamError(account_refusal("no_such_rule", rule_id=rule_id))

    def rules(self) -> List[RuleView]:
        with unit_of_work(self.db) as session:
            return rules_in(session)

    def team_for(self, chat: ChatFacts, rules: Optional[List[RuleView]] = None) -> Optional[str]:
        """The key of the team the first matching rule names, or None (any agent)."""
        for rule in rules if rules is not None else self.rules():
            if rule.matches(chat):
                return rule.team_key
        return None

    # ----- helpers ----------------------------------------------------------------

    @staticmethod
    def _team(session, key: str) -> Team:  # type: ignore[no-untyped-def]
        team = session.execute(
            select(Team).where(Team.key == (key or "").strip().lower())
        ).scalar_one_or_none()
        if team is None:
            raise TeamError(account_refusal("no_such_team", team=key))
        return team

    @staticmethod
    def _agent(session, email: str) -> Agent:  # type: ignore[no-untyped-def]
        agent = session.execute(
            select(Agent).where(Agent.email == (email or "").strip().lower())
        ).scalar_one_or_none()
        if agent is None:
            raise TeamError(account_refusal("no_such_agent", email=email))
        return agent

    @staticmethod
    def _view(session, team: Team) -> TeamView:  # type: ignore[no-untyped-def]
        emails = session.execute(
            select(Agent.email)
            .join(TeamMember, TeamMember.agent_id == Agent.id)
            .where(TeamMember.team_id == team.id)
            .order_by(Agent.email)
        ).scalars()
        return TeamView(team.id, team.key, team.name, tuple(emails))


def rules_in(session: Session) -> List[RuleView]:
    """The routing rules in the order they are tried, read in the caller's session."""
    rows = session.execute(
        select(RoutingRule, Team.key)
        .join(Team, Team.id == RoutingRule.team_id)
        .order_by(RoutingRule.position, RoutingRule.id)
    ).all()
    return [_rule_view(rule, key) for rule, key in rows]


def route(session: Session, row: Handoff, rules: Optional[List[RuleView]] = None) -> None:
    """Gives a chat without a team the team the first matching rule names, in the
    caller's transaction: the escalation routes a chat as it creates it, so no
    console ever shows it (or alerts about it) without its team; the assigner
    routes again the chats that waited for rules added later."""
    if row.team_id is not None:
        return
    rules = rules_in(session) if rules is None else rules
    for rule in rules:
        if rule.matches(ChatFacts.of(row)):
            row.team_id = session.execute(
                select(Team.id).where(Team.key == rule.team_key)
            ).scalar_one_or_none()
            return


def _rule_view(row: RoutingRule, team_key: str) -> RuleView:
    return RuleView(
        row.id, row.position, team_key, row.reason, row.category, row.tier, row.language
    )
