"""Where an order is, and cancelling one that has not shipped yet (a shipped one
becomes a return). An order is only ever shown to the customer it belongs to."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import KefuAction, Services, optional_lookup
from actions.conversation import offer_to_resume_ticket
from actions.customer_identity import verified_customer_id
from actions.formatting import items_line, order_button, order_state, order_summary
from actions.identity import IdentityFormValidation, verified_customer_or_explain
from actions.speech import Speech, speech_for
from helpdesk.conversation_identity import Identity
from helpdesk.order_reference import order_named_by_item, refers_back
from helpdesk.orders import cancel_customer_order, customer_order
from helpdesk.parsing import parse_order_id
from helpdesk.records import OrderView

NO_ORDER = "none"  # the customer said the request is not about an order
ORDERS_SHOWN = 3


def mentioned_order(tracker: Tracker) -> Optional[str]:
    """The order number in the `order_id` slot, normalised; None when unset."""
    value = tracker.get_slot("order_id")
    if not value or value == NO_ORDER:
        return None
    return parse_order_id(str(value))


def own_order_or_explain(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker, value: Any, hint: str
) -> Dict[str, Any]:
    """`order_id` for a form when the order is the customer's; otherwise the slot
    stays empty and the customer hears why (another's order reads as missing), then
    `hint` (a catalogue key: what to do instead). Called while a form validates,
    after `prepare` set `customer_id` from the proof on the message."""
    order_id = parse_order_id(str(value or ""))
    customer_id = tracker.get_slot("customer_id")
    order = (
        customer_order(services.records, customer_id, order_id)
        if order_id and customer_id
        else None
    )
    if order is None:
        speech = speech_for(services, tracker)
        if order_id:
            speech.utter(
                dispatcher, "orders.not_found_with_hint", order_id=order_id, hint=speech.say(hint)
            )
        else:
            speech.utter(dispatcher, "orders.that_order_not_found_with_hint", hint=speech.say(hint))
        return {"order_id": None}
    return {"order_id": order.id}


def asked_about(tracker: Tracker) -> Optional[str]:
    """The order number in the customer's latest "where is my order" message, which
    inside another form does not fill `order_id`."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == "check_order_status":
            return parse_order_id(event.get("text") or "")
    return None


class ValidateOrderStatusForm(IdentityFormValidation):
    def name(self) -> str:
        return "validate_order_status_form"


class ActionShowOrderStatus(KefuAction):
    """Status, carrier, tracking number, items and dates of the customer's orders."""

    def name(self) -> str:
        return "action_show_order_status"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        identity = verified_customer_or_explain(dispatcher, tracker, self.services)
        events: List[EventType] = [SlotSet("order_id", None)]
        if identity is not None:
            speech = speech_for(self.services, tracker)
            shown = self._show(dispatcher, tracker, speech, identity)
            offer_to_resume_ticket(dispatcher, tracker, speech)
            if shown:
                events.append(SlotSet("last_order_id", shown))
        return events

    def _show(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, speech: Speech, identity: Identity
    ) -> Optional[str]:
        """Shows the order the customer means, or their latest orders; returns the
        number of the order shown on its own, if one was."""
        records = self.services.records
        orders: Optional[List[OrderView]] = None
        wanted = mentioned_order(tracker) or asked_about(tracker)
        if not wanted:
            orders = records.list_orders(identity.customer.id, limit=10)
            wanted = meant_order(tracker, orders)
        if wanted:
            order = customer_order(records, identity.customer.id, wanted)
            if order is not None:
                dispatcher.utter_message(
                    text=order_summary(speech, order), buttons=_order_actions(speech, order)
                )
                return order.id
            speech.utter(dispatcher, "orders.not_found_latest_instead", order_id=wanted)
        if orders is None:
            orders = records.list_orders(identity.customer.id, limit=10)
        if not orders:
            speech.utter(dispatcher, "orders.no_orders")
            return None
        intro = speech.say("orders.found_one" if len(orders) == 1 else "orders.found_many")
        dispatcher.utter_message(
            text="\n\n".join([intro, *(order_summary(speech, o) for o in orders[:ORDERS_SHOWN])]),
            buttons=[order_button(speech, o) for o in orders[ORDERS_SHOWN : ORDERS_SHOWN + 4]],
        )
        return orders[0].id if len(orders) == 1 else None


def order_meant_on_activation(
    services: Services, tracker: Tracker, identity: Optional[Identity], activating: bool
) -> List[EventType]:
    """`order_id` for a form starting with a message like "cancel it", when the
    order meant is clear; validated like a typed number."""
    if not activating or tracker.get_slot("order_id") or identity is None:
        return []
    orders = optional_lookup(lambda: services.records.list_orders(identity.customer.id, 10), [])
    meant = meant_order(tracker, orders)
    if not meant:
        return []
    events: List[EventType] = [SlotSet("order_id", meant)]
    tracker.add_slots(events)
    return events


def meant_order(tracker: Tracker, orders: List[OrderView]) -> Optional[str]:
    """The order a message without a number means: the one last shown, for "that
    order" or "it"; the one holding the item it names, for "the blender"."""
    text = (tracker.latest_message or {}).get("text") or ""
    last = tracker.get_slot("last_order_id")
    if last and refers_back(text):
        return str(last)
    named = order_named_by_item(orders, text)
    return named.id if named else None


def _order_actions(speech: Speech, order: OrderView) -> List[Dict[str, str]]:
    entity = f'{{"order_id": "{order.id}"}}'
    if order.status == "processing":
        return [speech.button("buttons.cancel_this_order", f"/cancel_order{entity}")]
    if order.status in ("shipped", "delivered"):
        return [
            speech.button("buttons.report_problem_with_it", f"/report_problem{entity}"),
            speech.button("buttons.return_it", f"/request_return{entity}"),
        ]
    return []


class ValidateCancellationForm(IdentityFormValidation):
    def name(self) -> str:
        return "validate_cancellation_form"

    def task_slots(self, tracker: Tracker) -> List[str]:
        order = tracker.get_slot("order_id")
        if order and order != NO_ORDER and not self._cancellable(tracker, order):
            return ["order_id"]  # the submit action explains the return route
        return ["order_id", "cancel_confirmed"]

    async def prefill(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        identity: Optional[Identity],
        activating: bool,
    ) -> List[EventType]:
        """"Cancel it" right after an order was shown means that order."""
        return order_meant_on_activation(self.services, tracker, identity, activating)

    def _cancellable(self, tracker: Tracker, order_id: str) -> bool:
        order = customer_order(self.services.records, tracker.get_slot("customer_id"), order_id)
        return order is not None and order.status == "processing"

    def validate_order_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return own_order_or_explain(
            self.services,
            dispatcher,
            tracker,
            value,
            "orders.check_number_hint",
        )


class ActionAskCancellationOrder(KefuAction):
    """Which order? Offers the orders that can still be cancelled."""

    def name(self) -> str:
        return "action_ask_cancellation_form_order_id"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        customer_id = verified_customer_id(tracker, self.services)
        orders = optional_lookup(
            lambda: self.services.records.list_orders(customer_id, limit=20) if customer_id else [],
            [],
        )
        open_orders = [o for o in orders if o.status == "processing"]
        speech = speech_for(self.services, tracker)
        if customer_id and not open_orders:
            speech.utter(
                dispatcher,
                "orders.none_cancellable",
                buttons=[order_button(speech, o) for o in orders[:4]],
            )
            return []
        speech.utter(
            dispatcher,
            "orders.which_to_cancel",
            buttons=[order_button(speech, o) for o in open_orders[:5]],
        )
        return []


class ActionAskCancelConfirmed(KefuAction):
    def name(self) -> str:
        return "action_ask_cancel_confirmed"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        order_id = mentioned_order(tracker)
        customer_id = verified_customer_id(tracker, self.services)
        order = optional_lookup(
            lambda: customer_order(self.services.records, customer_id, order_id)
            if customer_id and order_id
            else None,
            None,
        )
        speech = speech_for(self.services, tracker)
        buttons = [
            speech.button("buttons.yes_cancel_it", "/affirm"),
            speech.button("buttons.no_keep_it", "/deny"),
        ]
        if order is None:
            speech.utter(dispatcher, "orders.confirm_cancel", buttons=buttons, order_id=order_id)
            return []
        speech.utter(
            dispatcher,
            "orders.confirm_cancel_details",
            buttons=buttons,
            order_id=order_id,
            items=items_line(speech, order),
            total=speech.money(order.total, order.currency),
        )
        return []


class ActionCancelOrder(KefuAction):
    def name(self) -> str:
        return "action_cancel_order"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        done = [SlotSet("cancel_confirmed", None), SlotSet("order_id", None)]
        identity = verified_customer_or_explain(dispatcher, tracker, self.services)
        if identity is None:
            return done
        order_id = mentioned_order(tracker)
        if order_id is None:
            return done
        speech = speech_for(self.services, tracker)
        if tracker.get_slot("cancel_confirmed") is False:
            speech.utter(dispatcher, "orders.kept", order_id=order_id)
            return done
        self._cancel(dispatcher, speech, identity, order_id, tracker.sender_id)
        offer_to_resume_ticket(dispatcher, tracker, speech)
        return done

    def _cancel(
        self,
        dispatcher: CollectingDispatcher,
        speech: Speech,
        identity: Identity,
        order_id: str,
        conversation_id: str,
    ) -> None:
        result = cancel_customer_order(
            self.services.records, identity.customer.id, order_id, conversation_id
        )
        if result.outcome == "cancelled":
            speech.utter(dispatcher, "orders.cancelled", order_id=order_id)
            return
        if result.outcome == "not_found":
            speech.utter(dispatcher, "orders.not_found", order_id=order_id)
            return
        if result.order is None:
            speech.utter(dispatcher, "orders.nothing_to_cancel_any_more", order_id=order_id)
            return
        status = result.order.status
        if status in ("shipped", "delivered"):
            speech.utter(
                dispatcher,
                f"orders.already_{status}",
                order_id=order_id,
                buttons=[
                    speech.button(
                        "buttons.start_return", f'/request_return{{"order_id": "{order_id}"}}'
                    ),
                    speech.button(
                        "buttons.returns_policy", '/ask_faq{"faq_topic": "return-window"}'
                    ),
                ],
            )
        else:
            speech.utter(
                dispatcher,
                "orders.nothing_to_cancel",
                order_id=order_id,
                status=order_state(speech, status),
            )
