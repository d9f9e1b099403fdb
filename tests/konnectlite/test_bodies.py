"""The ASGI layer in front of Django: each view's body limit, and chunked bodies framed."""

import json
from collections.abc import Iterable
from typing import Any

import pytest
from django.conf import settings

from controlplane.api.views.nodes import REGISTER_MAX_BODY_BYTES
from konnectlite.bodies import BoundedBodies, Message, Receive, Scope, Send, body_limit

CP = "/v2/control-planes/6b594cf8-297e-4d58-8c80-b3639e5dbfd0"
DASHBOARD_CP = "/control-planes/6b594cf8-297e-4d58-8c80-b3639e5dbfd0"
ENTITY_LIMIT = settings.KONNECTLITE_MAX_ENTITY_BODY_BYTES
DECLARATIVE_LIMIT = settings.KONNECTLITE_MAX_BODY_BYTES


class App:
    """Stands in for Django: records the scope and the whole body it was given."""

    def __init__(self) -> None:
        self.scope: Scope | None = None
        self.body = b""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope = scope
        while True:
            message = await receive()
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


class Client:
    """Sends one request through the layer; remembers what was read and what came back."""

    def __init__(self, messages: Iterable[Message]) -> None:
        self.messages = list(messages)
        self.read = 0
        self.sent: list[Message] = []

    async def receive(self) -> Message:
        self.read += 1
        if self.read > len(self.messages):
            return {"type": "http.disconnect"}
        return self.messages[self.read - 1]

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return int(self.sent[0]["status"])

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent[1:])

    def header(self, name: bytes) -> bytes:
        return dict(self.sent[0]["headers"])[name]


def http_scope(path: str, headers: list[tuple[bytes, bytes]] | None = None) -> Scope:
    return {"type": "http", "method": "PUT", "path": path, "headers": headers or []}


def chunks(*parts: bytes) -> list[Message]:
    last = len(parts) - 1
    return [
        {"type": "http.request", "body": part, "more_body": i < last}
        for i, part in enumerate(parts)
    ]


async def call(scope: Scope, client: Client) -> App:
    app = App()
    await BoundedBodies(app)(scope, client.receive, client.send)
    return app


async def test_a_chunked_body_reaches_django_whole_with_its_real_length() -> None:
    client = Client(chunks(b'{"custom_id": ', b'"bob-1", ', b'"tags": ["x"]}'))
    scope = http_scope(f"{CP}/core-entities/consumers/bob", [(b"transfer-encoding", b"chunked")])
    app = await call(scope, client)
    assert app.body == b'{"custom_id": "bob-1", "tags": ["x"]}'
    assert app.scope is not None
    assert app.scope["headers"] == [(b"content-length", str(len(app.body)).encode())]
    assert client.status == 200


async def test_a_body_with_a_declared_length_keeps_it_and_its_other_headers() -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"2")]
    app = await call(http_scope(f"{CP}/core-entities/services", headers), Client(chunks(b"{}")))
    assert app.body == b"{}"
    assert app.scope is not None
    assert app.scope["headers"] == headers


async def test_a_request_without_a_body_gets_an_empty_one() -> None:
    app = await call(http_scope(f"{CP}/core-entities/services"), Client(chunks(b"")))
    assert app.body == b""
    assert app.scope is not None
    assert (b"content-length", b"0") in app.scope["headers"]


async def test_a_declared_length_over_the_limit_is_refused_before_any_body_is_read() -> None:
    headers = [(b"content-length", str(ENTITY_LIMIT + 1).encode())]
    client = Client(chunks(b"x" * 10))
    app = await call(http_scope(f"{CP}/core-entities/consumers/bob", headers), client)
    assert app.scope is None
    assert client.read == 0
    assert client.status == 413
    assert json.loads(client.body) == {
        "code": 413,
        "name": "payload too large",
        "message": f"request body exceeds the limit of {ENTITY_LIMIT} bytes",
    }


async def test_streamed_bytes_are_refused_as_soon_as_they_pass_the_limit() -> None:
    part = b"x" * (ENTITY_LIMIT // 2)
    client = Client(chunks(part, part, b"x", b"never read", b"never read"))
    app = await call(http_scope(f"{CP}/core-entities/services"), client)
    assert app.scope is None
    assert client.read == 3
    assert client.status == 413
    assert json.loads(client.body)["code"] == 413


async def test_a_body_exactly_at_the_limit_is_accepted() -> None:
    part = b"x" * (ENTITY_LIMIT // 2)
    app = await call(http_scope(f"{CP}/core-entities/services"), Client(chunks(part, part)))
    assert len(app.body) == ENTITY_LIMIT


async def test_the_dashboard_is_refused_with_a_page_not_json() -> None:
    client = Client(chunks(b"name=" + b"x" * ENTITY_LIMIT))
    await call(http_scope(f"{DASHBOARD_CP}/entities/services/create/"), client)
    assert client.status == 413
    assert client.header(b"content-type").startswith(b"text/html")
    assert b"413 Request too large" in client.body
    assert b"nothing was saved" in client.body


async def test_a_client_that_leaves_mid_body_reaches_no_view() -> None:
    client = Client([{"type": "http.request", "body": b"{", "more_body": True}])
    app = await call(http_scope(f"{CP}/core-entities/services"), client)
    assert app.scope is None
    assert client.sent == []


@pytest.mark.parametrize("value", [b"ten", b"-1", b""])
async def test_a_malformed_content_length_is_a_bad_request(value: bytes) -> None:
    client = Client(chunks(b"{}"))
    await call(http_scope(f"{CP}/core-entities/services", [(b"content-length", value)]), client)
    assert client.status == 400
    assert "Content-Length" in json.loads(client.body)["message"]


async def test_two_content_lengths_are_a_bad_request() -> None:
    headers = [(b"content-length", b"2"), (b"content-length", b"2")]
    client = Client(chunks(b"{}"))
    await call(http_scope(f"{CP}/core-entities/services", headers), client)
    assert client.status == 400


async def test_websockets_pass_through_untouched() -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)

    scope: dict[str, Any] = {"type": "websocket", "path": "/v1/outlet", "headers": []}
    await BoundedBodies(app)(scope, Client([]).receive, Client([]).send)
    assert seen == [scope]


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        (f"{CP}/core-entities/consumers/bob", ENTITY_LIMIT),
        (f"{CP}/core-entities/services", ENTITY_LIMIT),
        (f"{CP}/declarative-config", DECLARATIVE_LIMIT),
        ("/v2/dataplane/register", REGISTER_MAX_BODY_BYTES),
        (f"{DASHBOARD_CP}/entities/services/create/", ENTITY_LIMIT),
        (f"{DASHBOARD_CP}/config/upload/", DECLARATIVE_LIMIT),
        ("/accounts/login/", ENTITY_LIMIT),
        ("/no/such/page", ENTITY_LIMIT),
    ],
)
def test_each_path_has_the_same_limit_as_its_view(path: str, limit: int) -> None:
    assert body_limit(path) == limit


def test_registration_accepts_far_less_than_an_entity() -> None:
    assert REGISTER_MAX_BODY_BYTES < ENTITY_LIMIT
