"""A small HTTP client for the control plane's API, keeping one connection open.

One ``Api`` per thread: ``http.client`` connections are not thread-safe. Reusing the connection
keeps TCP setup out of the write-throughput figures, as any real API client would.
"""

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

from bench.errors import BenchFailure


class ApiError(BenchFailure):
    """The control plane answered with an unexpected status."""


class Api:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 120) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.token = token
        self.timeout = timeout
        self._connection: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """Send one request; reconnect once if the kept-alive connection was dropped."""
        try:
            return self._send(method, path, body)
        except (http.client.HTTPException, ConnectionError):
            self.close()
            return self._send(method, path, body)

    def expect(self, status: int, method: str, path: str, body: Any = None) -> Any:
        """The response body, or ApiError if the status is not ``status``."""
        got, answer = self.call(method, path, body)
        if got != status:
            raise ApiError(f"{method} {path}: expected HTTP {status}, got {got}: {answer}")
        return answer

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _send(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, self.timeout)
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        self._connection.request(method, path, body=data, headers=headers)
        response = self._connection.getresponse()
        raw = response.read()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, json.loads(raw) if raw else None
