"""What an action says, in the conversation's language: texts from the reply
catalogue (helpdesk/replies.py), dates and money from helpdesk/localization.py,
and the company's labels in that language.

Every action builds one `Speech` per run (`speech_for(services, tracker)`) and
never writes a customer-facing sentence in Python:

    speech = speech_for(self.services, tracker)
    speech.utter(dispatcher, "orders.not_found", order_id=order_id,
                 buttons=[speech.button("buttons.talk_to_person", "/request_human")])
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import Services
from helpdesk.company import CompanyFacts, Tier
from helpdesk.localization import Localizer
from helpdesk.replies import ReplyCatalogue

# The placeholder of texts that show an example order number ("like BW-104233").
ORDER_EXAMPLE = "order_example"


@dataclass(frozen=True)
class Speech:
    catalogue: ReplyCatalogue
    language: str
    facts: CompanyFacts

    @property
    def local(self) -> Localizer:
        return Localizer(self.catalogue, self.language)

    def say(self, key: str, **values: Any) -> str:
        """The text `key` ("orders.not_found") filled with `values`. A text showing
        what an order number looks like gets the company's example (company.yml
        `order_numbers`) without every caller passing it."""
        placeholders = self.catalogue.reply(key, self.language).placeholders
        if ORDER_EXAMPLE in placeholders and ORDER_EXAMPLE not in values:
            values[ORDER_EXAMPLE] = self.facts.order_numbers.example
        return self.catalogue.text(key, self.language, **values)

    def word(self, key: str, fallback: str) -> str:
        """The text `key` when the catalogue has it, else `fallback`: a record's
        status the catalogue does not know yet ("on_hold") reads as stored rather
        than failing the message."""
        return self.say(key) if self.catalogue.has(key) else fallback

    def button(self, key: str, payload: str, **values: Any) -> Dict[str, str]:
        return {"title": self.say(key, **values), "payload": payload}

    def utter(
        self,
        dispatcher: CollectingDispatcher,
        key: str,
        buttons: Optional[List[Dict[str, str]]] = None,
        **values: Any,
    ) -> None:
        dispatcher.utter_message(text=self.say(key, **values), buttons=list(buttons or []))

    def sentences(self, parts: Iterable[str]) -> str:
        """Sentences of one message, as the language puts them side by side (a
        space in English, nothing in Chinese)."""
        return self.say("formatting.sentence_separator").join(p for p in parts if p)

    def listing(self, items: Iterable[str]) -> str:
        """ "a, b, c" / "a，b，c"."""
        return self.say("formatting.list_separator").join(items)

    def date(self, moment: Optional[datetime]) -> str:
        """A calendar day in the company's time zone: "Nov 17, 2026" / "2026年11月17日"."""
        return self.local.date(moment, self.facts.hours.zone)

    def money(self, amount: Decimal, currency: str) -> str:
        return self.local.money(amount, currency)

    def moment(self, at: datetime, now: Optional[datetime] = None) -> str:
        """ "tomorrow at 8:00 am Eastern" / "明天 8:00（美东时间）"."""
        hours = self.facts.hours
        return self.local.moment(hours, at, hours.timezone_label, now)

    def target(self, tier: Tier) -> str:
        """A tier's first-response target: "1 business hour" / "1 个工作小时"."""
        return self.local.target(tier.first_response_hours, tier.first_response_days)

    def support_hours(self) -> str:
        """ "Monday–Friday 8:00–20:00, Saturday 9:00–17:00 Eastern"."""
        return self.local.support_hours(self.facts.hours, self.facts.hours.timezone_label)


def speech_for(services: Services, tracker: Tracker) -> Speech:
    language = services.language_of(tracker)
    return Speech(services.replies(), language, services.facts_in(language))
