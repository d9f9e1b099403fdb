"""Start the control plane's ASGI server, daphne, with the options the sync protocol needs.

``python -m konnectlite.server [--host H] [--port P]``. Every launcher (``make serve``, the
demo, the tests and benchmarks) builds its command here, so they cannot drift apart.
"""

import argparse
import os
import sys
from pathlib import Path

from kongcore import protocol

# Large snapshots travel as parts (docs/sync-protocol.md), so no WebSocket message is ever
# larger than this, and no peer, authenticated or not, can make the server buffer more.
MAX_WEBSOCKET_MESSAGE_BYTES = protocol.MAX_MESSAGE_BYTES


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
