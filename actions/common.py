"""What every Kefu action shares: the services it talks to, a worker thread off the
action server's event loop, and a safety net so that a broken backend gets an
apology instead of silence. (Who the customer is: actions/customer_identity.py;
the conversation so far: actions/conversation.py.)

The action server instantiates every non-abstract `Action` subclass with no
arguments, so the base classes here are abstract and services are built lazily on
first use; tests pass their own `Services` to the constructors.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from helpdesk.attempts import AttemptLimiter
from helpdesk.company import CompanyFacts, FaqThresholds, load_company
from helpdesk.config import Settings
from helpdesk.conversation_identity import ConversationIdentities
from helpdesk.conversation_records import ConversationRecords
from helpdesk.db import Database
from helpdesk.deferred_writes import DeferredWrites
from helpdesk.faq_matcher import FaqMatcher
from helpdesk.knowledge import (
    NOT_ANSWERED_FILE,
    KnowledgeBase,
    language_dir,
    load_knowledge_base,
)
from helpdesk.language import pick_language
from helpdesk.records import CustomerRecords, RecordsUnavailable
from helpdesk.replies import ReplyCatalogue, current_catalogue
from helpdesk.sql_records import SqlCustomerRecords
from helpdesk.verification import Verifier, verification_policies

logger = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything an action reaches outside Rasa, built once per process."""

    settings: Settings
    records: CustomerRecords
    conversations: ConversationRecords
    identities: ConversationIdentities
    verifier: Verifier
    # Feedback and ratings: thanked for at once, stored in the background.
    deferred: DeferredWrites = field(default_factory=DeferredWrites)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    _faq_cache: Dict[str, Tuple[Any, FaqMatcher]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_settings(
        cls, settings: Settings, records: Optional[CustomerRecords] = None
    ) -> Services:
        """The services on the settings' database; `records` replaces the customer
        records (a CRM connector, say)."""
        db = Database(settings.database_url, settings.db_timeout_seconds)
        records = records or SqlCustomerRecords(db)
        identities = ConversationIdentities(db, timedelta(hours=settings.verification_hours))
        limiter = AttemptLimiter(
            db,
            verification_policies(
                settings.verification_failures_per_email,
                settings.verification_failures_per_client,
            ),
        )
        return cls(
            settings,
            records,
            ConversationRecords(db),
            identities,
            Verifier(records, identities, limiter),
        )

    @property
    def facts(self) -> CompanyFacts:
        """The company's facts in its default language."""
        return load_company(self.settings.knowledge_base_dir)

    def facts_in(self, language: Optional[str]) -> CompanyFacts:
        """The company's facts with the labels of `language` (knowledge_base/<language>/
        company.yml over company.yml)."""
        if not language or language == self.replies().default_language:
            return self.facts
        return load_company(self.settings.knowledge_base_dir, language)

    def replies(self) -> ReplyCatalogue:
        """The reply catalogue as it is now: an edited text is said on the next
        message, without restarting anything."""
        return current_catalogue(self.settings.knowledge_base_dir)

    def language_of(self, tracker: Tracker) -> str:
        """The conversation's language (its `language` slot, kept by
        kefu_rasa/language_policy.py), else the company's default."""
        catalogue = self.replies()
        language = pick_language([tracker.get_slot("language")], catalogue.default_language)
        return catalogue.language_or_default(language)

    def knowledge_base(self, language: Optional[str] = None) -> KnowledgeBase:
        return self.faq_matcher(language).kb

    def faq_matcher(self, language: Optional[str] = None) -> FaqMatcher:
        """The matcher for the articles of `language` as they are now; an edited
        article is picked up on the next question, without restarting anything.
        A language without articles of its own gets the default language's."""
        language = language or "en"
        kb_dir = language_dir(Path(self.settings.knowledge_base_dir), language)
        if not (kb_dir / "articles").is_dir():
            language, kb_dir = "en", Path(self.settings.knowledge_base_dir)
        sources = [*(kb_dir / "articles").glob("*.md"), *kb_dir.glob(NOT_ANSWERED_FILE)]
        stamp = (
            str(kb_dir.resolve()),
            tuple(sorted((p.name, p.stat().st_mtime_ns) for p in sources)),
        )
        # Each language's thresholds (a language's company.yml overlay may set its
        # own: its matcher's probabilities run differently). Read before taking the
        # lock, which reading the catalogue takes too.
        thresholds = self.facts_in(language).faq
        with self._lock:
            cached_stamp, matcher = self._faq_cache.get(language, (None, None))
            if matcher is None or cached_stamp != stamp:
                matcher = _shared_matcher(
                    stamp, Path(self.settings.knowledge_base_dir), thresholds, language
                )
                self._faq_cache[language] = (stamp, matcher)
            return matcher

    def now(self) -> datetime:
        return self.clock()


_default_services: Optional[Services] = None
_matchers: Dict[Any, FaqMatcher] = {}
_matchers_lock = threading.Lock()


def _shared_matcher(
    stamp: Any, kb_dir: Path, thresholds: FaqThresholds, language: str = "en"
) -> FaqMatcher:
    """One matcher per version of the articles in this process: training one
    takes seconds, and every Services on the same knowledge base can share it."""
    key = (stamp, thresholds, language)
    with _matchers_lock:
        if key not in _matchers:
            while len(_matchers) >= 6:  # older versions of the articles are done with
                _matchers.pop(next(iter(_matchers)))
            _matchers[key] = FaqMatcher(
                load_knowledge_base(kb_dir, language), thresholds, language=language
            )
        return _matchers[key]


_default_lock = threading.Lock()


def default_services() -> Services:
    """The process-wide services, from the environment, built on first use."""
    global _default_services
    with _default_lock:
        if _default_services is None:
            _default_services = Services.from_settings(Settings.from_env())
        return _default_services


class ServicesMixin:
    """Constructor injection with a lazy default, for actions and validators."""

    def __init__(self, services: Optional[Services] = None) -> None:
        super().__init__()
        self._services = services

    @property
    def services(self) -> Services:
        if self._services is None:
            self._services = default_services()
        return self._services


T = TypeVar("T")


def optional_lookup(fetch: Callable[[], T], default: T) -> T:
    """For extras a question can do without (buttons with the customer's orders):
    a database that is down leaves them out instead of failing the question, so the
    customer hears one apology at most, from the step that really needed it."""
    try:
        return fetch()
    except RecordsUnavailable as error:
        logger.warning("left out what the records could not give: %s", error)
        return default


BACKEND_APOLOGY = "utter_backend_unavailable"


def already_said(tracker: Tracker, response: str) -> bool:
    """Whether the bot said `response` since the customer's latest message (an
    earlier step of the same turn): one failure is apologised for once."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if (
            event.get("event") == "bot"
            and (event.get("metadata") or {}).get("utter_action") == response
        ):
            return True
    return False


def apologise_for_backend(
    dispatcher: CollectingDispatcher, tracker: Tracker, facts: Optional[CompanyFacts]
) -> None:
    """What the customer reads when our systems fail: an apology, a way to reach a
    person, never a stack trace, and never the same apology twice in one turn."""
    if already_said(tracker, BACKEND_APOLOGY) or already_said(tracker, BACKEND_APOLOGY + "_plain"):
        return
    if facts is None:  # the facts file itself may be what is broken
        dispatcher.utter_message(response=BACKEND_APOLOGY + "_plain")
        return
    dispatcher.utter_message(
        response=BACKEND_APOLOGY,
        support_email=facts.support_email,
        support_phone=facts.support_phone,
    )


_workers: Optional[ThreadPoolExecutor] = None
ACTION_THREADS = 16


async def off_the_loop(work: Callable[[], Awaitable[T]]) -> T:
    """Runs an action's body in a worker thread, on an event loop of its own.

    Actions reach the database (and a CRM connector would reach the network)
    synchronously; run on the action server's event loop, one ticket write waiting
    for a lock would stall every other conversation's actions with it."""
    global _workers
    if _workers is None:
        _workers = ThreadPoolExecutor(ACTION_THREADS, thread_name_prefix="kefu-action")
    return await asyncio.get_running_loop().run_in_executor(_workers, asyncio.run, work())


class KefuAction(ServicesMixin, Action, ABC):
    """An action whose failures end in an apology, never in silence."""

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return await off_the_loop(lambda: self._run_safely(dispatcher, tracker, domain))

    async def _run_safely(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        try:
            return await self.act(dispatcher, tracker, domain)
        except RecordsUnavailable as error:
            logger.error("%s: customer records unavailable: %s", self.name(), error)
            return self.when_records_unavailable(dispatcher, tracker)
        except Exception:
            logger.exception("%s failed", self.name())
        apologise_for_backend(dispatcher, tracker, _facts_or_none(self))
        return []

    def when_records_unavailable(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> List[EventType]:
        """What the action does when the database (or CRM) cannot be reached: by
        default an apology; an action that must not lose the customer's work keeps
        it for a retry instead."""
        apologise_for_backend(dispatcher, tracker, _facts_or_none(self))
        return []


class KefuFormValidation(ServicesMixin, FormValidationAction, ABC):
    """A form validator with the same safety net as `KefuAction`.

    When the records cannot be reached, the answers collected so far are kept and
    the form stays where it was: the customer hears one apology, then the same
    question, and can carry on once the database is back. (The answer in hand is
    not kept: it could not be checked.) Any other failure ends the form, so the
    customer is not asked the same question forever, and offers a person."""

    @abstractmethod
    def name(self) -> str: ...

    async def prepare(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Events to apply before extraction and validation (none by default)."""
        return []

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Optional[EventType]:
        # Always decide here: the SDK defers to Rasa when `required_slots` happens to
        # equal the domain's list, and Rasa then calls this action a second time in
        # the same turn, repeating whatever it said.
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        missing = (slot for slot in required if tracker.slots.get(slot) is None)
        return SlotSet("requested_slot", next(missing, None))

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return await off_the_loop(lambda: self._run_safely(dispatcher, tracker, domain))

    async def _run_safely(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        unchecked = list(tracker.slots_to_validate())
        try:
            events = await self.prepare(dispatcher, tracker, domain)
            return events + await super().run(dispatcher, tracker, domain)
        except RecordsUnavailable as error:
            logger.error("%s: customer records unavailable: %s", self.name(), error)
            apologise_for_backend(dispatcher, tracker, _facts_or_none(self))
            if requested is None:  # only starting: nothing to keep, the form ends
                return [SlotSet("requested_slot", None)]
            # The question asked is emptied too, so Rasa sees an answer handled (and
            # keeps this apology) even for a slot this action extracts itself.
            kept = dict.fromkeys([*unchecked, requested])
            return [SlotSet(slot, None) for slot in kept] + [SlotSet("requested_slot", requested)]
        except Exception:
            logger.exception("%s failed", self.name())
        apologise_for_backend(dispatcher, tracker, _facts_or_none(self))
        return [SlotSet("requested_slot", None)]


def _facts_or_none(owner: ServicesMixin) -> Optional[CompanyFacts]:
    try:
        return owner.services.facts
    except Exception:  # the facts file itself may be what is broken
        return None


class AskQuestion(KefuAction, ABC):
    """A form's question for one slot (`action_ask_<slot>`), kept beside the code
    that validates the answer. `question` names its text in the reply catalogue
    ("identity.ask_email"), said in the conversation's language."""

    question: str = ""

    def buttons_for(self, speech: Any) -> List[Dict[str, str]]:
        """The buttons under the question (`speech` is an actions.speech.Speech)."""
        return []

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        from actions.speech import speech_for  # actions/speech.py builds on this module

        speech = speech_for(self.services, tracker)
        speech.utter(dispatcher, self.question, buttons=self.buttons_for(speech))
        return []
