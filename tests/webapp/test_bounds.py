"""Every integer a request can carry to the database is bounded: a number too big
for it (SQLite's integers are 64-bit, PostgreSQL's id columns 32-bit) is a 422
that names the limit, never an overflow inside the driver (500). The routes are
enumerated, hidden ones included, so a new integer parameter without bounds fails
here."""

import copy
import json

import pytest
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from helpdesk.agent_presence import ADMIN, AgentPresence
from tests.webapp.agents_app import ALEX
from webapp.app import create_app
from webapp.bounds import DB_INT_MAX
from webapp.routers import handoffs

SQLITE_MAX = 2**63 - 1
TOO_BIG = (2**63, 10**20, "1e20")
PATH_VALUES = {"ref": "T-00001", "customer_id": "C1001", "article_id": "shipping"}


@pytest.fixture
def app(app, demo_db):
    """The same app in demo mode: every route there is; the signed-in agent is an
    admin, so the admin's routes check their numbers instead of refusing."""
    AgentPresence(demo_db).set_role(ALEX[0], ADMIN)
    return create_app(app.state.kefu.settings.with_changes(demo_mode=True))


@pytest.fixture(autouse=True)
def short_stream(monkeypatch):
    """The event stream says where it starts and ends, so a request that gets
    through (a missing bound) returns instead of streaming forever."""

    async def ready_only(request, state, cursor, token):
        yield f"event: ready\ndata: {json.dumps({'cursor': cursor})}\n\n"

    monkeypatch.setattr(handoffs, "_stream", ready_only)


def full_schema(app) -> dict:
    """The OpenAPI document of every route, the ones hidden from /docs too."""
    routes = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            shown = copy.copy(route)
            shown.include_in_schema = True
            routes.append(shown)
    return get_openapi(title=app.title, version=app.version, routes=routes)


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _integers(schema: dict, spec: dict):
    """The integer schemas in `schema` (through $ref, anyOf/allOf/oneOf, arrays)."""
    schema = _resolve(schema, spec)
    if schema.get("type") == "integer":
        yield schema
    for key in ("anyOf", "allOf", "oneOf"):
        for part in schema.get(key, []):
            yield from _integers(part, spec)
    if "items" in schema:
        yield from _integers(schema["items"], spec)


def integer_inputs(app):
    """(method, path, where, name, schema) for every integer a request carries."""
    spec = full_schema(app)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                for schema in _integers(parameter["schema"], spec):
                    yield method.upper(), path, parameter["in"], parameter["name"], schema
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                model = _resolve(body["schema"], spec)
                for name, field in model.get("properties", {}).items():
                    for schema in _integers(field, spec):
                        yield method.upper(), path, "body", name, schema


def request_with(client, method, path, where, name, value):
    url = path.replace("{" + name + "}", str(value)) if where == "path" else path
    for placeholder, filler in {"handoff_id": "1", **PATH_VALUES}.items():
        url = url.replace("{" + placeholder + "}", filler)
    return client.request(
        method,
        url,
        params={name: str(value)} if where == "query" else None,
        headers={name: str(value)} if where == "header" else None,
        json={name: value} if where == "body" else None,
    )


def test_every_integer_a_request_carries_has_bounds_the_database_can_hold(app):
    found = list(integer_inputs(app))
    unbounded = [
        (method, path, where, name)
        for method, path, where, name, schema in found
        if not (
            -SQLITE_MAX - 1 <= schema.get("minimum", -(2**64)) <= schema.get("maximum", 2**64)
            <= SQLITE_MAX
        )
    ]
    assert unbounded == []
    names = {name for _, _, _, name, _ in found}
    assert {"offset", "limit", "after", "handoff_id", "last-event-id"} <= names


def test_every_integer_out_of_range_is_refused_with_a_422_naming_the_limit(app, alex):
    checked = 0
    for method, path, where, name, schema in integer_inputs(app):
        for value in (*TOO_BIG, -(2**63) - 1):
            response = request_with(alex, method, path, where, name, value)
            assert response.status_code == 422, (method, path, name, value, response.text)
            problems = response.json()["detail"]
            assert any(problem["loc"][-1] == name for problem in problems), problems
            checked += 1
        big = request_with(alex, method, path, where, name, 2**63)
        assert str(int(schema["maximum"])) in json.dumps(big.json()["detail"])
    assert checked >= 40


@pytest.mark.parametrize(
    "url, headers",
    [
        ("/api/tickets?offset=9223372036854775808", {}),
        ("/api/tickets?limit=9223372036854775808", {}),
        ("/api/events?after=100000000000000000000", {}),
        ("/api/events?after=1e20", {}),
        ("/api/events?handoff_id=100000000000000000000", {}),
        ("/api/customers?limit=100000000000000000000", {}),
        ("/api/handoffs/9223372036854775808", {}),
        ("/api/events/stream?after=100000000000000000000", {}),
        ("/api/events/stream", {"Last-Event-ID": "9" * 40}),
    ],
)
def test_the_reported_oversized_numbers_are_a_422_not_a_500(alex, url, headers):
    response = alex.get(url, headers=headers)
    assert response.status_code == 422 and response.json()["detail"]


def test_the_largest_allowed_numbers_reach_the_database_and_work(alex):
    assert alex.get("/api/tickets", params={"offset": DB_INT_MAX}).json() == []
    assert alex.get("/api/events", params={"after": DB_INT_MAX}).json() == []
    assert alex.get(f"/api/handoffs/{DB_INT_MAX}").status_code == 404


def test_a_reconnecting_event_stream_resumes_after_its_last_event_id(alex):
    response = alex.get("/api/events/stream", headers={"Last-Event-ID": "41"})
    assert response.status_code == 200 and '"cursor": 41' in response.text
