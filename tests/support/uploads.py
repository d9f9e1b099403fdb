"""HTTP requests written on a raw socket, for the request-body tests and benchmark.

The caller chooses the framing (chunked or a declared length) and can see the server answer
while the body is still being sent, which no ordinary HTTP client shows.
"""

import json
import select
import socket
from dataclasses import dataclass
from typing import Any

BLOCK = b"x" * 65536


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    body_bytes_sent: int
    closed: bool  # the server ended the connection after its answer

    def json(self) -> Any:
        return json.loads(self.body)


def request_head(port: int, method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunk(data: bytes) -> bytes:
    """One chunk of a chunked body."""
    return b"%x\r\n%s\r\n" % (len(data), data)


def exchange(port: int, head: bytes, body: bytes = b"") -> Answer:
    """Send a whole request, already framed, and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(head + body)
        raw, closed = _read_answer(sock)
    return _parse(raw, len(body), closed)


def send_chunked(
    port: int, method: str, path: str, parts: list[bytes], headers: dict[str, str]
) -> Answer:
    """A request whose body is ``parts``, each sent as one chunk."""
    framing = {"Transfer-Encoding": "chunked", "Connection": "close"}
    head = request_head(port, method, path, headers | framing)
    body = b"".join(chunk(part) for part in parts) + b"0\r\n\r\n"
    return exchange(port, head, body)


def send_until_answered(
    port: int, path: str, total: int, headers: dict[str, str], *, chunked: bool
) -> Answer:
    """POST a ``total``-byte body, chunked or declared; stop sending once the server answers."""
    framing = {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(total)}
    block = chunk(BLOCK) if chunked else BLOCK
    sent, received = 0, b""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request_head(port, "POST", path, headers | framing))
        while sent < total:
            readable, writable, _ = select.select([sock], [sock], [], 10)
            if readable:
                received = sock.recv(65536)
                break
            if writable:
                try:
                    sock.sendall(block)
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent += len(BLOCK)
        raw, closed = _read_answer(sock, received)
    return _parse(raw, sent, closed)


def _read_answer(sock: socket.socket, received: bytes = b"") -> tuple[bytes, bool]:
    """Everything the server sends until it closes (or falls silent for 10 s)."""
    sock.setblocking(True)
    sock.settimeout(10)
    try:
        while data := sock.recv(65536):
            received += data
        return received, True
    except TimeoutError:
        return received, False


def _parse(raw: bytes, sent: int, closed: bool) -> Answer:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(status_line.split()[1]), headers, body, sent, closed)
