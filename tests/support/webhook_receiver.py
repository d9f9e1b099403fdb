"""A real local HTTP server that records the webhook deliveries it receives."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    raw: bytes

    @property
    def body(self) -> dict[str, Any]:
        return json.loads(self.raw)

    @property
    def event(self) -> str:
        return str(self.body["event"])


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    # The status each request is answered with; a test may change it (500 to make them fail).
    status: int = 200

    def events(self) -> list[str]:
        return [r.event for r in self.received]

    def wait_for(self, check: Callable[[list[Received]], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not check(list(self.received)):
            if time.monotonic() > deadline:
                raise AssertionError(f"the receiver got only {self.events()}")
            time.sleep(0.05)


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    """Serve on a free loopback port until the block ends."""
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.status
            if 200 <= status < 300:
                receiver.received.append(Received(dict(self.headers.items()), raw))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
