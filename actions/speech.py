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
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import Services
from helpdesk.company import CompanyFacts
from helpdesk.localization import Localizer
from helpdesk.replies import ReplyCatalogue


@dataclass(frozen=True)
class Speech:
    catalogue: ReplyCatalogue
    language: str
    facts: CompanyFacts

    @property
    def local(self) -> Localizer:
        return Localizer(self.catalogue, self.language)

    def say(self, key: str, **values: Any) -> str:
        """The text `key` ("orders.not_found") filled with `values`."""
        return self.catalogue.text(key, self.language, **values)

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

    def support_hours(self) -> str:
        """ "Monday–Friday 8:00–20:00, Saturday 9:00–17:00 Eastern"."""
        return self.local.support_hours(self.facts.hours, self.facts.hours.timezone_label)


def speech_for(services: Services, tracker: Tracker) -> Speech:
    language = services.language_of(tracker)
    return Speech(services.replies(), language, services.facts_in(language))
