"""Start the control plane's ASGI server, daphne, with the options the sync protocol needs.

``python -m konnectlite.server [--host H] [--port P]``. Every launcher (``make serve``, the
demo, the tests and benchmarks) builds its command here, so they cannot drift apart.
"""

import argparse
import os
import sys
from pathlib import Path

# A snapshot travels as one WebSocket message, and daphne refuses messages over 1 MiB in
# either direction unless told otherwise. 64 MiB holds the compressed snapshot of a config
# far beyond Kong's 30,000 entities (about 2 MB) while bounding what any peer, authenticated
# or not, can make the server buffer before the sync consumer's own 64 KiB check.
MAX_WEBSOCKET_MESSAGE_BYTES = int(
    os.environ.get("KONNECTLITE_MAX_WEBSOCKET_MESSAGE_BYTES", 64 * 1024 * 1024)
)


def daphne_command(host: str, port: int) -> list[str]:
    daphne = str(Path(sys.executable).parent / "daphne")
    return [
        daphne,
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
    command = daphne_command(args.host, args.port)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
