"""Start the control plane's ASGI server, daphne, with the options the sync protocol needs.

``python -m konnectlite.server [--host H] [--port P]``. Every launcher (``make serve``, the
demo, the tests and benchmarks) builds its command here, so they cannot drift apart.

daphne runs in this process with a request class that refuses a body over its view's limit
before buffering it (``konnectlite.bounded_daphne``), so the ``daphne`` command alone no
longer serves konnectlite safely.
"""

import argparse
import sys

from kongcore import protocol

# Large snapshots travel as parts (docs/sync-protocol.md), so no WebSocket message is ever
# larger than this, and no peer, authenticated or not, can make the server buffer more.
MAX_WEBSOCKET_MESSAGE_BYTES = protocol.MAX_MESSAGE_BYTES


def daphne_command(host: str, port: int) -> list[str]:
    """The command that serves konnectlite on ``host:port``."""
    return [sys.executable, "-m", "konnectlite.server", "--host", host, "--port", str(port)]


def daphne_arguments(host: str, port: int) -> list[str]:
    return [
        "-b",
        host,
        "-p",
        str(port),
        "--websocket-max-message-size",
        str(MAX_WEBSOCKET_MESSAGE_BYTES),
        "konnectlite.asgi:application",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the konnectlite control plane.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    # Imported here: it installs twisted's reactor, which only the server process wants.
    from konnectlite.bounded_daphne import serve

    serve(daphne_arguments(args.host, args.port))


if __name__ == "__main__":
    main()
