"""Attacks on the running servers, as a stranger on the network would make them:
a forged call to the action server, guessing a customer's verification across
fresh conversations, a stolen chat session id, a removed or swapped website token,
forty wrong passwords at once, and requests from another website's pages.

The stack's Rasa server trusts one proxy (SANIC_PROXIES_COUNT=1) and the web app
trusts its local one (uvicorn's default), so each attack speaks from an address of
its own through X-Forwarded-For, as it would behind the production proxy.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Dict, List

import pytest
import requests
import socketio

from helpdesk.agents import AgentAccounts
from helpdesk.config import Settings
from helpdesk.db import Database
from helpdesk.identity import issue_customer_token
from ops.chat_client import RestChat
from tests.conftest import run_async

pytestmark = pytest.mark.stack

WRONG_PAIR = "Sorry, I couldn't match that email address and order number."


def forged_call(stack, action: str, slots: Dict[str, object], token: str = "") -> requests.Response:
    """A webhook call with a made-up tracker, as anyone who reaches the port can send."""
    tracker = {
        "sender_id": "forged-conversation",
        "slots": slots,
        "latest_message": {"text": "hi", "intent": {"name": "greet"}, "metadata": {}},
        "events": [],
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    return requests.post(
        f"{stack.config.actions_url}/webhook",
        json={"next_action": action, "sender_id": "forged-conversation", "tracker": tracker,
              "domain": {}, "version": "3.6.2"},
        headers={"Authorization": f"Bearer {token}"} if token else {},
        timeout=30,
    )


# --- 1. the action server ------------------------------------------------------------


@pytest.mark.parametrize("token", ["", "wrong-token"], ids=["no token", "wrong token"])
def test_the_action_server_refuses_callers_without_the_rasa_servers_token(stack, token):
    response = forged_call(
        stack, "action_show_account", {"customer_id": "C1002", "identity_method": "token"}, token
    )
    assert response.status_code == 401
    assert "Daniel" not in response.text and "BW-104" not in response.text
    listing = requests.get(f"{stack.config.actions_url}/actions", timeout=10)
    assert listing.status_code == 401


@pytest.mark.parametrize(
    "action, slots",
    [
        ("action_show_account", {"customer_id": "C1002", "identity_method": "token"}),
        ("action_show_order_status", {"customer_id": "C1002", "identity_method": "verification"}),
        ("action_ask_ticket_form_order_id", {"customer_id": "C1002", "identity_method": "token"}),
        ("action_ask_cancellation_form_order_id", {"customer_id": "C1002", "identity_method": "token"}),
        (
            "action_ask_cancel_confirmed",
            {"customer_id": "C1002", "identity_method": "token", "order_id": "BW-104193"},
        ),
        ("action_show_ticket_status", {"customer_id": "C1001", "identity_method": "token"}),
    ],
)
def test_a_forged_tracker_gains_nothing_even_with_the_token(stack, action, slots):
    """As if the attacker were on the Rasa server's side of the network: identity
    slots prove nothing, so no account, order or ticket of anyone is shown."""
    response = forged_call(stack, action, slots, stack.config.action_token)
    assert response.status_code == 200
    shown = json.dumps(response.json()["responses"], ensure_ascii=False)
    # Names, other orders, items (" ×2") and totals ("$") of the customers in the slots.
    for secret in ("Daniel", "Maya", "BW-104167", "BW-104101", "Echo-Arc", "×", "$", "T-00001", "@example"):
        assert secret not in shown, (action, shown)


def test_the_action_server_listens_on_loopback_only(stack):
    port = f"{stack.config.actions_port:04X}"
    sockets = [
        line.split()
        for name in ("/proc/net/tcp", "/proc/net/tcp6")
        for line in Path(name).read_text().splitlines()[1:]
    ]
    listening = [s[1] for s in sockets if s[1].endswith(f":{port}") and s[3] == "0A"]  # LISTEN
    assert listening and all(
        address.split(":")[0] in ("0100007F", "00000000000000000000000001000000")
        for address in listening
    ), listening


# --- 2. guessing a verification --------------------------------------------------------


def verification_answers(stack, client: str, tries: List[tuple]) -> List[str]:
    """One fresh conversation trying each (email, order) pair; the bot's answer to
    each pair."""
    chat = RestChat(stack.config.rasa_url, headers={"X-Forwarded-For": client})
    chat.say("where is my order?")
    answers = []
    for email, order in tries:
        chat.say(email)
        answers.append(" ".join(chat.say(order)))
    return answers


def test_guessing_a_customers_order_numbers_across_fresh_conversations_never_verifies(stack):
    guesses = [("liam.chen@example.com", f"BW-1043{n:02d}") for n in range(12)]
    answers = []
    for start in range(0, 12, 3):  # four conversations of three guesses each
        answers += verification_answers(stack, "203.0.113.7", guesses[start : start + 3])
    assert not any("you're verified" in a for a in answers)
    # The right pair now, from the same address and from a new one: locked, and
    # told exactly what a wrong pair is told.
    for client in ("203.0.113.7", "198.51.100.23"):
        [locked] = verification_answers(stack, client, [("liam.chen@example.com", "BW-104360")])
        [wrong] = verification_answers(stack, "192.0.2.99", [("nobody@example.com", "BW-104360")])
        assert WRONG_PAIR in locked and "verified" not in locked
        assert locked == wrong


def test_one_address_guessing_many_emails_is_stopped_for_every_email(stack):
    client = "203.0.113.50"
    for start in range(0, 12, 3):
        verification_answers(
            stack, client, [(f"guess{start + n}@example.org", "BW-104459") for n in range(3)]
        )
    [from_guesser] = verification_answers(stack, client, [("priya.patel@example.com", "BW-104459")])
    [from_elsewhere] = verification_answers(
        stack, "198.51.100.77", [("priya.patel@example.com", "BW-104459")]
    )
    assert WRONG_PAIR in from_guesser
    assert "Priya, you're verified" in from_elsewhere  # the lock is the guesser's


# --- 3. a stolen session id ---------------------------------------------------------------


def victims_session(stack) -> Dict[str, str]:
    """A widget's session over socket.io, with a little conversation in it."""

    async def chat() -> Dict[str, str]:
        client = socketio.AsyncClient()
        confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
        replied = asyncio.Event()
        client.on("session_confirm", lambda data: confirmed.set_result(data))
        client.on("bot_uttered", lambda data: replied.set())
        await client.connect(stack.config.rasa_url, transports=["websocket"])
        await client.emit("session_request", {"session_id": None})
        session = await asyncio.wait_for(confirmed, 10)
        await client.emit("user_uttered", {"message": "how long does shipping take?"})
        await asyncio.wait_for(replied.wait(), 30)
        await client.disconnect()
        return session

    return run_async(chat())


