"""Kefu scaled out (ops/scaled.py): two Rasa servers, two action servers and two web
processes behind nginx, on this machine's PostgreSQL, Redis and RabbitMQ. Each
test reaches single processes past nginx where it matters which one holds what,
and kills them the way a crash would (SIGKILL)."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from typing import Any, Dict, List, Optional

import pytest
import redis.asyncio
import requests
import socketio

from kefu_rasa.socketio_routing import CHANNEL as ROUTING_CHANNEL
from ops.chat_client import RestChat
from ops.scaled import ScaledStack
from tests.conftest import AGENT_EMAIL, AGENT_PASSWORD, run_async, scaled_stack_on

pytestmark = pytest.mark.stack


class PinnedStack(ScaledStack):
    """Each web process talks to "its" Rasa server directly (web-1 to rasa-1, web-2
    to rasa-2) instead of through nginx, so a test knows which process an agent's
    reply went through."""

    def process_environment(self, name: str, env: Dict[str, str]) -> Dict[str, str]:
        env = super().process_environment(name, env)
        if name.startswith("web-"):
            env = {**env, "KEFU_RASA_URL": self.process_url("rasa-" + name.split("-")[1])}
        return env


@pytest.fixture(scope="module")
def scaled(trained_model, tmp_path_factory):
    root = tmp_path_factory.mktemp("scaled")
    with scaled_stack_on(trained_model, root, stack_class=PinnedStack) as running:
        yield running


def agent_on(stack: ScaledStack, process: str) -> requests.Session:
    session = requests.Session()
    session.base = stack.process_url(process)  # type: ignore[attr-defined]
    response = session.post(
        f"{session.base}/api/agent/login",  # type: ignore[attr-defined]
        json={"email": AGENT_EMAIL, "password": AGENT_PASSWORD},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return session


def api(agent: requests.Session, method: str, path: str, **kwargs: Any) -> Any:
    response = agent.request(method, agent.base + path, timeout=30, **kwargs)  # type: ignore[attr-defined]
    assert response.status_code < 300, (path, response.status_code, response.text)
    return response.json() if response.content else None


def tracker_events(stack: ScaledStack, sender: str) -> List[Dict[str, Any]]:
    return requests.get(
        f"{stack.config.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.config.rasa_token, "include_events": "ALL"},
        timeout=10,
    ).json()["events"]


def user_texts(stack: ScaledStack, sender: str) -> List[str]:
    return [e.get("text") for e in tracker_events(stack, sender) if e["event"] == "user"]


class Widget:
    """What the website widget does over socket.io (webapp/static/widget/
    kefu-widget.js): a server-issued session continued after a reconnection, and
    each message kept until the server acknowledges it, then sent again with its
    id and `resent` if the socket was lost first."""

    def __init__(self) -> None:
        self.session: Dict[str, Optional[str]] = {"session_id": None, "session_secret": None}
        self.heard: List[Dict[str, Any]] = []
        self.unacked: Dict[str, str] = {}
        self.client: Optional[socketio.AsyncClient] = None
        self._confirmed: Optional[asyncio.Event] = None

    async def connect(self, url: str) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self._confirmed = asyncio.Event()

        def confirm(data: Dict[str, str]) -> None:
            self.session = data
            self._confirmed.set()  # type: ignore[union-attr]

        self.client.on("session_confirm", confirm)
        self.client.on("bot_uttered", lambda data: self.heard.append(data))
        await self.client.connect(url, transports=["websocket"])
        await self.client.emit("session_request", self.session)
        await asyncio.wait_for(self._confirmed.wait(), 15)
        for message_id, text in list(self.unacked.items()):
            await self._emit(text, message_id, resent=True)

    async def _emit(self, text: str, message_id: str, resent: bool = False) -> None:
        def acknowledged(*_: Any) -> None:
            self.unacked.pop(message_id, None)

        metadata = {"resent": True} if resent else {}
        assert self.client is not None
        await self.client.emit(
            "user_uttered",
            {"message": text, "metadata": metadata, "message_id": message_id},
            callback=acknowledged,
        )

    async def say(self, text: str) -> str:
        message_id = secrets.token_hex(16)
        self.unacked[message_id] = text
        await self._emit(text, message_id)
        return message_id

    async def wait_heard(self, count: int, timeout: float = 30) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.heard) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"heard {len(self.heard)} of {count}: {self.heard}")
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        if self.client is not None and self.client.connected:
            await self.client.disconnect()


async def queued_chat(agent: requests.Session, widget: Widget) -> Dict[str, Any]:
    """The conversation's chat in the agents' queue, once the bot has handed it over."""
    deadline = asyncio.get_running_loop().time() + 30
    while asyncio.get_running_loop().time() < deadline:
        chats = await asyncio.to_thread(api, agent, "GET", "/api/queue")
        found = [c for c in chats if c["conversation_id"] == widget.session["session_id"]]
        if found:
            return found[0]
        await asyncio.sleep(0.2)
    raise AssertionError(f"the chat never reached the queue; the widget heard {widget.heard}")


def test_a_customer_on_rasa_1_hears_an_agent_reply_sent_through_web_2_and_rasa_2(scaled):
    agent = agent_on(scaled, "web-2")

    async def scenario() -> Dict[str, List[str]]:
        # Every socket.io message the Rasa processes send each other (Redis pub/sub).
        listener = redis.asyncio.Redis.from_url(scaled.config.redis_url)
        pubsub = listener.pubsub(ignore_subscribe_messages=True)
        await pubsub.psubscribe(f"{ROUTING_CHANNEL}*")
        widget = Widget()
        await widget.connect(scaled.process_url("rasa-1"))
        await widget.say("hi")
        await widget.wait_heard(1)
        await widget.say("I want to talk to a person")
        chat = await queued_chat(agent, widget)
        await asyncio.to_thread(api, agent, "POST", f"/api/handoffs/{chat['id']}/claim")
        heard_before = len(widget.heard)
        await asyncio.to_thread(
            api,
            agent,
            "POST",
            f"/api/handoffs/{chat['id']}/reply",
            json={"text": "Sam here, on it"},
        )
        await widget.wait_heard(heard_before + 1, timeout=10)
        await widget.close()
        channels = []
        for _ in range(20):
            message = await pubsub.get_message(timeout=0.05)
            if message is not None:
                channels.append(message["channel"].decode())
        await pubsub.close()
        await listener.close()
        return {"heard": [m.get("text", "") for m in widget.heard], "channels": channels}

    seen = run_async(scenario())
    # web-2 spoke to rasa-2 only (PinnedStack); the socket was rasa-1's.
    assert "Sam here, on it" in seen["heard"]
    # rasa-2 sent the reply to rasa-1's own channel, not to every process; the
    # bot's answers on rasa-1 did not go through Redis at all.
    assert seen["channels"], "the reply never went through Redis"
    assert all(c.startswith(ROUTING_CHANNEL + ":") for c in seen["channels"]), seen["channels"]
    assert len(set(seen["channels"])) == 1, seen["channels"]


def test_a_rasa_process_killed_mid_conversation_loses_no_message(scaled):
    async def before_the_crash(widget: Widget) -> None:
        await widget.connect(scaled.process_url("rasa-1"))
        await widget.say("hi")
        await widget.wait_heard(1)
        await widget.say("how long does shipping take?")
        await widget.wait_heard(2)
        await widget.say("what is your return policy?")
        await asyncio.sleep(0.05)  # on its way, or being handled, when rasa-1 dies

    async def after_the_crash(widget: Widget) -> None:
        await widget.close()
        await widget.connect(scaled.config.rasa_url)  # through nginx: rasa-2 now
        deadline = time.monotonic() + 30
        while widget.unacked and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        heard = len(widget.heard)
        await widget.say("do you ship to Canada?")
        await widget.wait_heard(heard + 1)
        deadline = time.monotonic() + 10  # acknowledged once saved, just after the reply
        while widget.unacked and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await widget.close()

    widget = Widget()
    run_async(before_the_crash(widget))
    scaled.kill("rasa-1")
    try:
        run_async(after_the_crash(widget))
        texts = user_texts(scaled, widget.session["session_id"])
        heard = [m.get("text") or "" for m in widget.heard]
        assert texts.count("what is your return policy?") == 1, (texts, heard)
        assert texts[-1] == "do you ship to Canada?", (texts, heard)
        assert not widget.unacked
        assert any("return" in text.lower() for text in heard[2:]), heard
    finally:
        scaled.restart("rasa-1")


def test_two_messages_of_one_conversation_at_two_processes_are_handled_in_order(scaled):
    chat = RestChat(scaled.config.rasa_url)
    chat.say("hi")
    pairs = [
        ("where is my order?", "maya@example.com"),
        ("how long does shipping take?", "what is your return policy?"),
        ("I have a question", "do you ship to Canada?"),
    ]
    for first, second in pairs:
        results: Dict[str, Any] = {}

        def post(process: str, text: str, results: Dict[str, Any] = results) -> None:
            results[text] = requests.post(
                f"{scaled.process_url(process)}/webhooks/rest/webhook",
                json={"sender": chat.sender, "message": text},
                headers={"X-Kefu-Session-Secret": chat.secret},
                timeout=60,
            )

        threads = [
            threading.Thread(target=post, args=("rasa-1", first)),
            threading.Thread(target=post, args=("rasa-2", second)),
        ]
        threads[0].start()
        time.sleep(0.02)  # the first arrives first
        threads[1].start()
        for thread in threads:
            thread.join(60)
        assert all(r.status_code == 200 for r in results.values()), results
    events = tracker_events(scaled, chat.sender)
    users = [e.get("text") for e in events if e["event"] == "user"]
    assert users[1:] == [text for pair in pairs for text in pair]
    # Each turn ran whole before the next began: between two customer messages
    # the bot listened again, once.
    turns: List[List[str]] = []
    for event in events:
        if event["event"] == "user":
            turns.append([])
        elif turns and event["event"] == "action":
            turns[-1].append(event["name"])
    for actions in turns:
        assert actions and actions[-1] == "action_listen", turns
        assert actions.count("action_listen") == 1, turns


def read_stream(
    url: str,
    cookies: Any,
    stop_after: float,
    last_event_id: Optional[int],
    into: List[int],
    arrived: Optional[Dict[int, float]] = None,
) -> None:
    headers = {"Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    try:
        with requests.get(
            url, cookies=cookies, headers=headers, stream=True, timeout=(5, stop_after)
        ) as response:
            deadline = time.monotonic() + stop_after
            for line in response.iter_lines(decode_unicode=True):
                if line and line.startswith("id: "):
                    into.append(int(line[4:]))
                    if arrived is not None:
                        arrived[into[-1]] = time.monotonic()
                if time.monotonic() > deadline:
                    return
    except (
        requests.ConnectionError,
        requests.exceptions.ChunkedEncodingError,
        requests.ReadTimeout,
    ):
        return  # the process died, or the time is up


def test_a_console_whose_web_process_dies_reconnects_to_another_and_misses_no_event(scaled):
    agent = agent_on(scaled, "web-1")
    cursor = api(agent, "GET", "/api/events/cursor")["last_event_id"]
    seen: List[int] = []
    first = threading.Thread(
        target=read_stream,
        args=(f"{agent.base}/api/events/stream", agent.cookies, 120, cursor, seen),
    )
    first.start()
    customer = RestChat(scaled.config.rasa_url)
    customer.say("hi")
    customer.say("I want to talk to a person")
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.1)
    assert seen, "the stream on web-1 showed the new chat's event"
    scaled.kill("web-1")
    first.join(10)
    # While no console listens, the chat goes on.
    for text in ("hello?", "is anyone there", "my TV flickers"):
        customer.say(text)
    # The console's EventSource comes back through nginx, to web-2, from where it stopped.
    resumed: List[int] = []
    try:
        read_stream(
            f"{scaled.config.web_url}/api/events/stream",
            agent.cookies,
            4,
            seen[-1],
            resumed,
        )
        everything = [
            e["id"]
            for e in api(agent_on(scaled, "web-2"), "GET", "/api/events", params={"after": cursor})
        ]
        assert seen + resumed == everything
        assert len(set(seen + resumed)) == len(seen + resumed)
    finally:
        scaled.restart("web-1")


def test_what_the_rasa_and_action_servers_commit_reaches_a_console_at_once(scaled):
    # The web processes follow only announced desk changes, not Rasa's events: the
    # action server's new handoff and the Rasa server's held messages must arrive
    # well before the stream's 5 s safety read, and with fewer broker messages than
    # the events Rasa published meanwhile.
    agent = agent_on(scaled, "web-2")
    feed_before = api(agent, "GET", "/api/events/feed")["broker_messages"]
    cursor = api(agent, "GET", "/api/events/cursor")["last_event_id"]
    seen: List[int] = []
    arrived: Dict[int, float] = {}
    reader = threading.Thread(
        target=read_stream,
        args=(f"{agent.base}/api/events/stream", agent.cookies, 40, cursor, seen, arrived),
        daemon=True,
    )
    reader.start()
    time.sleep(1.0)  # the stream is open
    customer = RestChat(scaled.process_url("rasa-1"))
    delays = []
    for text in ("hi", "I want to talk to a person", "hello?", "is anyone there", "my TV"):
        already = len(seen)
        sent = time.monotonic()
        customer.say(text)
        if text == "hi":
            continue  # the bot's: nothing for the desk
        deadline = time.monotonic() + 10
        while len(seen) == already and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(seen) > already, f"nothing reached the console after {text!r}"
        delays.append(arrived[seen[already]] - sent)
    rasa_events = len(tracker_events(scaled, customer.sender))
    broker_messages = api(agent, "GET", "/api/events/feed")["broker_messages"] - feed_before
    print(
        f"\ncommit -> console: {[round(d * 1000) for d in delays]} ms; web-2 woke "
        f"{broker_messages} times for {rasa_events} Rasa events"
    )
    assert max(delays) < 2.0, delays  # each a reply's time plus the notice, no 5 s wait
    assert 4 <= broker_messages < rasa_events, (broker_messages, rasa_events)


def test_a_customer_with_the_chat_open_on_two_rasa_processes_leaves_when_both_close(scaled):
    # Two tabs of one chat, their sockets held by rasa-1 and rasa-2: closing one
    # must not tell the agent the customer left (kefu_rasa/presence.py).
    agent = agent_on(scaled, "web-1")

    def kinds(chat: Dict[str, Any]) -> List[str]:
        events = api(agent, "GET", "/api/events", params={"handoff_id": chat["id"]})
        return [e["kind"] for e in events]

    async def scenario() -> Dict[str, List[str]]:
        first, second = Widget(), Widget()
        await first.connect(scaled.process_url("rasa-1"))
        await first.say("hi")
        await first.wait_heard(1)
        await first.say("I want to talk to a person")
        chat = await queued_chat(agent, first)
        second.session = dict(first.session)  # the second tab continues the session
        await second.connect(scaled.process_url("rasa-2"))
        assert second.session["session_id"] == first.session["session_id"]
        await first.close()
        await asyncio.sleep(1.5)
        one_closed = await asyncio.to_thread(kinds, chat)
        await second.close()
        deadline = asyncio.get_running_loop().time() + 10
        both_closed = await asyncio.to_thread(kinds, chat)
        while "customer_left" not in both_closed:
            assert asyncio.get_running_loop().time() < deadline, both_closed
            await asyncio.sleep(0.2)
            both_closed = await asyncio.to_thread(kinds, chat)
        return {"one": one_closed, "both": both_closed}

    seen = run_async(scenario())
    assert "customer_left" not in seen["one"], seen["one"]
    assert seen["both"].count("customer_left") == 1, seen["both"]


def test_every_process_of_each_server_answers_behind_nginx(scaled):
    for process in ("rasa-1", "rasa-2"):
        status = requests.get(
            f"{scaled.process_url(process)}/status",
            params={"token": scaled.config.rasa_token},
            timeout=10,
        ).json()
        assert status["model_file"]
    for process in ("web-1", "web-2"):
        assert requests.get(f"{scaled.process_url(process)}/healthz", timeout=10).ok
    assert requests.get(f"{scaled.config.web_url}/healthz", timeout=10).ok
