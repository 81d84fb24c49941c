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
from actions.formatting import items_line, money, order_button, order_summary
from actions.identity import IdentityFormValidation, verified_customer_or_explain
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
    stays empty and the customer hears why (another's order reads as missing).
    Called while a form validates, after `prepare` set `customer_id` from the
    proof on the message."""
    order_id = parse_order_id(str(value or ""))
    customer_id = tracker.get_slot("customer_id")
    order = (
        customer_order(services.records, customer_id, order_id)
        if order_id and customer_id
        else None
    )
    if order is None:
        missing = f"order {order_id}" if order_id else "that order"
        dispatcher.utter_message(text=f"I couldn't find {missing} on your account. {hint}")
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
            shown = self._show(dispatcher, tracker, identity)
            offer_to_resume_ticket(dispatcher, tracker)
            if shown:
                events.append(SlotSet("last_order_id", shown))
        return events

    def _show(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, identity: Identity
    ) -> Optional[str]:
        """Shows the order the customer means, or their latest orders; returns the
        number of the order shown on its own, if one was."""
        facts = self.services.facts
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
                    text=order_summary(facts, order), buttons=_order_actions(order)
                )
                return order.id
            dispatcher.utter_message(
                text=f"I couldn't find an order {wanted} on your account. Here are your latest orders instead."
            )
        if orders is None:
            orders = records.list_orders(identity.customer.id, limit=10)
        if not orders:
            dispatcher.utter_message(text="I don't see any orders on your account yet.")
            return None
        intro = "Here's your order:" if len(orders) == 1 else "Here are your latest orders:"
        dispatcher.utter_message(
            text=intro
            + "\n\n"
            + "\n\n".join(order_summary(facts, o) for o in orders[:ORDERS_SHOWN]),
            buttons=[order_button(o) for o in orders[ORDERS_SHOWN : ORDERS_SHOWN + 4]],
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


def _order_actions(order: OrderView) -> List[Dict[str, str]]:
    if order.status == "processing":
        return [
            {"title": "Cancel this order", "payload": f'/cancel_order{{"order_id": "{order.id}"}}'}
        ]
    if order.status in ("shipped", "delivered"):
        return [
            {
                "title": "Report a problem with it",
                "payload": f'/report_problem{{"order_id": "{order.id}"}}',
            },
            {"title": "Return it", "payload": f'/request_return{{"order_id": "{order.id}"}}'},
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
            "Please check the number (it looks like BW-104233).",
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
        if customer_id and not open_orders:
            dispatcher.utter_message(
                text="None of your orders can be cancelled right now: only orders that "
                "haven't shipped yet can be. A shipped order can be returned instead. "
                "Which order did you mean?",
                buttons=[order_button(o) for o in orders[:4]],
            )
            return []
        dispatcher.utter_message(
            text="Which order would you like to cancel? Only orders that haven't shipped yet can be cancelled.",
            buttons=[order_button(o) for o in open_orders[:5]],
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
        summary = f" ({items_line(order)}, {money(order.total, order.currency)})" if order else ""
        dispatcher.utter_message(
            text=f"Shall I cancel order {order_id}{summary}?",
            buttons=[
                {"title": "Yes, cancel it", "payload": "/affirm"},
                {"title": "No, keep it", "payload": "/deny"},
            ],
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
        if tracker.get_slot("cancel_confirmed") is False:
            dispatcher.utter_message(text=f"Okay, I've left order {order_id} as it is.")
            return done
        self._cancel(dispatcher, identity, order_id, tracker.sender_id)
        offer_to_resume_ticket(dispatcher, tracker)
        return done

    def _cancel(
        self,
        dispatcher: CollectingDispatcher,
        identity: Identity,
        order_id: str,
        conversation_id: str,
    ) -> None:
        result = cancel_customer_order(
            self.services.records, identity.customer.id, order_id, conversation_id
        )
        if result.outcome == "cancelled":
            dispatcher.utter_message(text=f"Done: order {order_id} is cancelled.")
            return
        if result.outcome == "not_found":
            dispatcher.utter_message(text=f"I couldn't find order {order_id} on your account.")
            return
        status = result.order.status if result.order else "no longer processing"
        if status in ("shipped", "delivered"):
            dispatcher.utter_message(
                text=f"Order {order_id} has already {'shipped' if status == 'shipped' else 'been delivered'}, "
                "so it can't be cancelled any more, but you can return it once it's with you. "
                "Shall I start a return?",
                buttons=[
                    {
                        "title": "Start a return",
                        "payload": f'/request_return{{"order_id": "{order_id}"}}',
                    },
                    {
                        "title": "Returns policy",
                        "payload": '/ask_faq{"faq_topic": "return-window"}',
                    },
                ],
            )
        else:
            dispatcher.utter_message(
                text=f"Order {order_id} is already {status}, so there's nothing to cancel."
            )
