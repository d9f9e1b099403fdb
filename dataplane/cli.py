"""``konnectlite-dp``: register a node, then run it.

Exit statuses: 0 after a clean shutdown (SIGTERM/SIGINT) or a successful registration; 1 for
an error the operator must fix (registration refused, not registered, a plugin that fails to
load); 2 for bad command-line usage; 3 when the control plane refuses or revokes the node's
credential (register again).
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from dataplane import config
from dataplane.agent import Agent, RunOptions, catch_stop_signals
from dataplane.client import EXIT_FAILURE, EXIT_OK
from dataplane.plugins import PLUGINS_ENV, PluginError, parse_plugin_list
from dataplane.registration import RegistrationError, register_node
from dataplane.status import parse_listen
from dataplane.store import StoreError
from dataplane.version import AGENT_VERSION
from kongcore.protocol import FULL, INCREMENTAL, SyncMode

TOKEN_ENV = "KONNECTLITE_DP_TOKEN"
INCREMENTAL_ENV = "KONNECTLITE_INCREMENTAL_SYNC"
EXIT_USAGE = 2

log = logging.getLogger("dataplane")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "register":
        return register(args, parser)
    return run(args, parser)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        help=f"where the node keeps its registration and config (default: ${config.DATA_DIR_ENV} "
        "or ~/.local/share/konnectlite-dp)",
    )
    common.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )
    parser = argparse.ArgumentParser(
        prog="konnectlite-dp", description="konnectlite data-plane agent."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {AGENT_VERSION}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_register_parser(commands, common)
    _add_run_parser(commands, common)
    return parser


def _add_register_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    sub = commands.add_parser(
        "register",
        parents=[common],
        help="register this node with a control plane",
        description="Trade a registration token (kdpr_...) for a node credential, stored in "
        "the data dir with mode 0600.",
    )
    sub.add_argument("--server", required=True, help="control plane URL, e.g. http://cp:8000")
    sub.add_argument("--token", help=f"registration token (default: ${TOKEN_ENV})")
    sub.add_argument("--name", help="node name (default: this host's name)")
    sub.add_argument(
        "--label",
        action="append",
        default=[],
        type=_label,
        metavar="KEY=VALUE",
        help="a label for the node; repeatable",
    )


def _add_run_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    sub = commands.add_parser(
        "run",
        parents=[common],
        help="connect to the control plane and keep the local config in sync",
        description="Stay connected to the control plane, applying config changes as they "
        "come. Stops cleanly on SIGTERM or SIGINT.",
    )
    sub.add_argument(
        "--incremental-sync",
        choices=["on", "off"],
        help=f"ask for deltas (on) or whole snapshots (off) (default: ${INCREMENTAL_ENV} or on)",
    )
    sub.add_argument(
        "--status-listen",
        type=_listen,
        metavar="HOST:PORT",
        help="serve GET /status as JSON on this address (port 0 picks a free one)",
    )
    sub.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="MODULE",
        help=f"import MODULE and call its init_worker(ctx); repeatable (default: ${PLUGINS_ENV}, "
        "comma-separated)",
    )


def register(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    token = args.token or os.environ.get(TOKEN_ENV)
    if not token:
        parser.error(f"register needs --token or ${TOKEN_ENV}")
    data_dir = config.ensure_data_dir(config.resolve_data_dir(args.data_dir))
    hostname = socket.gethostname()
    name, labels = args.name or hostname, dict(args.label)
    try:
        registration = register_node(
            args.server, token, name=name, hostname=hostname, labels=labels
        )
    except RegistrationError as exc:
        print(f"konnectlite-dp: {exc.message}", file=sys.stderr)
        return EXIT_FAILURE
    identity = config.NodeIdentity(
        server=args.server.rstrip("/"),
        node_id=registration.node_id,
        control_plane_id=registration.control_plane_id,
        sync_url=registration.sync_url,
        name=name,
        labels=labels,
    )
    _save_registration(data_dir, identity, registration.credential)
    print(
        f"registered node {name} ({identity.node_id}) with control plane {identity.control_plane_id}"
    )
    print(f"start it with: konnectlite-dp run --data-dir {data_dir}")
    return EXIT_OK


def _save_registration(data_dir: Path, identity: config.NodeIdentity, credential: str) -> None:
    try:
        previous: config.NodeIdentity | None = config.load_identity(data_dir)
    except config.NotRegistered:
        previous = None
    if previous is not None and previous.node_id != identity.node_id:
        print(f"replacing the earlier registration of node {previous.node_id}", file=sys.stderr)
    # The credential first: node.json without a credential would look registered but not work.
    config.save_credential(data_dir, credential)
    config.save_identity(data_dir, identity)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    options = RunOptions(
        data_dir=config.resolve_data_dir(args.data_dir),
        sync_mode=_sync_mode(args.incremental_sync, parser),
        plugins=args.plugin or parse_plugin_list(os.environ.get(PLUGINS_ENV)),
        status_listen=args.status_listen,
    )
    catch_stop_signals()
    try:
        credential = config.load_credential(options.data_dir)
        with config.exclusive_lock(options.data_dir):
            agent = Agent.open(options)
            try:
                agent.start()
                return agent.run(credential)
            finally:
                agent.close()
    except config.NotRegistered as exc:
        log.error("node is not registered (%s); run `konnectlite-dp register` first", exc)
    except (config.DataDirBusy, StoreError, PluginError) as exc:
        log.error("%s", exc)
    except OSError as exc:
        log.error("cannot start: %s", exc)
    return EXIT_FAILURE


def _sync_mode(flag: str | None, parser: argparse.ArgumentParser) -> SyncMode:
    """The flag wins over the environment; both default to incremental."""
    value = (flag or os.environ.get(INCREMENTAL_ENV) or "on").strip().lower()
    if value not in ("on", "off"):
        parser.error(f"${INCREMENTAL_ENV} must be on or off, not {value!r}")
    return INCREMENTAL if value == "on" else FULL


def _label(value: str) -> tuple[str, str]:
    key, sep, label = value.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {value!r}")
    return key, label


def _listen(value: str) -> tuple[str, int]:
    try:
        return parse_listen(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
