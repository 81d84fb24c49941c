"""Answers from the knowledge base, and the customer's "was this helpful?".

The answer is the article section itself, quoted with a link to the whole article;
when the bot is not sure which topic was meant it says so and offers the closest
topics and a person, rather than a confident wrong answer.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import KefuAction, Services
from actions.speech import Speech, speech_for
from helpdesk.faq_matcher import FaqMatcher
from helpdesk.knowledge import Topic, fill_placeholders
from helpdesk.language import is_chinese
from helpdesk.parsing import asks_a_question, parse_order_id, parse_ticket_id


def helpful_buttons(speech: Speech) -> List[Dict[str, str]]:
    return [
        speech.button("buttons.yes_thanks", "/affirm"),
        speech.button("buttons.helpful_no", "/deny"),
    ]


def topic_button(topic: Topic) -> Dict[str, str]:
    """A topic offered by its heading, in the language of the articles it is from."""
    return {"title": topic.title, "payload": f'/ask_faq{{"faq_topic": "{topic.id}"}}'}


def matcher_for(services: Services, speech: Speech) -> FaqMatcher:
    """The articles of the conversation's language (the same topic ids in each)."""
    return services.faq_matcher(speech.language)


def article_link(services: Services, topic: Topic, language: str) -> str:
    """The help-center page of the topic's article, in the language it is quoted
    in: /help/<article>#<topic> for the default language, /<language>/help/... for
    another."""
    default = services.replies().default_language
    prefix = "" if language == default else f"/{language}"
    return f"{services.settings.public_web_url}{prefix}/help/{topic.article_id}#{topic.id}"


def requested_topic(tracker: Tracker) -> Optional[str]:
    """A topic chosen with a button (entity `faq_topic`), if any."""
    return next(
        (
            e.get("value")
            for e in (tracker.latest_message.get("entities") or [])
            if e.get("entity") == "faq_topic"
        ),
        None,
    )


class ActionAnswerFaq(KefuAction):
    def name(self) -> str:
        return "action_answer_faq"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        speech = speech_for(self.services, tracker)
        matcher = matcher_for(self.services, speech)
        chosen = matcher.kb.topic(requested_topic(tracker) or "")
        if chosen is not None:
            return quote_answers(self.services, dispatcher, tracker, [chosen])
        matches = matcher.match_each(tracker.latest_message.get("text") or "")
        sure = distinct(topic for m in matches for topic in m.answers)
        if not sure:
            return self._not_sure(dispatcher, speech, [s.topic for s in matches[0].ranked])
        return quote_answers(self.services, dispatcher, tracker, sure)

    def _not_sure(
        self, dispatcher: CollectingDispatcher, speech: Speech, closest: List[Topic]
    ) -> List[EventType]:
        limit = speech.facts.faq_suggestions
        speech.utter(
            dispatcher,
            "faq.not_sure",
            buttons=[topic_button(t) for t in closest[:limit]]
            + [speech.button("buttons.none_of_these", "/request_human")],
        )
        return [SlotSet("faq_topic", None)]


# A message may ask two things; more than this many answers at once is a wall of text.
MAX_ANSWERS = 2


def distinct(topics: Iterable[Topic]) -> List[Topic]:
    found: List[Topic] = []
    for topic in topics:
        if topic not in found:
            found.append(topic)
    return found


def quote_answers(
    services: Services,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    topics: List[Topic],
    ask_feedback: bool = True,
) -> List[EventType]:
    """Each topic's section with a link to its article, then "did that answer your
    question?" with an offer to act on it where the topic has one (a return after
    the return rules). No feedback question when the bot goes on to act at once."""
    speech = speech_for(services, tracker)
    topics = [quoted_topic(services, speech, t) for t in topics[:MAX_ANSWERS]]
    for topic in topics:
        answer = fill_placeholders(topic.answer, speech.facts, support_hours=speech.support_hours())
        dispatcher.utter_message(
            text=speech.say(
                "faq.answer", answer=answer, link=article_link(services, topic, speech.language)
            ),
            faq_topic=topic.id,
        )
    # Inside a form the form asks its next question right after this, so a
    # feedback question would be mistaken for an answer to the form.
    if ask_feedback and not (tracker.active_loop or {}).get("name"):
        speech.utter(
            dispatcher,
            "faq.did_that_answer",
            buttons=helpful_buttons(speech) + follow_up_buttons(speech, topics),
        )
    return [SlotSet("faq_topic", topics[-1].id)]


def quoted_topic(services: Services, speech: Speech, topic: Topic) -> Topic:
    """The topic as the conversation's language writes it: a topic found in
    another language's articles (the default's, for a policy the ticket form
    quotes) is quoted from this language's article with the same id."""
    return matcher_for(services, speech).kb.topic(topic.id) or topic


