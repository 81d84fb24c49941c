"""Helpers for running actions as the action server does: a tracker built from
plain dicts, a fresh dispatcher per call, the project's real domain, and services
on a real SQLite database with the demo data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import Services
from actions.handoff import was_handed_over
from helpdesk.config import PROJECT_ROOT, Settings
from helpdesk.identity import issue_customer_token
from tests.conftest import OPEN_HOURS, run_async


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"), str(PROJECT_ROOT / "domain.yml")
    )
    return importer.get_domain().as_dict()


@pytest.fixture
def services(settings) -> Services:
    return replace(Services.from_settings(settings), clock=lambda: OPEN_HOURS)


def signed_in(customer_id: str) -> Dict[str, Any]:
    """The metadata of a message from a customer signed in on the website (a token
    signed with the development secret the test settings use)."""
    return {"customer_token": issue_customer_token(customer_id, Settings().customer_token_secret)}


# Maya signed in on the website: the slots an earlier turn recorded, and the token
# that proves it on the message.
MAYA = {"customer_id": "C1001", "identity_method": "token"}
MAYA_TOKEN = signed_in("C1001")


@pytest.fixture
def token_for(settings):
    def make(customer_id: str, ttl: timedelta = timedelta(hours=1)) -> str:
        return issue_customer_token(customer_id, settings.customer_token_secret, ttl)

    return make


def user_event(
    text: str, intent: str = "", confidence: float = 1.0, entities=None, metadata=None
) -> Dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
            "text": text,
            "metadata": metadata or {},
        },
        "metadata": metadata or {},
    }


def bot_event(text: str) -> Dict[str, Any]:
    return {"event": "bot", "text": text, "data": {}}


def action_event(name: str) -> Dict[str, Any]:
    return {"event": "action", "name": name}


def make_tracker(
    text: str = "",
    intent: str = "",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    history: Optional[List[Dict[str, Any]]] = None,
    extracted: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
    sender_id: str = "conv-test",
    confidence: float = 1.0,
) -> Tracker:
    """A tracker whose latest message is `text`; `extracted` are the slot values
    Rasa's slot mappings took from it (what a form validator validates)."""
    latest = user_event(text, intent, confidence, entities, metadata)
    events = list(history or []) + [latest]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (extracted or {}).items()]
    all_slots = {"verification_failures": 0.0, **(slots or {}), **(extracted or {})}
    return Tracker(
        sender_id,
        all_slots,
        latest["parse_data"],
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


@dataclass
class Result:
    events: List[Dict[str, Any]]
    messages: List[Dict[str, Any]]
    domain: Dict[str, Any]
    # the conversation's `language` slot, which picks a response's variation
    language: Optional[str] = None

    def variation(self, name: str) -> Dict[str, Any]:
        """The variation of response `name` Rasa says in this conversation: the one
        whose condition names its language, else the one without a condition."""
        variations = self.domain["responses"][name]
        for variant in variations:
            conditions = variant.get("condition") or []
            if conditions and all(
                c.get("name") == "language" and c.get("value") == self.language
                for c in conditions
            ):
                return variant
        return next(v for v in variations if not v.get("condition"))

    def rendered(self, message: Dict[str, Any]) -> Dict[str, Any]:
        """A message as Rasa sends it: a domain response filled in with the values
        the action gave it."""
        name = message.get("response")
        if not name:
            return message
        variant = self.variation(name)
        values = {k: v for k, v in message.items() if v is not None}
        return {
            **message,
            "text": variant.get("text", "").format_map(defaultdict(str, values)),
            "buttons": (message.get("buttons") or []) + variant.get("buttons", []),
        }

    @property
    def texts(self) -> List[str]:
        return [self.rendered(m).get("text") or "" for m in self.messages]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def buttons(self) -> List[str]:
        return [b["title"] for m in self.messages for b in (self.rendered(m).get("buttons") or [])]

    @property
    def kinds(self) -> List[str]:
        return [e["event"] for e in self.events]

    @property
    def handed_over(self) -> bool:
        """The action handed the chat to a person and ended the bot's turn."""
        return was_handed_over(self.events)

    @property
    def ended_form(self) -> bool:
        return any(e["event"] == "active_loop" and e.get("name") is None for e in self.events)

    def slot(self, name: str, default: Any = "<unset>") -> Any:
        values = [
            e["value"] for e in self.events if e.get("event") == "slot" and e.get("name") == name
        ]
        return values[-1] if values else default


def run(action, tracker: Tracker, domain: Dict[str, Any]) -> Result:
    dispatcher = CollectingDispatcher()
    events = run_async(action.run(dispatcher, tracker, domain))
    return Result(events, dispatcher.messages, domain, tracker.get_slot("language"))


def answer(
    validator,
    slot: str,
    text: str,
    domain,
    slots=None,
    intent: str = "inform",
    value=None,
    history=None,
    metadata=None,
) -> Result:
    """Runs a form's validator on the customer's reply `text` to the form's question
    for `slot` (the reply Rasa's slot mapping put in `slot`, or `value`)."""
    tracker = make_tracker(
        text,
        intent,
        slots={**(slots or {}), "requested_slot": slot},
        extracted={slot: text if value is None else value},
        active_loop=validator.form_name(),
        history=history,
        metadata=metadata,
    )
    return run(validator, tracker, domain)