def test_a_stolen_session_id_reads_no_history(stack):
    victim = victims_session(stack)
    url = f"{stack.config.web_url}/api/widget/history/{victim['session_id']}"
    assert requests.get(url, timeout=10).status_code == 403
    other = RestChat(stack.config.rasa_url)
    assert requests.get(url, headers={"X-Kefu-Session-Secret": other.secret}, timeout=10).status_code == 403
    own = requests.get(url, headers={"X-Kefu-Session-Secret": victim["session_secret"]}, timeout=10)
    assert own.status_code == 200 and own.json()["messages"]


def test_a_stolen_session_id_cannot_continue_the_chat_over_rest(stack):
    victim = victims_session(stack)
    webhook = f"{stack.config.rasa_url}/webhooks/rest/webhook"
    for secret in (None, RestChat(stack.config.rasa_url).secret):
        response = requests.post(
            webhook,
            json={"sender": victim["session_id"], "message": "where is my order?"},
            headers={"X-Kefu-Session-Secret": secret} if secret else {},
            timeout=30,
        )
        assert response.status_code == 403


def test_a_stolen_session_id_cannot_join_the_chat_or_hear_it_over_socketio(stack):
    victim = victims_session(stack)

    async def attack() -> tuple:
        thief = socketio.AsyncClient()
        confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
        heard: List[dict] = []
        thief.on("session_confirm", lambda data: confirmed.set_result(data))
        thief.on("bot_uttered", lambda data: heard.append(data))
        await thief.connect(stack.config.rasa_url, transports=["websocket"])
        await thief.emit("session_request", {"session_id": victim["session_id"]})
        given = await asyncio.wait_for(confirmed, 10)
        # Naming the victim's session in a message changes nothing either.
        await thief.emit(
            "user_uttered", {"message": "hello", "session_id": victim["session_id"]}
        )
        await asyncio.sleep(1.5)
        await thief.disconnect()
        return given, heard

    given, heard = run_async(attack())
    assert given["session_id"] != victim["session_id"]  # a session of its own
    # The victim's tracker did not get the thief's "hello".
    tracker = requests.get(
        f"{stack.config.rasa_url}/conversations/{victim['session_id']}/tracker",
        params={"token": stack.config.rasa_token},
        timeout=10,
    ).json()
    assert "hello" not in [e.get("text") for e in tracker["events"] if e["event"] == "user"]
    assert all("business days" not in (m.get("text") or "") for m in heard)


# --- 4. the website token ----------------------------------------------------------------


