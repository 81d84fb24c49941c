"""What the web app's tests share: two agents, a stand-in for Rasa's HTTP API,
and signing in through the API as the console does."""

import json

import httpx
from fastapi.testclient import TestClient

ALEX = ("alex@brightwave.example", "Alex Rivera", "alex password 1")
SAM = ("sam@brightwave.example", "Sam <b>Lee</b>", "sam password 12")


class FakeRasa:
    """Records the web app's calls to Rasa's HTTP API; `down` makes them fail."""

    def __init__(self) -> None:
        self.calls = []
        self.down = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("refused")
        body = json.loads(request.content) if request.content else None
        self.calls.append((request.url.path, body))
        return httpx.Response(200, json={})

    def bot_texts(self):
        return [
            event["text"]
            for _, body in self.calls
            if isinstance(body, list)
            for event in body
            if event["event"] == "bot"
        ]


def sign_in(app, who=ALEX, **client_options) -> TestClient:
    client = TestClient(app, **client_options)
    response = client.post("/api/agent/login", json={"email": who[0], "password": who[2]})
    assert response.status_code == 200, response.text
    return client