def follow_up_buttons(speech: Speech, topics: List[Topic]) -> List[Dict[str, str]]:
    offers = [speech.facts.faq_follow_ups.get(t.id) for t in topics]
    buttons: List[Dict[str, str]] = []
    for offer in offers:
        if offer and all(b["payload"] != f"/{offer[1]}" for b in buttons):
            buttons.append({"title": offer[0], "payload": f"/{offer[1]}"})
    return buttons


def answer_if_sure(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker, text: str
) -> Optional[List[EventType]]:
    """When Rasa did not understand a message, it may still be a question an
    article answers in words unlike any example; quote it only when the match is
    surer than usual. None when nothing is that sure."""
    language = services.language_of(tracker)
    facts = services.facts_in(language)
    sure = [
        m.best.topic
        for m in services.faq_matcher(language).match_each(text)
        if m.sure(facts.faq_fallback_min_confidence, facts.faq_fallback_min_similarity)
    ]
    return quote_answers(services, dispatcher, tracker, sure) if sure else None


def answer_before_acting(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker
) -> List[EventType]:
    """A request that also asks about a rule gets the rule first, then the action:
    "order already shipped, can I still cancel it?" hears when a cancellation is
    possible before the verification; "is there a number I can ring to talk to
    someone?" gets the number and a person. Which topics a request may answer first
    is company data (company.yml `faq.answer_first`). Nothing when the message names
    an order or a ticket (an instruction about it, which the action explains), when
    the customer has just read that answer, or when no allowed topic is sure. A
    Chinese request for a person must also ask something: "转人工客服" shares its
    words with the questions about support hours (人工客服几点上班), but only asks
    for a person."""
    message = tracker.latest_message or {}
    text = (message.get("text") or "").strip()
    intent = (message.get("intent") or {}).get("name") or ""
    allowed = services.facts.faq_answer_first.get(intent)
    if not allowed or not text or text.startswith("/") or names_a_record(text):
        return []
    if intent == "request_human" and is_chinese(text) and not asks_a_question(text):
        return []
    matches = services.faq_matcher(services.language_of(tracker)).match_each(text)
    topics = [
        topic
        for topic in distinct(t for m in matches for t in m.answers)
        if topic.id in allowed and topic.id != tracker.get_slot("faq_topic")
    ]
    if not topics:
        return []
    return quote_answers(services, dispatcher, tracker, topics, ask_feedback=False)


def names_a_record(text: str) -> bool:
    return bool(parse_order_id(text) or parse_ticket_id(text))


def question_answered(tracker: Tracker) -> Optional[str]:
    """The customer's question behind the latest FAQ answer."""
    question: Optional[Dict] = None
    last_user: Optional[Dict] = None
    for event in tracker.events:
        if event.get("event") == "user":
            last_user = event
        elif event.get("event") == "action" and event.get("name") == "action_answer_faq":
            question = last_user
    return (question or {}).get("text")


def related_topics(
    services: Services, answered: Optional[str], question: str, language: str
) -> List[Topic]:
    """Other answers worth offering when one did not help: the rest of the same
    article first, then whatever else matched the question best."""
    matcher = services.faq_matcher(language)
    chosen = matcher.kb.topic(answered or "")
    same_article = [
        t
        for t in matcher.topics
        if chosen and t.article_id == chosen.article_id and t.id != chosen.id
    ]
    by_match = [s.topic for s in matcher.match(question, limit=5).ranked]
    offered: List[Topic] = []
    for topic in same_article + by_match:
        if topic.id != answered and topic not in offered:
            offered.append(topic)
    return offered


class ActionRecordFaqFeedback(KefuAction):
    """Stores whether the answer helped; when it did not, offers other topics."""

    def name(self) -> str:
        return "action_record_faq_feedback"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        topic_id = tracker.get_slot("faq_topic")
        helpful = (tracker.latest_message.get("intent") or {}).get("name") == "affirm"
        if topic_id:
            question = question_answered(tracker)
            self.services.deferred.submit(
                f"FAQ feedback on {topic_id} in {tracker.sender_id}",
                lambda: self.services.conversations.record_faq_feedback(
                    tracker.sender_id, topic_id, question, helpful
                ),
            )
        speech = speech_for(self.services, tracker)
        if helpful:
            speech.utter(dispatcher, "faq.glad_it_helped")
            return []
        others = related_topics(
            self.services, topic_id, question_answered(tracker) or "", speech.language
        )
        speech.utter(
            dispatcher,
            "faq.not_helped",
            buttons=[topic_button(t) for t in others[:3]]
            + [speech.button("buttons.talk_to_person", "/request_human")],
        )
        return []
