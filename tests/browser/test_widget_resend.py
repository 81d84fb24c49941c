"""A message the widget sent just as its connection broke is not lost, and is not
answered twice: the widget keeps it until the server acknowledges it and sends it
again, with its id, after reconnecting (webapp/static/widget/kefu-widget.js,
kefu_rasa/resent.py). The network is Playwright's WebSocket route, which can
swallow the message on its way to the server and then cut the connection, as a
dying Rasa process or a train tunnel does."""

import re

import pytest
import requests

pytestmark = [pytest.mark.stack, pytest.mark.browser]


class LossyNetwork:
    """Forwards the widget's socket.io frames, except that the next customer message
    can be swallowed, the connection cut with it."""

    def __init__(self, page) -> None:
        self.swallow_next_message = False
        self.swallowed: list = []
        self.sockets: list = []
        page.route_web_socket(re.compile(r".*/socket\.io/.*"), self._route)

    def cut(self) -> None:
        for socket in self.sockets:
            socket.close()

    def _route(self, socket) -> None:
        server = socket.connect_to_server()
        self.sockets.append(socket)

        def from_page(frame) -> None:
            if self.swallow_next_message and isinstance(frame, str) and '"user_uttered"' in frame:
                self.swallow_next_message = False
                self.swallowed.append(frame)
                socket.close()  # lost on the way, and the connection with it
                return
            server.send(frame)

        socket.on_message(from_page)


def user_texts(stack, session_id: str) -> list:
    events = requests.get(
        f"{stack.config.rasa_url}/conversations/{session_id}/tracker",
        params={"token": stack.config.rasa_token},
        timeout=10,
    ).json()["events"]
    return [e.get("text") for e in events if e["event"] == "user"]


def test_a_message_lost_with_the_connection_is_sent_again_and_answered_once(page, chat, stack):
    network = LossyNetwork(page)
    page.goto("/")
    chat.open()
    network.swallow_next_message = True
    chat.say("do you ship to canada?", until="Did that answer your question?")
    assert len(network.swallowed) == 1  # the first attempt never reached the server
    assert '"resent"' not in network.swallowed[0]
    page.wait_for_timeout(1000)
    assert chat.customer_texts() == ["do you ship to canada?"]
    answers = [text for text in chat.bot_texts() if "Canada" in text or "canada" in text.lower()]
    assert len(answers) == 1, chat.bot_texts()
    session_id = page.evaluate("localStorage.getItem('kefu:session')")
    assert user_texts(stack, session_id).count("do you ship to canada?") == 1


def test_a_message_the_server_answered_is_not_sent_again_after_a_reconnection(page, chat, stack):
    network = LossyNetwork(page)
    page.goto("/")
    chat.open()
    chat.say("how long does standard shipping take?", until="Did that answer your question?")
    page.wait_for_timeout(500)  # its acknowledgement comes just after the answer
    network.cut()
    page.wait_for_timeout(500)
    for _ in range(100):  # socket.io reconnects within a few seconds
        if len(network.sockets) > 1:
            break
        page.wait_for_timeout(100)
    assert len(network.sockets) > 1, "the widget reconnected"
    chat.say("do you ship to canada?")  # waits for its first new answer
    session_id = page.evaluate("localStorage.getItem('kefu:session')")
    texts = user_texts(stack, session_id)
    assert texts.count("how long does standard shipping take?") == 1, texts
    assert texts.count("do you ship to canada?") == 1, texts