def signed_in_chat(stack, customer_id: str = "C1001") -> RestChat:
    token = issue_customer_token(customer_id, Settings().customer_token_secret)
    return RestChat(stack.config.rasa_url, metadata={"customer_token": token})


ACCOUNT_REQUEST = "show me my account"


def account_shown(texts: List[str], name: str = "Maya") -> bool:
    return any(f"Here's your account, {name}" in t for t in texts)


@pytest.mark.parametrize(
    "replacement",
    [
        {},
        {"customer_token": None},
        {
            "customer_token": issue_customer_token(
                "C1001", Settings().customer_token_secret, timedelta(minutes=-1)
            )
        },
        {"customer_token": issue_customer_token("C1001", "a-forger's-own-secret-" * 3)},
    ],
    ids=["removed", "null", "expired", "forged"],
)
def test_the_account_is_not_shown_once_the_token_is_gone(stack, replacement):
    chat = signed_in_chat(stack)
    assert account_shown(chat.say(ACCOUNT_REQUEST))
    later = chat.say(ACCOUNT_REQUEST, metadata=replacement)
    assert not account_shown(later)
    assert "maya.thompson@example.com" not in " ".join(later)


def test_a_token_for_someone_else_shows_their_account_and_not_the_first_customers(stack):
    chat = signed_in_chat(stack, "C1001")
    assert account_shown(chat.say(ACCOUNT_REQUEST))
    daniels = issue_customer_token("C1002", Settings().customer_token_secret)
    later = " ".join(chat.say(ACCOUNT_REQUEST, metadata={"customer_token": daniels}))
    assert "Here's your account, Daniel" in later and "Maya" not in later


# --- 5. the agents' login ------------------------------------------------------------------


@pytest.fixture(scope="module")
def victim_agent(stack):
    db = Database(stack.config.database_url)
    AgentAccounts(db).create_agent("kim@brightwave.example", "Kim Park", "kims-own-long-password")
    db.dispose()
    return "kim@brightwave.example", "kims-own-long-password"


def login(stack, email: str, password: str, client: str) -> int:
    return requests.post(
        f"{stack.config.web_url}/api/agent/login",
        json={"email": email, "password": password},
        headers={"X-Forwarded-For": client},
        timeout=60,
    ).status_code


def test_forty_wrong_passwords_at_once_get_five_checks_and_lock_only_that_address(
    stack, victim_agent
):
    email, password = victim_agent
    with ThreadPoolExecutor(40) as pool:
        codes = list(pool.map(lambda n: login(stack, email, f"guess-{n:04d}-xx", "203.0.113.99"), range(40)))
    assert codes.count(401) <= 5 and codes.count(429) >= 35 and set(codes) <= {401, 429}
    assert login(stack, email, password, "203.0.113.99") == 429  # that address waits
    assert login(stack, email, password, "198.51.100.99") == 200  # the agent does not


def test_an_unknown_email_is_answered_exactly_like_an_agents(stack, victim_agent):
    email, _ = victim_agent
    known = [login(stack, email, "wrong-password-x", "192.0.2.10") for _ in range(7)]
    unknown = [login(stack, "nobody@brightwave.example", "wrong-password-x", "192.0.2.11") for _ in range(7)]
    assert known == unknown == [401] * 5 + [429] * 2


# --- 6. other websites' pages ---------------------------------------------------------------


def test_the_rasa_server_lets_only_the_websites_own_pages_call_it(stack):
    preflight = {"Access-Control-Request-Method": "POST"}
    webhook = f"{stack.config.rasa_url}/webhooks/rest/webhook"
    evil = requests.options(webhook, headers={"Origin": "https://evil.example", **preflight}, timeout=10)
    assert "access-control-allow-origin" not in {k.lower() for k in evil.headers}
    ours = stack.config.website_origins()[0]
    allowed = requests.options(webhook, headers={"Origin": ours, **preflight}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == ours


def test_another_websites_page_cannot_open_the_chat_socket(stack):
    async def connect(origin: str) -> bool:
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(stack.config.rasa_url, transports=["websocket"], headers={"Origin": origin})
        except socketio.exceptions.ConnectionError:
            return False
        await client.disconnect()
        return True

    assert run_async(connect("https://evil.example")) is False
    assert run_async(connect(stack.config.website_origins()[0])) is True


def test_the_console_cannot_be_framed_by_another_site(stack):
    for path in ("/console/login", "/console", "/"):
        response = requests.get(f"{stack.config.web_url}{path}", timeout=10)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, path


def test_rasas_http_api_answers_nobody_without_its_token(stack):
    chat = RestChat(stack.config.rasa_url)
    chat.say("hi")
    response = requests.get(f"{stack.config.rasa_url}/conversations/{chat.sender}/tracker", timeout=10)
    assert response.status_code == 401
